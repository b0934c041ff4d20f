/*
 * mmsim scenario: the plain data a run is built from (machine, policy knobs,
 * run control, page-cache files, processes with their workloads), and the
 * loader that fills it from a TOML file (toml++) and from --set key=value.
 *
 * Every field has its default here; the comment gives unit and range. The
 * TOML key of a field is its section and name, e.g. policy.swappiness,
 * machine.swap_device, [[process]] anon.rate. docs/user-guide.md lists them.
 *
 * Units: sizes in bytes where the key ends in _bytes, otherwise in 4 KiB
 * pages; rates per simulated second; times in simulated seconds unless the
 * key ends in _us / _ns.
 */
#ifndef MMSIM_MODEL_SCENARIO_H
#define MMSIM_MODEL_SCENARIO_H

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmsim {

constexpr uint64_t kPageBytes = 4096;
constexpr int kNrOrders = 11;   /* orders 0..10 (MAX_PAGE_ORDER = 10) */
constexpr int kNrZones = 5;     /* DMA, DMA32, Normal, Movable, Device */

/* Bad scenario input: what() is one line naming file:line, key and the allowed range. */
class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Layout { single, x86_64 };
enum class SwapDevice { zram, nvme, sata_ssd, hdd };
/* Swap-out: the reclaimer waits for its writes (sync) or only submits them (async). */
enum class SwapWriteout { sync, async };
enum class ExactPolicy { kernel, fit_and_free };
enum class StopCondition { duration, first_oom, steady };
/* File access pattern: sequential sweep, uniform random, or a hot set re-read most of the time. */
enum class AccessPattern { sequential, uniform, hot_set };
/* Which live allocation is freed: never (only at exit), after a random lifetime, oldest, newest, any. */
enum class FreePattern { never, lifetime, fifo, lifo, random };
/* Which old anon page a touch hits: uniform over the rss, or a cyclic sweep oldest first (LRU worst case). */
enum class TouchPattern { uniform, cyclic };

struct Machine {
    uint64_t ram_bytes = 8ull << 30;   /* bytes, > 0, multiple of 4096, <= 1 TiB */
    Layout layout = Layout::x86_64;    /* single = one ZONE_NORMAL; x86_64 = DMA 16 MiB, DMA32 < 4 GiB, Normal */
    /* Per-zone managed pages (DMA, DMA32, Normal, Movable, Device); 0 = derived from the layout. */
    std::array<uint64_t, kNrZones> managed_pages{};
    uint64_t swap_bytes = 4ull << 30;  /* bytes, 0 (no swap) .. 1 TiB, multiple of 4096 */
    SwapDevice swap_device = SwapDevice::nvme; /* profile, see docs/device-profiles */
    /* Profile overrides; negative / 0 = the profile's figure. */
    double swap_read_latency_us = -1;  /* us per 4 KiB read, 0.1 .. 1e6 */
    double swap_write_latency_us = -1; /* us per 4 KiB write, 0.1 .. 1e6 */
    double swap_bandwidth_mbps = -1;   /* MB/s, 1 .. 1e6 */
    int swap_queue_depth = 0;          /* requests in flight, 1 .. 1024 */
    double zram_ratio = -1;            /* compression ratio (original/compressed), 1 .. 10; zram only */
    bool thp = false;                  /* THP enabled: khugepaged raises min_free_kbytes */
    SwapWriteout swap_writeout = SwapWriteout::sync; /* async has no effect with zram */
};

struct Policy {
    int swappiness = 60;               /* vm.swappiness, 0 .. 200 */
    long min_free_kbytes = -1;         /* KiB, -1 = auto (calculate_min_free_kbytes), else 128 .. 4194304 */
    int watermark_scale_factor = 10;   /* vm.watermark_scale_factor, 1 .. 3000 */
    ExactPolicy exact_policy = ExactPolicy::kernel; /* alloc_pages_exact trimming */
    int page_cluster = 3;              /* vm.page-cluster, 0 .. 31: swap readahead up to 2^n pages */
    bool swap_vma_readahead = true;    /* /sys/kernel/mm/swap/vma_ra_enabled */
};

struct Run {
    double duration_s = 60;            /* simulated seconds, 0.001 .. 86400 */
    StopCondition stop = StopCondition::duration; /* end early at the first OOM kill, or when steady */
    double steady_window_s = 5;        /* s, 0.01 .. 3600: steady = for this long no reclaim, kswapd
                                          asleep, free pages >= high, every process idle */
    double sample_period_s = 0.1;      /* s per CSV row / VCD sample, 1e-6 .. 3600 */
    uint64_t seed = 1;                 /* PRNG seed, any 64-bit value */
    double quantum_us = 100;           /* tlm_quantumkeeper global quantum, us, 0.001 .. 1e6 */
    bool vcd = true;                   /* write waves.vcd / waves.gtkw */
    bool proc = true;                  /* write /proc-format snapshots */
    bool split_log = false;            /* log every buddy split/merge in events.csv (big) */
};

/* CPU costs the host charges for work c_core reports (docs/user-guide.md gives the sources). */
struct CpuCosts {
    double alloc_fast_ns = 150;        /* one get_page_from_freelist success, 0 .. 1e9 */
    double free_ns = 100;              /* one free to the buddy allocator, 0 .. 1e9 */
    double page_scanned_ns = 40;       /* one folio looked at by shrink_*_list, 0 .. 1e9 */
    double page_unmapped_ns = 250;     /* one try_to_unmap, 0 .. 1e9 */
    double page_freed_ns = 100;        /* one folio reclaimed, 0 .. 1e9 */
    double oom_select_ns = 500;        /* one task looked at by select_bad_process, 0 .. 1e9 */
    double dram_bandwidth_gbps = 10;   /* GB/s for zeroing and copying pages, 0.1 .. 1000 */
};

/* A page-cache file. */
struct FileSpec {
    std::string name;                  /* unique, non-empty */
    uint64_t size_pages = 0;           /* pages, 1 .. 2^32-1 */
    uint64_t prepopulate_pages = 0;    /* pages cached at start, 0 .. size_pages */
    double active_share = 0;           /* share of prepopulated pages on the active list, 0 .. 1 */
    double dirty_share = 0;            /* share of prepopulated pages dirty, 0 .. 1 */
};

/* Anonymous memory: allocate at rate until the rss reaches target_rss_pages, then hold. */
struct AnonWorkload {
    double rate = 0;                   /* pages/s, 0 .. 1e9 (0 = none) */
    uint64_t target_rss_pages = 0;     /* pages, 0 = no limit (allocate until stop/OOM) */
    int order = 0;                     /* allocation order, 0 .. 10 */
};

/* Page-cache I/O on one named file. */
struct FileWorkload {
    std::string name;                  /* a [[file]] name; empty = no file I/O */
    double read_rate = 0;              /* pages/s, 0 .. 1e9 */
    double write_rate = 0;             /* pages/s, 0 .. 1e9 (dirties the page) */
    AccessPattern pattern = AccessPattern::sequential;
    double hot_fraction = 0.1;         /* hot_set: share of the file that is hot, 0 < x <= 1 */
    double hot_share = 0.9;            /* hot_set: share of accesses that go to the hot set, 0 .. 1 */
};

/* How live allocations of a kernel/exact workload are freed. */
struct FreeSpec {
    FreePattern free_pattern = FreePattern::never;
    double lifetime_s = 1;             /* lifetime: mean of an exponential lifetime, s, 1e-6 .. 1e6 */
    uint64_t target_live_pages = 0;    /* fifo/lifo/random: free before allocating while live pages
                                          >= this, pages; 0 = no limit */
};

/* Kernel-internal allocations (GFP_KERNEL, unmovable, not reclaimable). */
struct KernelWorkload {
    double rate = 0;                   /* allocations/s, 0 .. 1e9 */
    std::array<double, kNrOrders> order_weights{1}; /* relative weights of orders 0..10, each >= 0, sum > 0 */
    FreeSpec free;
};

/* Re-touches of the process's own old anon pages (swap-ins when they were swapped out). */
struct TouchWorkload {
    double rate = 0;                   /* pages/s, 0 .. 1e9 */
    TouchPattern pattern = TouchPattern::uniform;
};

/* alloc_pages_exact(size): sizes uniform in [size_min_pages, size_max_pages]. */
struct ExactWorkload {
    double rate = 0;                   /* allocations/s, 0 .. 1e9 */
    uint64_t size_min_pages = 1;       /* pages, 1 .. 1024 */
    uint64_t size_max_pages = 1;       /* pages, size_min_pages .. 1024 */
    FreeSpec free;
};

struct Process {
    std::string name;                  /* unique, non-empty */
    double start_s = 0;                /* s, 0 .. run.duration_s */
    double stop_s = -1;                /* s when the process exits (frees all), -1 = runs to the end */
    int oom_score_adj = 0;             /* -1000 .. 1000 */
    AnonWorkload anon;
    FileWorkload file;
    KernelWorkload kernel;
    TouchWorkload touch;
    ExactWorkload exact;
};

struct Scenario {
    std::string name;                  /* defaults to the file's stem */
    std::string purpose;               /* one line shown in the index page */
    std::string source;                /* the file it was loaded from ("" when built in code) */
    double scale = 1;                  /* 0 < x <= 1: sizes and rates multiplied by it (CI variants) */
    Machine machine;
    Policy policy;
    Run run;
    CpuCosts cpu;
    std::vector<FileSpec> files;       /* TOML [[file]] */
    std::vector<Process> processes;    /* TOML [[process]] */
};

/* Parse and validate a TOML scenario; throws ScenarioError. The file's `scale` is applied. */
Scenario load_scenario(const std::string &path);

/* The same from TOML text; source names it in messages (and becomes Scenario::source). */
Scenario parse_scenario(const std::string &text, const std::string &source);

/*
 * Apply one --set override "key=value": key is a dotted path (policy.swappiness,
 * machine.swap_device, process.NAME.anon.rate or process.INDEX.anon.rate,
 * file.NAME.size_pages, scale); value is a TOML value (bare words are strings).
 * Setting scale rescales sizes and rates by new/old. Throws ScenarioError.
 */
void apply_set(Scenario &s, const std::string &key_equals_value);

/* Cross-field checks (file names exist, prepopulate <= size, unique names...). Throws ScenarioError. */
void validate_scenario(const Scenario &s);

/* Every key the loader accepts, dotted: "machine.ram_bytes", "file.size_pages" for each [[file]],
   "process.anon.rate" for each [[process]] (docs/user-guide.md documents each one). */
std::vector<std::string> scenario_keys();

/* Names as written in TOML (for outputs and messages). */
const char *to_string(Layout v);
const char *to_string(SwapDevice v);
const char *to_string(SwapWriteout v);
const char *to_string(ExactPolicy v);
const char *to_string(StopCondition v);
const char *to_string(AccessPattern v);
const char *to_string(FreePattern v);
const char *to_string(TouchPattern v);

} // namespace mmsim

#endif
