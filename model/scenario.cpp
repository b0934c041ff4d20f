/*
 * Scenario loader: TOML (toml++) -> mmsim::Scenario, with --set overrides.
 *
 * Each struct of scenario.h has a schema: the list of its TOML keys, each
 * with a reader that checks type and range and stores the value. The same
 * readers serve the file and --set (which builds a one-key TOML table), so a
 * key has one definition, one range and one message.
 */
#include "scenario.h"
#include "toml_text.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <utility>

/*
 * toml++ 3.3 (Debian's) checks a parser precondition that malformed table
 * headers such as "[=" violate (marzer/tomlplusplus#301, fixed after 3.3): a
 * build without NDEBUG aborts there, a clang build with NDEBUG turns the check
 * into __builtin_assume (undefined behaviour). Past the check the parser
 * reports a clean parse_error, so toml++ is built here with its internal
 * checks off in every configuration (found by testbench/fuzz_scenario.cpp).
 */
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

namespace mmsim {
namespace {

/* ---------- messages ---------- */

struct Where {
    std::string file;
    int line = 0; /* 0 = no line (--set, cross-field checks) */
};

/* Messages are one line: control characters from the input (quoted keys, strings, parser text) are escaped. */
std::string one_line(const std::string &text)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f)
            out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
        else
            out += static_cast<char>(c);
    }
    return out;
}

[[noreturn]] void fail(const Where &w, const std::string &msg)
{
    std::string s = w.file;
    if (w.line > 0)
        s += ":" + std::to_string(w.line);
    throw ScenarioError(one_line(s + ": " + msg));
}

Where where_of(const std::string &file, const toml::node &n)
{
    if (file == "--set")
        return Where{file, 0};
    return Where{file, static_cast<int>(n.source().begin.line)};
}

std::string fmt_num(double v)
{
    if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e18)
        return std::to_string(static_cast<long long>(v));
    std::ostringstream os;
    os << v;
    return os.str();
}

std::string node_text(const toml::node &n)
{
    if (auto s = n.as_string())
        return "\"" + s->get() + "\"";
    if (auto i = n.as_integer())
        return std::to_string(i->get());
    if (auto f = n.as_floating_point())
        return fmt_num(f->get());
    if (auto b = n.as_boolean())
        return b->get() ? "true" : "false";
    if (n.is_table())
        return "a table";
    if (n.is_array())
        return "an array";
    return "a date/time";
}

/* ---------- schema ---------- */

struct Ctx {
    std::string file;
    std::string key; /* full dotted key, e.g. process[0].anon.rate */
    const toml::node &node;
    Where where() const { return where_of(file, node); }
    [[noreturn]] void bad(const std::string &what) const
    {
        fail(where(), key + " = " + node_text(node) + " " + what);
    }
};

template <class S> struct Field {
    const char *name;
    std::function<void(S &, const Ctx &)> read;
    /* for a table or array of tables: append its keys under a prefix (none for a plain value) */
    std::function<void(const std::string &, std::vector<std::string> &)> children = nullptr;
};

template <class S> using Schema = std::vector<Field<S>>;

template <class S> void list_keys(const Schema<S> &schema, const std::string &prefix, std::vector<std::string> &out)
{
    for (const auto &f : schema) {
        if (f.children)
            f.children(prefix + f.name + ".", out);
        else
            out.push_back(prefix + f.name);
    }
}

template <class S>
void read_table(S &obj, const toml::table &t, const std::string &prefix, const Schema<S> &schema,
                const std::string &file)
{
    for (auto &&[k, node] : t) {
        const std::string key(k.str());
        const Field<S> *f = nullptr;
        for (const auto &cand : schema)
            if (key == cand.name)
                f = &cand;
        if (!f) {
            std::string allowed;
            for (const auto &cand : schema)
                allowed += (allowed.empty() ? "" : ", ") + std::string(cand.name);
            fail(where_of(file, node), "unknown key " + prefix + key + " (allowed here: " + allowed + ")");
        }
        f->read(obj, Ctx{file, prefix + key, node});
    }
}

/* Accessor-based field makers: A is a lambda S& -> T&. */

double read_number(const Ctx &c, bool integer, double lo, double hi, const std::string &unit)
{
    const std::string range = fmt_num(lo) + ".." + fmt_num(hi) + (unit.empty() ? "" : " " + unit);
    double v;
    if (auto i = c.node.as_integer())
        v = static_cast<double>(i->get());
    else if (auto f = c.node.as_floating_point(); f && !integer)
        v = f->get();
    else
        c.bad(std::string("has the wrong type: expected ") + (integer ? "an integer" : "a number") + " in " +
              range);
    if (!(v >= lo && v <= hi))
        c.bad("is out of range " + range);
    return v;
}

template <class S, class A> Field<S> integer(const char *name, A acc, double lo, double hi, const char *unit = "")
{
    return {name, [=](S &s, const Ctx &c) {
                auto &dst = acc(s);
                dst = static_cast<std::remove_reference_t<decltype(dst)>>(read_number(c, true, lo, hi, unit));
            }};
}

template <class S, class A> Field<S> real(const char *name, A acc, double lo, double hi, const char *unit = "")
{
    return {name, [=](S &s, const Ctx &c) { acc(s) = read_number(c, false, lo, hi, unit); }};
}

template <class S, class A> Field<S> flag(const char *name, A acc)
{
    return {name, [=](S &s, const Ctx &c) {
                auto b = c.node.as_boolean();
                if (!b)
                    c.bad("has the wrong type: expected true or false");
                acc(s) = b->get();
            }};
}

template <class S, class A> Field<S> text(const char *name, A acc)
{
    return {name, [=](S &s, const Ctx &c) {
                auto t = c.node.as_string();
                if (!t)
                    c.bad("has the wrong type: expected a string");
                acc(s) = t->get();
            }};
}

template <class E> using Names = std::vector<std::pair<const char *, E>>;

template <class E> std::string joined(const Names<E> &names)
{
    std::string r;
    for (const auto &n : names)
        r += (r.empty() ? "" : "|") + std::string(n.first);
    return r;
}

template <class S, class A, class E> Field<S> choice(const char *name, A acc, const Names<E> &names)
{
    return {name, [=](S &s, const Ctx &c) {
                auto t = c.node.as_string();
                if (!t)
                    c.bad("has the wrong type: expected one of " + joined(names));
                for (const auto &n : names)
                    if (t->get() == n.first) {
                        acc(s) = n.second;
                        return;
                    }
                c.bad("is not one of " + joined(names));
            }};
}

/* A size in bytes: an integer, or a string with a binary suffix ("8GiB", "512 MiB", "4096"). */
template <class S, class A> Field<S> bytes(const char *name, A acc, uint64_t lo, uint64_t hi)
{
    return {name, [=](S &s, const Ctx &c) {
                const std::string range = fmt_num(static_cast<double>(lo)) + ".." +
                                          fmt_num(static_cast<double>(hi)) + " bytes, a multiple of 4096";
                double v = 0;
                if (auto i = c.node.as_integer()) {
                    v = static_cast<double>(i->get());
                } else if (auto t = c.node.as_string()) {
                    std::istringstream is(t->get());
                    double num;
                    std::string suffix;
                    if (!(is >> num))
                        c.bad("is not a size: expected e.g. 8GiB, 512MiB or " + range);
                    is >> suffix;
                    static const Names<double> units = {{"", 1},           {"B", 1},
                                                        {"KiB", 1024.0},   {"MiB", 1048576.0},
                                                        {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
                    bool found = false;
                    for (const auto &u : units)
                        if (suffix == u.first) {
                            v = num * u.second;
                            found = true;
                        }
                    std::string rest;
                    if (!found || (is >> rest))
                        c.bad("has an unknown unit: expected B, KiB, MiB, GiB or TiB");
                } else {
                    c.bad("has the wrong type: expected an integer or a size string, " + range);
                }
                if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)))
                    c.bad("is out of range " + range);
                if (std::fmod(v, static_cast<double>(kPageBytes)) != 0)
                    c.bad("is not a multiple of the page size 4096");
                acc(s) = static_cast<uint64_t>(v);
            }};
}

/* A fixed-length array of numbers, e.g. order_weights (orders 0..10). */
template <class S, class A> Field<S> numbers(const char *name, A acc, double lo, double hi, bool integer,
                                              const char *index_name)
{
    return {name, [=](S &s, const Ctx &c) {
                auto &dst = acc(s);
                const size_t n = dst.size();
                auto arr = c.node.as_array();
                if (!arr)
                    c.bad("has the wrong type: expected an array of up to " + std::to_string(n) + " numbers");
                if (arr->size() > n)
                    fail(c.where(), c.key + " has " + std::to_string(arr->size()) + " entries: " + index_name +
                                        " are 0.." + std::to_string(n - 1));
                using T = std::remove_reference_t<decltype(dst[0])>;
                dst.fill(T{});
                for (size_t i = 0; i < arr->size(); i++) {
                    Ctx ci{c.file, c.key + "[" + std::to_string(i) + "]", *arr->get(i)};
                    dst[i] = static_cast<T>(read_number(ci, integer, lo, hi, ""));
                }
            }};
}

template <class S, class A, class T> Field<S> sub(const char *name, A acc, const Schema<T> &schema)
{
    return {name, [=, &schema](S &s, const Ctx &c) {
                auto t = c.node.as_table();
                if (!t)
                    c.bad("has the wrong type: expected a table [" + c.key + "]");
                read_table(acc(s), *t, c.key + ".", schema, c.file);
            },
            [&schema](const std::string &prefix, std::vector<std::string> &out) { list_keys(schema, prefix, out); }};
}

template <class S, class A, class T> Field<S> list(const char *name, A acc, const Schema<T> &schema)
{
    return {name, [=, &schema](S &s, const Ctx &c) {
                auto arr = c.node.as_array();
                if (!arr || !arr->is_array_of_tables())
                    c.bad("has the wrong type: expected an array of tables [[" + c.key + "]]");
                auto &dst = acc(s);
                dst.clear();
                for (size_t i = 0; i < arr->size(); i++) {
                    dst.emplace_back();
                    read_table(dst.back(), *arr->get(i)->as_table(), c.key + "[" + std::to_string(i) + "].",
                               schema, c.file);
                }
            },
            [&schema](const std::string &prefix, std::vector<std::string> &out) { list_keys(schema, prefix, out); }};
}

#define AT(member) [](auto &s) -> auto & { return s.member; }

/* ---------- names ---------- */

const Names<Layout> kLayouts = {{"single", Layout::single}, {"x86_64", Layout::x86_64}};
const Names<SwapDevice> kDevices = {{"zram", SwapDevice::zram},
                                    {"nvme", SwapDevice::nvme},
                                    {"sata_ssd", SwapDevice::sata_ssd},
                                    {"hdd", SwapDevice::hdd}};
const Names<SwapWriteout> kWriteouts = {{"sync", SwapWriteout::sync}, {"async", SwapWriteout::async}};
const Names<ExactPolicy> kExact = {{"kernel", ExactPolicy::kernel}, {"fit_and_free", ExactPolicy::fit_and_free}};
const Names<StopCondition> kStops = {{"duration", StopCondition::duration},
                                     {"first_oom", StopCondition::first_oom},
                                     {"steady", StopCondition::steady}};
const Names<AccessPattern> kPatterns = {{"sequential", AccessPattern::sequential},
                                        {"uniform", AccessPattern::uniform},
                                        {"hot_set", AccessPattern::hot_set}};
const Names<FreePattern> kFrees = {{"never", FreePattern::never},
                                   {"lifetime", FreePattern::lifetime},
                                   {"fifo", FreePattern::fifo},
                                   {"lifo", FreePattern::lifo},
                                   {"random", FreePattern::random}};
const Names<TouchPattern> kTouches = {{"uniform", TouchPattern::uniform}, {"cyclic", TouchPattern::cyclic}};

template <class E> const char *name_of(const Names<E> &names, E v)
{
    for (const auto &n : names)
        if (n.second == v)
            return n.first;
    return "?";
}

/* ---------- schemas ---------- */

constexpr double kMaxRate = 1e9;
constexpr uint64_t kMaxBytes = 1ull << 40;

const Schema<Machine> kMachine = {
    bytes<Machine>("ram_bytes", AT(ram_bytes), kPageBytes, kMaxBytes),
    choice<Machine>("layout", AT(layout), kLayouts),
    numbers<Machine>("managed_pages", AT(managed_pages), 0, 1ull << 28, true, "zones (DMA, DMA32, Normal, Movable, Device)"),
    bytes<Machine>("swap_bytes", AT(swap_bytes), 0, kMaxBytes),
    choice<Machine>("swap_device", AT(swap_device), kDevices),
    real<Machine>("swap_read_latency_us", AT(swap_read_latency_us), 0.1, 1e6, "us"),
    real<Machine>("swap_write_latency_us", AT(swap_write_latency_us), 0.1, 1e6, "us"),
    real<Machine>("swap_bandwidth_mbps", AT(swap_bandwidth_mbps), 1, 1e6, "MB/s"),
    integer<Machine>("swap_queue_depth", AT(swap_queue_depth), 1, 1024),
    real<Machine>("zram_ratio", AT(zram_ratio), 1, 10),
    flag<Machine>("thp", AT(thp)),
    choice<Machine>("swap_writeout", AT(swap_writeout), kWriteouts),
};

const Schema<Policy> kPolicy = {
    integer<Policy>("swappiness", AT(swappiness), 0, 200),
    {"min_free_kbytes",
     [](Policy &p, const Ctx &c) {
         if (auto t = c.node.as_string()) {
             if (t->get() != "auto")
                 c.bad("is not \"auto\" or an integer in 128..4194304 KiB");
             p.min_free_kbytes = -1;
             return;
         }
         if (!c.node.is_integer())
             c.bad("has the wrong type: expected \"auto\" or an integer in 128..4194304 KiB");
         p.min_free_kbytes = static_cast<long>(read_number(c, true, 128, 4194304, "KiB"));
     }},
    integer<Policy>("watermark_scale_factor", AT(watermark_scale_factor), 1, 3000),
    choice<Policy>("exact_policy", AT(exact_policy), kExact),
    integer<Policy>("page_cluster", AT(page_cluster), 0, 31),
    flag<Policy>("swap_vma_readahead", AT(swap_vma_readahead)),
};

const Schema<Run> kRun = {
    real<Run>("duration_s", AT(duration_s), 0.001, 86400, "s"),
    choice<Run>("stop", AT(stop), kStops),
    real<Run>("steady_window_s", AT(steady_window_s), 0.01, 3600, "s"),
    real<Run>("sample_period_s", AT(sample_period_s), 1e-6, 3600, "s"),
    {"seed",
     [](Run &r, const Ctx &c) {
         auto i = c.node.as_integer();
         if (!i)
             c.bad("has the wrong type: expected an integer seed");
         r.seed = static_cast<uint64_t>(i->get());
     }},
    real<Run>("quantum_us", AT(quantum_us), 0.001, 1e6, "us"),
    flag<Run>("vcd", AT(vcd)),
    flag<Run>("proc", AT(proc)),
    flag<Run>("split_log", AT(split_log)),
};

const Schema<CpuCosts> kCpu = {
    real<CpuCosts>("alloc_fast_ns", AT(alloc_fast_ns), 0, 1e9, "ns"),
    real<CpuCosts>("free_ns", AT(free_ns), 0, 1e9, "ns"),
    real<CpuCosts>("page_scanned_ns", AT(page_scanned_ns), 0, 1e9, "ns"),
    real<CpuCosts>("page_unmapped_ns", AT(page_unmapped_ns), 0, 1e9, "ns"),
    real<CpuCosts>("page_freed_ns", AT(page_freed_ns), 0, 1e9, "ns"),
    real<CpuCosts>("oom_select_ns", AT(oom_select_ns), 0, 1e9, "ns"),
    real<CpuCosts>("dram_bandwidth_gbps", AT(dram_bandwidth_gbps), 0.1, 1000, "GB/s"),
};

const Schema<FileSpec> kFile = {
    text<FileSpec>("name", AT(name)),
    integer<FileSpec>("size_pages", AT(size_pages), 1, 4294967295.0, "pages"),
    integer<FileSpec>("prepopulate_pages", AT(prepopulate_pages), 0, 4294967295.0, "pages"),
    real<FileSpec>("active_share", AT(active_share), 0, 1),
    real<FileSpec>("dirty_share", AT(dirty_share), 0, 1),
};

const Schema<AnonWorkload> kAnon = {
    real<AnonWorkload>("rate", AT(rate), 0, kMaxRate, "pages/s"),
    integer<AnonWorkload>("target_rss_pages", AT(target_rss_pages), 0, 4294967295.0, "pages"),
    integer<AnonWorkload>("order", AT(order), 0, 10),
};

const Schema<FileWorkload> kFileIo = {
    text<FileWorkload>("name", AT(name)),
    real<FileWorkload>("read_rate", AT(read_rate), 0, kMaxRate, "pages/s"),
    real<FileWorkload>("write_rate", AT(write_rate), 0, kMaxRate, "pages/s"),
    choice<FileWorkload>("pattern", AT(pattern), kPatterns),
    real<FileWorkload>("hot_fraction", AT(hot_fraction), 1e-6, 1),
    real<FileWorkload>("hot_share", AT(hot_share), 0, 1),
};

const Schema<KernelWorkload> kKernel = {
    real<KernelWorkload>("rate", AT(rate), 0, kMaxRate, "allocations/s"),
    numbers<KernelWorkload>("order_weights", AT(order_weights), 0, 1e9, false, "orders"),
    choice<KernelWorkload>("free_pattern", AT(free.free_pattern), kFrees),
    real<KernelWorkload>("lifetime_s", AT(free.lifetime_s), 1e-6, 1e6, "s"),
    integer<KernelWorkload>("target_live_pages", AT(free.target_live_pages), 0, 4294967295.0, "pages"),
};

const Schema<TouchWorkload> kTouch = {
    real<TouchWorkload>("rate", AT(rate), 0, kMaxRate, "pages/s"),
    choice<TouchWorkload>("pattern", AT(pattern), kTouches),
};

const Schema<ExactWorkload> kExactLoad = {
    real<ExactWorkload>("rate", AT(rate), 0, kMaxRate, "allocations/s"),
    integer<ExactWorkload>("size_min_pages", AT(size_min_pages), 1, 1024, "pages"),
    integer<ExactWorkload>("size_max_pages", AT(size_max_pages), 1, 1024, "pages"),
    choice<ExactWorkload>("free_pattern", AT(free.free_pattern), kFrees),
    real<ExactWorkload>("lifetime_s", AT(free.lifetime_s), 1e-6, 1e6, "s"),
    integer<ExactWorkload>("target_live_pages", AT(free.target_live_pages), 0, 4294967295.0, "pages"),
};

const Schema<Process> kProcess = {
    text<Process>("name", AT(name)),
    real<Process>("start_s", AT(start_s), 0, 86400, "s"),
    {"stop_s",
     [](Process &p, const Ctx &c) {
         double v = read_number(c, false, -1, 86400, "s (-1 = runs to the end)");
         if (v < 0 && v != -1)
             c.bad("is out of range 0..86400 s (or -1 = runs to the end)");
         p.stop_s = v;
     }},
    integer<Process>("oom_score_adj", AT(oom_score_adj), -1000, 1000),
    sub<Process>("anon", AT(anon), kAnon),
    sub<Process>("file", AT(file), kFileIo),
    sub<Process>("kernel", AT(kernel), kKernel),
    sub<Process>("touch", AT(touch), kTouch),
    sub<Process>("exact", AT(exact), kExactLoad),
};

const Schema<Scenario> kScenario = {
    text<Scenario>("name", AT(name)),
    text<Scenario>("purpose", AT(purpose)),
    real<Scenario>("scale", AT(scale), 1e-6, 1),
    sub<Scenario>("machine", AT(machine), kMachine),
    sub<Scenario>("policy", AT(policy), kPolicy),
    sub<Scenario>("run", AT(run), kRun),
    sub<Scenario>("cpu", AT(cpu), kCpu),
    list<Scenario>("file", AT(files), kFile),
    list<Scenario>("process", AT(processes), kProcess),
};

#undef AT

/* ---------- scale ---------- */

uint64_t scale_pages(uint64_t v, double f)
{
    if (v == 0)
        return 0;
    const double r = std::floor(static_cast<double>(v) * f + 0.5);
    return r < 1 ? 1 : static_cast<uint64_t>(r);
}

uint64_t scale_bytes(uint64_t v, double f)
{
    return scale_pages(v / kPageBytes, f) * kPageBytes;
}

/* The fields `scale` multiplies: sizes and rates (times, orders, per-allocation sizes stay). */
struct ScaledRefs {
    std::vector<uint64_t *> pages, bytes;
    std::vector<double *> rates;
    long *min_free_kbytes;
};

ScaledRefs scaled_fields(Scenario &s)
{
    ScaledRefs r;
    r.bytes = {&s.machine.ram_bytes, &s.machine.swap_bytes};
    for (auto &z : s.machine.managed_pages)
        r.pages.push_back(&z);
    r.min_free_kbytes = &s.policy.min_free_kbytes;
    for (auto &file : s.files) {
        r.pages.push_back(&file.size_pages);
        r.pages.push_back(&file.prepopulate_pages);
    }
    for (auto &p : s.processes) {
        r.rates.insert(r.rates.end(), {&p.anon.rate, &p.file.read_rate, &p.file.write_rate, &p.kernel.rate,
                                       &p.touch.rate, &p.exact.rate});
        r.pages.insert(r.pages.end(), {&p.anon.target_rss_pages, &p.kernel.free.target_live_pages,
                                       &p.exact.free.target_live_pages});
    }
    return r;
}

/* Multiply every scaled field by f. */
void rescale(Scenario &s, double f)
{
    ScaledRefs r = scaled_fields(s);
    for (uint64_t *v : r.bytes)
        *v = scale_bytes(*v, f);
    for (uint64_t *v : r.pages)
        *v = scale_pages(*v, f);
    for (double *v : r.rates)
        *v *= f;
    if (*r.min_free_kbytes > 0)
        *r.min_free_kbytes = std::max<long>(128, std::lround(static_cast<double>(*r.min_free_kbytes) * f));
    for (auto &file : s.files)
        file.prepopulate_pages = std::min(file.size_pages, file.prepopulate_pages);
}

/*
 * After a --set on a scaled scenario: `set` is a copy of s whose scaled fields
 * were poisoned (no valid value) before the same --set was applied to it; the
 * fields that no longer hold the poison were set, and get scaled into s.
 */
constexpr uint64_t kPoisonSize = UINT64_MAX;
constexpr double kPoisonRate = -1;
constexpr long kPoisonKbytes = -2;

void poison_scaled(Scenario &s)
{
    ScaledRefs r = scaled_fields(s);
    for (uint64_t *v : r.bytes)
        *v = kPoisonSize;
    for (uint64_t *v : r.pages)
        *v = kPoisonSize;
    for (double *v : r.rates)
        *v = kPoisonRate;
    *r.min_free_kbytes = kPoisonKbytes;
}

void scale_set_fields(Scenario &s, Scenario &set, double f)
{
    ScaledRefs dst = scaled_fields(s), src = scaled_fields(set);
    for (size_t i = 0; i < dst.bytes.size(); i++)
        if (*src.bytes[i] != kPoisonSize)
            *dst.bytes[i] = scale_bytes(*src.bytes[i], f);
    for (size_t i = 0; i < dst.pages.size(); i++)
        if (*src.pages[i] != kPoisonSize)
            *dst.pages[i] = scale_pages(*src.pages[i], f);
    for (size_t i = 0; i < dst.rates.size(); i++)
        if (*src.rates[i] != kPoisonRate)
            *dst.rates[i] = *src.rates[i] * f;
    if (*src.min_free_kbytes != kPoisonKbytes && *src.min_free_kbytes > 0)
        *dst.min_free_kbytes = std::max<long>(128, std::lround(static_cast<double>(*src.min_free_kbytes) * f));
    for (auto &file : s.files)
        file.prepopulate_pages = std::min(file.size_pages, file.prepopulate_pages);
}

/*
 * toml++ 3.3's whitespace tables reach __builtin_unreachable for some non-ASCII
 * code points (e.g. U+00A1..U+0499, U+FB26..U+FEFE) where the parser expects a
 * token. TOML 1.0 allows non-ASCII only in strings and comments, so reject it
 * anywhere else before toml++ sees it (found by testbench/fuzz_scenario.cpp).
 */
void check_ascii_outside_strings(const std::string &text, const std::string &source)
{
    enum { code, comment, basic, literal, ml_basic, ml_literal } state = code;
    int line = 1;
    size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; /* a UTF-8 byte order mark */
    auto at = [&](const char *token) { return text.compare(i, std::strlen(token), token) == 0; };
    for (; i < text.size(); i++) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            line++;
            if (state == comment || state == basic || state == literal)
                state = code; /* single-line strings end here (toml++ reports them) */
            continue;
        }
        switch (state) {
        case code:
            if (c >= 0x80)
                fail(Where{source, line}, "malformed TOML: a non-ASCII character outside a string or comment");
            if (c == '#')
                state = comment;
            else if (at("\"\"\"")) {
                state = ml_basic;
                i += 2;
            } else if (at("'''")) {
                state = ml_literal;
                i += 2;
            } else if (c == '"')
                state = basic;
            else if (c == '\'')
                state = literal;
            break;
        case basic:
        case ml_basic:
            if (c == '\\' && state == ml_basic) {
                /* a line-ending backslash: toml++ trims the whitespace after it, non-ASCII included */
                size_t j = i + 1;
                while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n'))
                    line += text[j++] == '\n';
                if (j > i + 1 && j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80)
                    fail(Where{source, line}, "malformed TOML: a non-ASCII character right after a line-ending backslash");
                i = j > i + 1 ? j - 1 : i + 1;
            } else if (c == '\\')
                i++;
            else if (state == basic && c == '"')
                state = code;
            else if (state == ml_basic && at("\"\"\"")) {
                state = code;
                i += 2;
            }
            break;
        case literal:
            if (c == '\'')
                state = code;
            break;
        case ml_literal:
            if (at("'''")) {
                state = code;
                i += 2;
            }
            break;
        case comment:
            break;
        }
    }
}

/*
 * Parse TOML text without exposing toml++ 3.3 to the code points it mishandles:
 * non-ASCII outside strings and comments is rejected, then a copy with every
 * non-ASCII byte replaced by 'x' must parse (so the strings are where the check
 * assumed them), and only then the text itself is parsed. Throws ScenarioError.
 */
toml::table parse_toml(const std::string &text, const std::string &source)
{
    check_ascii_outside_strings(text, source);
    std::string ascii = text;
    for (size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; i < ascii.size(); i++)
        if (static_cast<unsigned char>(ascii[i]) >= 0x80)
            ascii[i] = 'x';
    try {
        if (ascii != text)
            static_cast<void>(toml::parse(ascii, source));
        return toml::parse(text, source);
    } catch (const toml::parse_error &e) {
        fail(Where{source, static_cast<int>(e.source().begin.line)},
             "malformed TOML: " + std::string(e.description()));
    }
}

std::string file_stem(const std::string &path)
{
    std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    return base.substr(0, base.find_last_of('.'));
}

} // namespace

/* ---------- public ---------- */

void validate_scenario(const Scenario &s)
{
    const Where w{s.source.empty() ? "scenario" : s.source, 0};
    std::set<std::string> files;
    for (size_t i = 0; i < s.files.size(); i++) {
        const FileSpec &f = s.files[i];
        const std::string key = "file[" + std::to_string(i) + "]";
        if (f.name.empty())
            fail(w, key + ".name is missing: every [[file]] needs a unique non-empty name");
        if (!files.insert(f.name).second)
            fail(w, key + ".name = \"" + f.name + "\" is used twice: file names must be unique");
        if (f.size_pages == 0)
            fail(w, key + ".size_pages is missing: expected 1..4294967295 pages");
        if (f.prepopulate_pages > f.size_pages)
            fail(w, key + ".prepopulate_pages = " + std::to_string(f.prepopulate_pages) +
                        " is out of range 0..size_pages (" + std::to_string(f.size_pages) + ")");
    }
    std::set<std::string> procs;
    for (size_t i = 0; i < s.processes.size(); i++) {
        const Process &p = s.processes[i];
        const std::string key = "process[" + std::to_string(i) + "]";
        if (p.name.empty())
            fail(w, key + ".name is missing: every [[process]] needs a unique non-empty name");
        if (!procs.insert(p.name).second)
            fail(w, key + ".name = \"" + p.name + "\" is used twice: process names must be unique");
        if (p.start_s > s.run.duration_s)
            fail(w, key + ".start_s = " + fmt_num(p.start_s) + " is out of range 0..run.duration_s (" +
                        fmt_num(s.run.duration_s) + ")");
        if (p.stop_s != -1 && p.stop_s < p.start_s)
            fail(w, key + ".stop_s = " + fmt_num(p.stop_s) + " is out of range start_s (" + fmt_num(p.start_s) +
                        ")..86400 or -1");
        const bool file_io = p.file.read_rate > 0 || p.file.write_rate > 0;
        if ((file_io || !p.file.name.empty()) && !files.count(p.file.name))
            fail(w, key + ".file.name = \"" + p.file.name + "\" names no [[file]]" +
                        (file_io && p.file.name.empty() ? " (file I/O needs a file)" : ""));
        if (p.exact.size_max_pages < p.exact.size_min_pages)
            fail(w, key + ".exact.size_max_pages = " + std::to_string(p.exact.size_max_pages) +
                        " is out of range size_min_pages (" + std::to_string(p.exact.size_min_pages) + ")..1024");
        double sum = 0;
        for (double x : p.kernel.order_weights)
            sum += x;
        if (p.kernel.rate > 0 && sum <= 0)
            fail(w, key + ".kernel.order_weights are all 0: at least one order 0..10 needs a weight > 0");
    }
}

toml::table parse_toml_text(const std::string &text, const std::string &source)
{
    return parse_toml(text, source);
}

Scenario load_scenario(const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ScenarioError(one_line(path + ": cannot read the scenario file (it is a directory)"));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ScenarioError(one_line(path + ": cannot read the scenario file (" + std::strerror(errno) + ")"));
    std::stringstream buf;
    buf << in.rdbuf();
    if (in.bad())
        throw ScenarioError(one_line(path + ": cannot read the scenario file (read error)"));

    std::string name = file_stem(path);
    Scenario s = parse_scenario(buf.str(), path);
    if (s.name.empty())
        s.name = name;
    return s;
}

Scenario parse_scenario(const std::string &text, const std::string &source)
{
    toml::table root = parse_toml(text, source);

    Scenario s;
    s.source = source;
    s.name.clear();
    read_table(s, root, "", kScenario, source);
    if (s.scale != 1)
        rescale(s, s.scale);
    validate_scenario(s);
    return s;
}

void apply_set(Scenario &s, const std::string &kv)
{
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
        fail(Where{"--set", 0}, "\"" + kv + "\" is not key=value (e.g. policy.swappiness=90)");
    std::string key = kv.substr(0, eq);
    const std::string value = kv.substr(eq + 1);
    while (!key.empty() && key.back() == ' ')
        key.pop_back();

    /* The value as TOML; a bare word that is not TOML is taken as a string. */
    toml::table holder;
    bool parsed = false;
    try {
        holder = parse_toml("v = " + value, "--set");
        parsed = true;
    } catch (const ScenarioError &) {
    }
    if (!parsed)
        holder.insert_or_assign("v", value);
    toml::node &v = *holder.get("v");

    std::vector<std::string> path;
    for (size_t a = 0, b; a <= key.size(); a = b + 1) {
        b = key.find('.', a);
        if (b == std::string::npos)
            b = key.size();
        path.push_back(key.substr(a, b - a));
    }

    /* Build {p1 = {p2 = ... value}} for the readers, which then check the key, type and range. */
    auto nest = [&](size_t from) {
        toml::table t;
        toml::table *cur = &t;
        for (size_t i = from; i + 1 < path.size(); i++)
            cur = cur->insert_or_assign(path[i], toml::table{}).first->second.as_table();
        cur->insert_or_assign(path.back(), v);
        return t;
    };

    if (path.size() == 1 && path[0] == "scale") {
        Scenario probe;
        toml::table t = nest(0);
        read_table(probe, t, "", kScenario, "--set");
        rescale(s, probe.scale / s.scale);
        s.scale = probe.scale;
        validate_scenario(s);
        return;
    }

    /* Values given with --set are in the file's units: a scaled scenario scales them too. */
    auto apply_to = [&](Scenario &target) {
        if ((path[0] == "process" || path[0] == "file") && path.size() >= 3) {
            const std::string &which = path[1];
            auto find = [&](auto &vec) -> decltype(&vec[0]) {
                for (size_t i = 0; i < vec.size(); i++)
                    if (vec[i].name == which || std::to_string(i) == which)
                        return &vec[i];
                fail(Where{"--set", 0}, key + ": no " + path[0] + " named or numbered \"" + which + "\"");
            };
            toml::table t = nest(2);
            const std::string prefix = path[0] + "." + which + ".";
            if (path[0] == "process")
                read_table(*find(target.processes), t, prefix, kProcess, "--set");
            else
                read_table(*find(target.files), t, prefix, kFile, "--set");
        } else {
            toml::table t = nest(0);
            read_table(target, t, "", kScenario, "--set");
        }
    };
    Scenario result = s;
    apply_to(result);
    if (result.scale != 1) {
        Scenario set = s;
        poison_scaled(set);
        apply_to(set);
        scale_set_fields(result, set, result.scale);
    }
    validate_scenario(result);
    s = std::move(result); /* a failed --set leaves s as it was */
}

std::vector<std::string> scenario_keys()
{
    std::vector<std::string> keys;
    list_keys(kScenario, "", keys);
    return keys;
}

const char *to_string(Layout v) { return name_of(kLayouts, v); }
const char *to_string(SwapDevice v) { return name_of(kDevices, v); }
const char *to_string(SwapWriteout v) { return name_of(kWriteouts, v); }
const char *to_string(ExactPolicy v) { return name_of(kExact, v); }
const char *to_string(StopCondition v) { return name_of(kStops, v); }
const char *to_string(AccessPattern v) { return name_of(kPatterns, v); }
const char *to_string(FreePattern v) { return name_of(kFrees, v); }
const char *to_string(TouchPattern v) { return name_of(kTouches, v); }

} // namespace mmsim
