#include "alloc_latency.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace mmsim {

const char *to_string(alloc_kind k)
{
    switch (k) {
    case alloc_kind::anon_fault: return "anon_fault";
    case alloc_kind::swap_in: return "swap_in";
    case alloc_kind::file_fill: return "file_fill";
    case alloc_kind::kernel: return "kernel";
    case alloc_kind::exact: return "exact";
    case alloc_kind::unfinished: return "unfinished";
    case alloc_kind::count: break;
    }
    return "?";
}

latency_histogram alloc_latency::all() const
{
    latency_histogram h;
    for (const latency_histogram &k : by_kind)
        h.merge(k);
    return h;
}

namespace {
using H = latency_histogram;

/* The coarse bin of each fine bucket and each coarse bin's lower bound (0, 1, then ceil(2^(k/4)) ns). */
struct coarse_bins {
    std::vector<unsigned> bin_of;  /* per fine bucket */
    std::vector<uint64_t> lower;   /* per coarse bin: the lower bound of its first fine bucket */

    coarse_bins()
    {
        static const double quarter[4] = {1.0, 1.189207115002721, 1.4142135623730951, 1.681792830507429};
        std::vector<uint64_t> edges{0};
        for (unsigned k = 0; k < 4 * 63; k++) {
            uint64_t e = (uint64_t)std::ceil((double)(1ull << (k / 4)) * quarter[k % 4]);
            if (e > edges.back())
                edges.push_back(e);
        }
        bin_of.resize(H::kBuckets);
        size_t b = 0;
        for (unsigned i = 0; i < H::kBuckets; i++) {
            uint64_t lo = H::lower(i);
            size_t nb = b;
            while (nb + 1 < edges.size() && edges[nb + 1] <= lo)
                nb++;
            if (i == 0 || nb != b)
                lower.push_back(lo);
            b = nb;
            bin_of[i] = (unsigned)(lower.size() - 1);
        }
    }
};

const coarse_bins &bins()
{
    static const coarse_bins c;
    return c;
}

void append_rows(std::string &out, const char *kind, const H &h)
{
    if (!h.count())
        return;
    const coarse_bins &c = bins();
    std::vector<uint64_t> counts(c.lower.size(), 0);
    for (unsigned i = 0; i <= H::index_of(h.max()); i++)
        counts[c.bin_of[i]] += h.bucket_count(i);
    char line[160];
    for (size_t b = 0; b < counts.size(); b++) {
        if (!counts[b])
            continue;
        /* the last bin ends at UINT64_MAX (never reached by a simulated latency) */
        uint64_t upper = b + 1 < c.lower.size() ? c.lower[b + 1] : UINT64_MAX;
        std::snprintf(line, sizeof line, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", kind, c.lower[b], upper,
                      counts[b]);
        out += line;
    }
}
} // namespace

std::string latency_hist_csv(const alloc_latency &lat)
{
    std::vector<std::pair<std::string, const H *>> kinds;
    H all = lat.all();
    kinds.emplace_back("all", &all);
    for (unsigned k = 0; k < (unsigned)alloc_kind::count; k++)
        kinds.emplace_back(to_string((alloc_kind)k), &lat.by_kind[k]);
    std::sort(kinds.begin(), kinds.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    std::string out = "kind,lower_ns,upper_ns,count\n";
    for (const auto &k : kinds)
        append_rows(out, k.first.c_str(), *k.second);
    return out;
}

} // namespace mmsim
