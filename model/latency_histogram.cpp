#include "latency_histogram.h"

namespace mmsim {

uint64_t latency_histogram::lower(unsigned i)
{
    if (i < 2 * kSub)
        return i;
    unsigned shift = i / (unsigned)kSub - 1;
    return (uint64_t)(i - shift * (unsigned)kSub) << shift;
}

uint64_t latency_histogram::upper(unsigned i)
{
    if (i < 2 * kSub)
        return i;
    unsigned shift = i / (unsigned)kSub - 1;
    return lower(i) + ((1ull << shift) - 1);
}

void latency_histogram::record_corrected(uint64_t v, uint64_t interval)
{
    record(v);
    if (interval == 0 || v <= interval)
        return;
    /* the missed requests are v - k * interval for k = 1 .. kmax (each >= interval) */
    const uint64_t kmax = (v - interval) / interval;
    uint64_t k = 1;
    while (k <= kmax) {
        const uint64_t x = v - k * interval;
        const unsigned b = index_of(x);
        const uint64_t lo = lower(b);
        /* every k' >= k whose value stays in bucket b: v - k' * interval >= lo */
        uint64_t last = (v - lo) / interval;
        if (last > kmax)
            last = kmax;
        const uint64_t n = last - k + 1;
        counts_[b] += n;
        count_ += n;
        sum_ += n * v - interval * ((k + last) * n / 2);
        if (x > max_)
            max_ = x;
        k = last + 1;
    }
}

void latency_histogram::merge(const latency_histogram &o)
{
    if (!o.count_)
        return;
    for (unsigned i = 0; i < kBuckets; i++)
        counts_[i] += o.counts_[i];
    count_ += o.count_;
    sum_ += o.sum_;
    if (o.max_ > max_)
        max_ = o.max_;
}

uint64_t latency_histogram::percentile_ppm(uint32_t ppm) const
{
    if (!count_)
        return 0;
    /* at least ceil(count * p) samples at or below the answer */
    unsigned __int128 want = ((unsigned __int128)count_ * ppm + 999999) / 1000000;
    if (want < 1)
        want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i <= index_of(max_); i++) {
        seen += counts_[i];
        if (seen >= want) {
            uint64_t u = upper(i);
            return u < max_ ? u : max_;
        }
    }
    return max_;
}

} // namespace mmsim
