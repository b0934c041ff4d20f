#include "sweep_points.h"

#include <cctype>
#include <cstdio>
#include <map>

namespace mmsim {
namespace {

constexpr size_t kMaxIdChars = 96;

std::vector<std::string> split_key(const std::string &key)
{
    std::vector<std::string> parts;
    for (size_t a = 0, b; a <= key.size(); a = b + 1) {
        b = key.find('.', a);
        if (b == std::string::npos)
            b = key.size();
        parts.push_back(key.substr(a, b - a));
    }
    return parts;
}

/* The last n parts of a dotted key ("" when it has fewer). */
std::string key_tail(const std::vector<std::string> &parts, size_t n)
{
    if (n > parts.size())
        return "";
    std::string t;
    for (size_t i = parts.size() - n; i < parts.size(); i++)
        t += (t.empty() ? "" : ".") + parts[i];
    return t;
}

/* Per column, the shortest tail of its dotted key that no other column's key ends with. */
std::map<std::string, std::string> short_names(const std::vector<std::string> &columns)
{
    std::map<std::string, std::string> out;
    for (const std::string &c : columns) {
        const std::vector<std::string> parts = split_key(c);
        for (size_t n = 1; n <= parts.size(); n++) {
            const std::string t = key_tail(parts, n);
            bool clash = false;
            for (const std::string &o : columns)
                clash = clash || (o != c && key_tail(split_key(o), n) == t);
            if (!clash || n == parts.size()) {
                out[c] = t;
                break;
            }
        }
    }
    return out;
}

std::string sanitize(const std::string &s)
{
    std::string out;
    for (unsigned char c : s)
        out += (std::isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-') ? static_cast<char>(c) : '_';
    return out;
}

/* FNV-1a of the point's exact overrides: tells apart ids that sanitizing or truncating made equal. */
std::string hash_of(const std::vector<SweepAssign> &assigns)
{
    uint64_t h = 1469598103934665603ull;
    for (const SweepAssign &a : assigns)
        for (char c : a.set_arg() + "\n") {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
    char buf[20];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(h ^ (h >> 32)));
    return buf;
}

std::string readable_id(const std::vector<SweepAssign> &assigns, const std::map<std::string, std::string> &names)
{
    std::string id;
    for (const SweepAssign &a : assigns)
        id += (id.empty() ? "" : "_") + sanitize(names.at(a.key)) + "-" + sanitize(a.value.display);
    if (id.empty())
        id = "base";
    if (id[0] == '.' || id[0] == '-')
        id = "p" + id;
    if (id.size() > kMaxIdChars)
        id = id.substr(0, kMaxIdChars) + "-" + hash_of(assigns);
    return id;
}

} // namespace

std::vector<std::string> sweep_columns(const SweepFile &sf)
{
    std::vector<std::string> cols;
    for (const SweepAxis &a : sf.axes)
        cols.push_back(a.key);
    for (const auto &p : sf.points)
        for (const SweepAssign &a : p) {
            bool seen = false;
            for (const std::string &c : cols)
                seen = seen || c == a.key;
            if (!seen)
                cols.push_back(a.key);
        }
    return cols;
}

std::vector<SweepPoint> expand_points(const SweepFile &sf)
{
    std::vector<std::vector<SweepAssign>> lists;
    if (sf.explicit_points) {
        const std::vector<std::string> cols = sweep_columns(sf);
        for (size_t i = 0; i < sf.points.size(); i++) {
            std::vector<SweepAssign> ordered; /* column order, so equal points compare equal */
            for (const std::string &c : cols)
                for (const SweepAssign &a : sf.points[i])
                    if (a.key == c)
                        ordered.push_back(a);
            for (size_t j = 0; j < lists.size(); j++) {
                bool same = lists[j].size() == ordered.size();
                for (size_t k = 0; same && k < ordered.size(); k++)
                    same = lists[j][k].set_arg() == ordered[k].set_arg();
                if (same)
                    throw SweepError(sf.path + ":" + std::to_string(sf.point_lines[i]) + ": [[point]] " +
                                     std::to_string(i + 1) + " is the same as [[point]] " + std::to_string(j + 1));
            }
            lists.push_back(ordered);
        }
    } else {
        lists.push_back({});
        for (const SweepAxis &ax : sf.axes) {
            std::vector<std::vector<SweepAssign>> next;
            for (const auto &prefix : lists)
                for (const SweepValue &v : ax.values) {
                    next.push_back(prefix);
                    next.back().push_back(SweepAssign{ax.key, v});
                }
            lists.swap(next);
        }
    }

    const std::map<std::string, std::string> names = short_names(sweep_columns(sf));
    std::vector<SweepPoint> points;
    std::map<std::string, int> uses;
    for (const auto &l : lists) {
        points.push_back(SweepPoint{readable_id(l, names), l});
        uses[points.back().id]++;
    }
    /* ids that sanitizing made equal get the hash of their exact values */
    std::map<std::string, int> final_uses;
    for (SweepPoint &p : points) {
        if (uses[p.id] > 1)
            p.id += "-" + hash_of(p.assigns);
        if (++final_uses[p.id] > 1)
            throw SweepError(sf.path + ": two points get the same id " + p.id + "; make their values differ more");
    }
    return points;
}

Scenario validate_points(const SweepFile &sf, const std::vector<SweepPoint> &points)
{
    /* the loader's messages start with "--set: "; the sweep names its own file and line instead */
    auto reason = [](const ScenarioError &e) {
        std::string m = e.what();
        if (m.rfind("--set: ", 0) == 0)
            m = m.substr(7);
        return m;
    };
    auto at = [&](int line) { return sf.path + (line > 0 ? ":" + std::to_string(line) : std::string()); };

    Scenario base;
    try {
        base = load_scenario(sf.base);
    } catch (const ScenarioError &e) {
        throw SweepError(at(sf.base_line) + ": base scenario: " + e.what());
    }
    for (const SweepAssign &a : sf.set) {
        try {
            apply_set(base, a.set_arg());
        } catch (const ScenarioError &e) {
            throw SweepError(at(a.value.line) + ": set " + a.key + " = " + a.value.display + ": " + reason(e));
        }
    }
    for (const SweepPoint &p : points) {
        Scenario s = base;
        for (const SweepAssign &a : p.assigns) {
            try {
                apply_set(s, a.set_arg());
            } catch (const ScenarioError &e) {
                const char *what = sf.explicit_points ? "[[point]] key " : "axis ";
                throw SweepError(at(a.value.line) + ": " + what + a.key + " value " + a.value.display +
                                 " (point " + p.id + "): " + reason(e));
            }
        }
        try {
            validate_scenario(s);
        } catch (const ScenarioError &e) {
            throw SweepError(sf.path + ": point " + p.id + ": " + reason(e));
        }
    }
    return base;
}

std::vector<uint64_t> sweep_seeds(const SweepFile &sf, const Scenario &base_with_set)
{
    if (!sf.seeds.empty())
        return sf.seeds;
    return {base_with_set.run.seed};
}

} // namespace mmsim
