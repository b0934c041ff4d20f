/* mmsim's seeded PRNG (splitmix64): same seed, same sequence, on every platform. */
#ifndef MMSIM_MODEL_PRNG_H
#define MMSIM_MODEL_PRNG_H

#include <cmath>
#include <cstdint>
#include <string>

namespace mmsim {

class prng {
public:
    explicit prng(uint64_t seed) : s_(seed) {}
    uint64_t next()
    {
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /* uniform in [0, n), n > 0 */
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    /* uniform in [0, 1) */
    double unit() { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }
    /* exponential with the given mean */
    double exponential(double mean) { return -mean * std::log(1.0 - unit()); }

private:
    uint64_t s_;
};

/* A stable 64-bit hash of a name (FNV-1a), to derive per-process seeds. */
inline uint64_t name_hash(const std::string &s)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace mmsim

#endif
