#include "sweep_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scenario.h"
#include "toml_text.h"

namespace mmsim {
namespace {

/* every run gets --seed, which overrides a --set run.seed: seeds vary through `seeds` only */
const char *const kSeedAxis = "run.seed cannot vary per point: list the seeds in seeds = [...] "
                              "(every point runs once per seed)";

struct Reader {
    std::string file;

    int line_of(const toml::node &n) const { return static_cast<int>(n.source().begin.line); }

    [[noreturn]] void fail(int line, const std::string &msg) const
    {
        std::string s = file;
        if (line > 0)
            s += ":" + std::to_string(line);
        std::string out;
        for (char c : s + ": " + msg)
            out += (c == '\n' || c == '\r') ? ' ' : c;
        throw SweepError(out);
    }

    std::string string_of(const toml::node &n, const std::string &what) const
    {
        if (!n.is_string())
            fail(line_of(n), what + " must be a string");
        return n.as_string()->get();
    }
};

/* A string that `--set key=WORD` reads back as the same string (apply_set takes non-TOML words as strings). */
bool bare_word(const std::string &s)
{
    if (s.empty() || s == "true" || s == "false" || s == "inf" || s == "nan")
        return false;
    if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_')
        return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            return false;
    return true;
}


/* The shortest text that reads back as the same double, always with a '.', 'e', inf or nan (a TOML float). */
std::string float_text(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v < 0 ? "-inf" : "inf";
    char buf[64];
    int prec = 1;
    for (; prec < 17; prec++) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    const double mag = std::fabs(v);
    if (std::strchr(buf, 'e') && mag >= 1e-4 && mag < 1e15) /* 30, not 3e+01 */
        std::snprintf(buf, sizeof buf, "%.*f", std::max(0, prec - 1 - static_cast<int>(std::floor(std::log10(mag)))), v);
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

/* A TOML value as --set text and as display text; tables and dates are refused. */
bool value_texts(const toml::node &n, std::string &set_text, std::string &display)
{
    if (auto s = n.as_string()) {
        set_text = bare_word(s->get()) ? s->get() : toml_string(s->get());
        display = s->get();
    } else if (auto i = n.as_integer()) {
        set_text = display = std::to_string(i->get());
    } else if (auto f = n.as_floating_point()) {
        set_text = display = float_text(f->get());
    } else if (auto b = n.as_boolean()) {
        set_text = display = b->get() ? "true" : "false";
    } else if (auto a = n.as_array()) {
        set_text = "[";
        for (size_t i = 0; i < a->size(); i++) {
            std::string st, d;
            const toml::node &e = *a->get(i);
            if (!value_texts(e, st, d))
                return false;
            if (e.is_string())
                st = toml_string(e.as_string()->get()); /* inside an array a string must be quoted */
            set_text += (i ? ", " : "") + st;
        }
        set_text += "]";
        display = set_text;
    } else {
        return false;
    }
    return true;
}

SweepValue read_value(const Reader &r, const toml::node &n, const std::string &key)
{
    SweepValue v;
    v.line = r.line_of(n);
    if (!value_texts(n, v.set_text, v.display))
        r.fail(v.line, key + ": a value must be a string, number, boolean or array of those");
    return v;
}

/* The leaves of a table of overrides with their dotted keys, in the order they are written. */
void collect_leaves(const toml::table &t, const std::string &prefix,
                    std::vector<std::pair<std::string, const toml::node *>> &out)
{
    for (const auto &[k, node] : t) {
        const std::string key = prefix + std::string(k.str());
        if (auto sub = node.as_table())
            collect_leaves(*sub, key + ".", out);
        else
            out.emplace_back(key, &node);
    }
}

/* A table of overrides: quoted dotted keys ("run.duration_s" = 30) or nested tables (run.duration_s = 30),
   kept in file order (toml++ iterates keys sorted; the order of --set matters, e.g. for scale). */
void read_assigns(const Reader &r, const toml::table &t, std::vector<SweepAssign> &out, const std::string &where)
{
    std::vector<std::pair<std::string, const toml::node *>> leaves;
    collect_leaves(t, "", leaves);
    std::stable_sort(leaves.begin(), leaves.end(), [](const auto &a, const auto &b) {
        const toml::source_position pa = a.second->source().begin, pb = b.second->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    for (const auto &[key, np] : leaves) {
        const toml::node &node = *np;
        if (key.empty())
            r.fail(r.line_of(node), where + ": empty key");
        for (const SweepAssign &a : out)
            if (a.key == key)
                r.fail(r.line_of(node), where + ": " + key + " given twice");
        out.push_back(SweepAssign{key, read_value(r, node, key)});
    }
}

void check_fields(const Reader &r, const toml::table &t, std::initializer_list<const char *> allowed,
                  const std::string &what)
{
    for (const auto &[k, node] : t) {
        bool ok = false;
        std::string list;
        for (const char *a : allowed) {
            ok = ok || k.str() == a;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        if (!ok)
            r.fail(r.line_of(node), "unknown field " + what + std::string(k.str()) + " (allowed: " + list + ")");
    }
}

const toml::array &array_of_tables(const Reader &r, const toml::node &n, const std::string &name)
{
    const toml::array *a = n.as_array();
    if (!a || !a->is_array_of_tables())
        r.fail(r.line_of(n), name + " must be an array of tables ([[" + name + "]])");
    return *a;
}

void read_axes(const Reader &r, const toml::array &arr, SweepFile &sf)
{
    for (const toml::node &n : arr) {
        const toml::table &t = *n.as_table();
        check_fields(r, t, {"key", "values"}, "[[axis]] ");
        SweepAxis ax;
        ax.line = r.line_of(n);
        const toml::node *key = t.get("key");
        if (!key)
            r.fail(ax.line, "[[axis]] needs key = \"section.name\" (a scenario key)");
        ax.key = r.string_of(*key, "[[axis]] key");
        ax.line = r.line_of(*key);
        if (ax.key.empty())
            r.fail(ax.line, "[[axis]] key is empty");
        if (ax.key == "run.seed")
            r.fail(ax.line, kSeedAxis);
        for (const SweepAxis &other : sf.axes)
            if (other.key == ax.key)
                r.fail(ax.line, "axis " + ax.key + " given twice (first at line " + std::to_string(other.line) + ")");
        for (const SweepAssign &a : sf.set)
            if (a.key == ax.key)
                r.fail(ax.line, "axis " + ax.key + " is also in set (a key is either fixed or an axis)");
        const toml::node *values = t.get("values");
        if (!values)
            r.fail(ax.line, "axis " + ax.key + " has no values (values = [...], at least one)");
        const toml::array *va = values->as_array();
        if (!va)
            r.fail(r.line_of(*values), "axis " + ax.key + ": values must be an array");
        if (va->empty())
            r.fail(r.line_of(*values), "axis " + ax.key + " has no values (values = [...], at least one)");
        std::set<std::string> seen;
        for (const toml::node &v : *va) {
            SweepValue sv = read_value(r, v, "axis " + ax.key);
            if (sv.line == 0)
                sv.line = r.line_of(*values);
            if (!seen.insert(sv.set_text).second)
                r.fail(sv.line, "axis " + ax.key + ": value " + sv.display + " given twice");
            ax.values.push_back(sv);
        }
        sf.axes.push_back(ax);
    }
}

void read_points(const Reader &r, const toml::array &arr, SweepFile &sf)
{
    for (const toml::node &n : arr) {
        std::vector<SweepAssign> p;
        read_assigns(r, *n.as_table(), p, "[[point]]");
        for (const SweepAssign &a : p)
            if (a.key == "run.seed")
                r.fail(a.value.line, kSeedAxis);
        for (const SweepAssign &a : p)
            for (const SweepAssign &f : sf.set)
                if (a.key == f.key)
                    r.fail(a.value.line, "[[point]] " + a.key + " is also in set (a key is either fixed or varied)");
        sf.points.push_back(p);
        sf.point_lines.push_back(r.line_of(n));
    }
}

bool is_column(const SweepFile &sf, const std::string &key)
{
    for (const SweepAxis &a : sf.axes)
        if (a.key == key)
            return true;
    for (const auto &p : sf.points)
        for (const SweepAssign &a : p)
            if (a.key == key)
                return true;
    return false;
}

void read_plots(const Reader &r, const toml::array &arr, SweepFile &sf)
{
    const std::vector<std::string> &metrics = sweep_metric_names();
    for (const toml::node &n : arr) {
        const toml::table &t = *n.as_table();
        check_fields(r, t, {"metric", "x", "lines", "log"}, "[[plot]] ");
        SweepPlot p;
        p.line = r.line_of(n);
        const toml::node *m = t.get("metric");
        const toml::node *x = t.get("x");
        if (!m || !x)
            r.fail(p.line, "[[plot]] needs metric = \"NAME\" and x = \"AXIS KEY\"");
        p.metric = r.string_of(*m, "[[plot]] metric");
        bool known = false;
        std::string list;
        for (const std::string &name : metrics) {
            known = known || name == p.metric;
            list += (list.empty() ? "" : ", ") + name;
        }
        if (!known)
            r.fail(r.line_of(*m), "[[plot]] metric " + p.metric + " is not a metric of metrics.csv (allowed: " + list + ")");
        p.x = r.string_of(*x, "[[plot]] x");
        if (!is_column(sf, p.x))
            r.fail(r.line_of(*x), "[[plot]] x = " + p.x + " is not an axis of this sweep");
        if (const toml::node *l = t.get("lines")) {
            p.lines = r.string_of(*l, "[[plot]] lines");
            if (!is_column(sf, p.lines) || p.lines == p.x)
                r.fail(r.line_of(*l), "[[plot]] lines = " + p.lines + " is not an axis of this sweep other than x");
        }
        if (const toml::node *g = t.get("log")) {
            if (!g->is_boolean())
                r.fail(r.line_of(*g), "[[plot]] log must be true or false");
            p.log = g->as_boolean()->get() ? 1 : 0;
        }
        sf.plots.push_back(p);
    }
}

} // namespace

/* A double-quoted string with \", \\ and control characters escaped: valid TOML and valid JSON. */
std::string toml_string(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

const std::vector<std::string> &sweep_metric_names()
{
    static const std::vector<std::string> names = {
        "alloc_count", "alloc_latency_mean_ns", "alloc_latency_p50_ns", "alloc_latency_p90_ns",
        "alloc_latency_p99_ns", "alloc_latency_p999_ns", "alloc_latency_max_ns", "alloc_response_p50_ns", "alloc_response_p90_ns",
        "alloc_response_p99_ns", "alloc_response_p999_ns", "alloc_response_max_ns", "major_fault_count",
        "major_fault_latency_p99_ns", "direct_reclaim_stalls_count", "direct_reclaim_total_ms",
        "direct_reclaim_longest_ms", "pswpout_pages", "pswpin_pages", "pgmajfault_count", "file_refaults_pages",
        "reclaimed_kswapd_pages", "reclaimed_direct_pages", "kswapd_share_ratio", "oom_kills_count",
        "first_oom_kill_s", "peak_swap_used_mib", "free_under_pressure_mib", "free_min_mib", "sim_time_s"};
    return names;
}

SweepFile load_sweep_file(const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw SweepError(path + ": cannot read the sweep file (it is a directory)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw SweepError(path + ": cannot read the sweep file (" + std::strerror(errno) + ")");
    std::stringstream buf;
    buf << in.rdbuf();
    return parse_sweep_file(buf.str(), path);
}

SweepFile parse_sweep_file(const std::string &text, const std::string &path)
{
    Reader r{path};
    toml::table root;
    try {
        root = parse_toml_text(text, path);
    } catch (const ScenarioError &e) {
        throw SweepError(e.what());
    }
    check_fields(r, root, {"name", "purpose", "base", "set", "seeds", "axis", "point", "plot"}, "");

    SweepFile sf;
    sf.path = path;
    std::string stem = std::filesystem::path(path).stem().string();
    sf.name = stem;
    if (const toml::node *n = root.get("name"))
        sf.name = r.string_of(*n, "name");
    if (const toml::node *n = root.get("purpose"))
        sf.purpose = r.string_of(*n, "purpose");

    const toml::node *base = root.get("base");
    if (!base)
        r.fail(0, "base = \"SCENARIO.toml\" is required (the scenario every point starts from)");
    sf.base_line = r.line_of(*base);
    std::string b = r.string_of(*base, "base");
    if (b.empty())
        r.fail(sf.base_line, "base is empty");
    std::filesystem::path bp(b);
    if (bp.is_relative())
        bp = std::filesystem::path(path).parent_path() / bp;
    sf.base = bp.lexically_normal().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(sf.base, ec))
        r.fail(sf.base_line, "base = \"" + b + "\": no such scenario file (" + sf.base +
                                 "; paths are relative to the sweep file)");

    if (const toml::node *n = root.get("set")) {
        if (!n->is_table())
            r.fail(r.line_of(*n), "set must be a table of key = value overrides, e.g. set = { \"run.duration_s\" = 30 }");
        read_assigns(r, *n->as_table(), sf.set, "set");
    }

    if (const toml::node *n = root.get("seeds")) {
        const toml::array *a = n->as_array();
        if (!a || a->empty())
            r.fail(r.line_of(*n), "seeds must be a non-empty array of integers 0 .. 9223372036854775807");
        for (const toml::node &e : *a) {
            const int line = e.source().begin.line ? r.line_of(e) : r.line_of(*n);
            if (!e.is_integer() || e.as_integer()->get() < 0)
                r.fail(line, "seeds: each seed must be an integer 0 .. 9223372036854775807");
            const uint64_t s = static_cast<uint64_t>(e.as_integer()->get());
            for (uint64_t o : sf.seeds)
                if (o == s)
                    r.fail(line, "seeds: seed " + std::to_string(s) + " given twice");
            sf.seeds.push_back(s);
        }
    }

    const toml::node *axes = root.get("axis");
    const toml::node *points = root.get("point");
    if (axes && points)
        r.fail(r.line_of(*points), "[[axis]] and [[point]] exclude each other (axes give the cross product, "
                                   "points list each point)");
    if (axes)
        read_axes(r, array_of_tables(r, *axes, "axis"), sf);
    if (points) {
        sf.explicit_points = true;
        read_points(r, array_of_tables(r, *points, "point"), sf);
    }
    if (const toml::node *n = root.get("plot"))
        read_plots(r, array_of_tables(r, *n, "plot"), sf);
    return sf;
}

} // namespace mmsim
