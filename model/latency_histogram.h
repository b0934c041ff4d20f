/*
 * A log-linear latency histogram (HdrHistogram style) for integer
 * nanoseconds: values below 128 have a bucket each; above, every power of
 * two [2^m, 2^(m+1)) is cut into 64 equal buckets, so a bucket is at most
 * 1/64 (1.5625 %) of its lower bound wide. Recording is O(1) (a count
 * leading zeros and an increment), no sample is stored; count, sum and max
 * are exact. The whole uint64 range fits (3776 buckets, 30 KiB).
 */
#ifndef MMSIM_MODEL_LATENCY_HISTOGRAM_H
#define MMSIM_MODEL_LATENCY_HISTOGRAM_H

#include <array>
#include <cstdint>

namespace mmsim {

class latency_histogram {
public:
    static constexpr unsigned kSubBits = 6;                 /* 64 sub-buckets per power of two */
    static constexpr uint64_t kSub = 1ull << kSubBits;
    static constexpr unsigned kBuckets = (64 - kSubBits) * kSub + kSub; /* index of UINT64_MAX + 1 */

    /* The bucket a value falls in. */
    static unsigned index_of(uint64_t v)
    {
        if (v < 2 * kSub)
            return (unsigned)v;
        unsigned shift = (63u - (unsigned)__builtin_clzll(v)) - kSubBits;
        return shift * (unsigned)kSub + (unsigned)(v >> shift);
    }
    /* Bucket i holds the values lower(i) .. upper(i) (both inclusive). */
    static uint64_t lower(unsigned i);
    static uint64_t upper(unsigned i);

    void record(uint64_t v)
    {
        counts_[index_of(v)]++;
        count_++;
        sum_ += v;
        if (v > max_)
            max_ = v;
    }
    /*
     * HdrHistogram's recordValueWithExpectedInterval: v, and for a stream that issues one
     * request every `interval` and could not while this one took v, the requests it missed:
     * v - interval, v - 2 interval, ... down to interval (coordinated omission). O(buckets).
     */
    void record_corrected(uint64_t v, uint64_t interval);
    void merge(const latency_histogram &o);

    uint64_t count() const { return count_; }
    uint64_t max() const { return max_; }
    double mean() const { return count_ ? (double)sum_ / (double)count_ : 0; }
    uint64_t bucket_count(unsigned i) const { return counts_[i]; }

    /*
     * The p-quantile (0 < p <= 1, as parts per million: 500000 = p50, 999000 = p99.9):
     * the smallest bucket such that at least p of the samples are <= its values; returns
     * that bucket's upper bound, clipped to the exact max. 0 when empty.
     */
    uint64_t percentile_ppm(uint32_t ppm) const;

private:
    std::array<uint64_t, kBuckets> counts_{};
    uint64_t count_ = 0;
    uint64_t sum_ = 0; /* wraps only past 584 years of summed latency */
    uint64_t max_ = 0;
};

} // namespace mmsim

#endif
