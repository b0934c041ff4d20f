#include "sweep_summary.h"

#include "sweep_file.h"
#include "text_file.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mmsim {
namespace {

std::string csv_cell(const std::string &s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csv_row(const std::vector<std::string> &cells)
{
    std::string row;
    for (size_t i = 0; i < cells.size(); i++)
        row += (i ? "," : "") + csv_cell(cells[i]);
    return row + "\n";
}


/* Deterministic number text: integers as integers, others with 10 significant digits. */
std::string number_text(double v)
{
    char buf[40];
    if (std::floor(v) == v && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v == 0 ? 0.0 : v);
    else
        std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}


struct RunMetrics {
    bool finished = false;
    bool failed = false;
    std::vector<std::string> names, values;
    std::string value(const std::string &name) const
    {
        for (size_t i = 0; i < names.size(); i++)
            if (names[i] == name)
                return values[i];
        return "";
    }
};

const char *kWall = "wall_time_s";

} // namespace

bool read_metrics_csv(const std::string &path, std::vector<std::string> &names, std::vector<std::string> &values)
{
    std::ifstream f(path);
    std::string line;
    if (!f || !std::getline(f, line) || line != "metric,value")
        return false;
    names.clear();
    values.clear();
    while (std::getline(f, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        size_t comma = line.find(',');
        if (comma == std::string::npos)
            return false;
        names.push_back(line.substr(0, comma));
        values.push_back(line.substr(comma + 1));
    }
    return true;
}

SummaryResult write_summary(const SweepFile &sf, const std::vector<SweepPoint> &points,
                            const std::vector<uint64_t> &seeds, const std::vector<SweepRun> &runs,
                            const std::string &out_dir)
{
    SummaryResult res;
    std::vector<RunMetrics> rm(runs.size());
    std::vector<std::string> metrics; /* metric columns, metrics.csv order, without wall_time_s */
    for (size_t i = 0; i < runs.size(); i++) {
        const SweepRun &r = runs[i];
        if (run_finished(r) && read_metrics_csv(r.dir + "/metrics.csv", rm[i].names, rm[i].values)) {
            rm[i].finished = true;
            res.finished++;
            for (const std::string &n : rm[i].names) {
                bool seen = n == kWall;
                for (const std::string &m : metrics)
                    seen = seen || m == n;
                if (!seen)
                    metrics.push_back(n);
            }
        } else if (run_failed(r)) {
            rm[i].failed = true;
            res.failed.push_back(&r);
        } else {
            res.missing.push_back(&r);
        }
    }
    if (metrics.empty())
        metrics = sweep_metric_names();

    const std::vector<std::string> columns = sweep_columns(sf);
    const bool spread = seeds.size() > 1;
    auto axis_cells = [&](const SweepPoint &p) {
        std::vector<std::string> cells;
        for (const std::string &c : columns) {
            std::string v;
            for (const SweepAssign &a : p.assigns)
                if (a.key == c)
                    v = a.value.display;
            cells.push_back(v);
        }
        return cells;
    };

    /* summary.csv */
    std::vector<std::string> header = columns;
    header.push_back("runs");
    for (const std::string &m : metrics) {
        header.push_back(m);
        if (spread)
            header.push_back(m + "_sd");
    }
    header.push_back("status");
    header.push_back(kWall);
    std::string summary = csv_row(header);
    for (size_t p = 0; p < points.size(); p++) {
        std::vector<const RunMetrics *> done;
        bool any_failed = false;
        for (size_t i = 0; i < runs.size(); i++)
            if (runs[i].point == p) {
                if (rm[i].finished)
                    done.push_back(&rm[i]);
                any_failed = any_failed || rm[i].failed;
            }
        std::vector<std::string> row = axis_cells(points[p]);
        row.push_back(std::to_string(done.size()));
        for (const std::string &m : metrics) {
            std::vector<double> xs;
            for (const RunMetrics *r : done) {
                const std::string v = r->value(m);
                char *end = nullptr;
                double x = std::strtod(v.c_str(), &end);
                if (!v.empty() && end && !*end)
                    xs.push_back(x);
            }
            double mean = 0;
            for (double x : xs)
                mean += x;
            mean = xs.empty() ? 0 : mean / static_cast<double>(xs.size());
            row.push_back(xs.empty() ? "" : number_text(mean));
            if (spread) {
                double ss = 0;
                for (double x : xs)
                    ss += (x - mean) * (x - mean);
                row.push_back(xs.size() < 2 ? "" : number_text(std::sqrt(ss / static_cast<double>(xs.size() - 1))));
            }
        }
        row.push_back(done.size() == seeds.size() ? "ok" : any_failed ? "failed" : "missing");
        double wall = 0;
        for (const RunMetrics *r : done)
            wall += std::strtod(r->value(kWall).c_str(), nullptr);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", wall);
        row.push_back(done.empty() ? "" : buf);
        summary += csv_row(row);
    }
    if (!write_text(out_dir + "/summary.csv", summary) && res.write_error.empty())
        res.write_error = out_dir + "/summary.csv";

    /* runs.csv: raw values as metrics.csv has them */
    std::vector<std::string> rheader = {"point"};
    rheader.insert(rheader.end(), columns.begin(), columns.end());
    rheader.push_back("seed");
    rheader.push_back("status");
    rheader.insert(rheader.end(), metrics.begin(), metrics.end());
    rheader.push_back(kWall);
    std::string runs_csv = csv_row(rheader);
    for (size_t i = 0; i < runs.size(); i++) {
        std::vector<std::string> row = {points[runs[i].point].id};
        for (const std::string &c : axis_cells(points[runs[i].point]))
            row.push_back(c);
        row.push_back(std::to_string(runs[i].seed));
        row.push_back(rm[i].finished ? "ok" : rm[i].failed ? "failed" : "missing");
        for (const std::string &m : metrics)
            row.push_back(rm[i].value(m));
        row.push_back(rm[i].value(kWall));
        runs_csv += csv_row(row);
    }
    if (!write_text(out_dir + "/runs.csv", runs_csv) && res.write_error.empty())
        res.write_error = out_dir + "/runs.csv";

    /* sweep.json for tools/plot_sweep.py; sweep.toml: the sweep file as run */
    std::error_code ec;
    const std::string copy = out_dir + "/sweep.toml";
    if (!std::filesystem::exists(copy, ec) || !std::filesystem::equivalent(sf.path, copy, ec))
        std::filesystem::copy_file(sf.path, copy, std::filesystem::copy_options::overwrite_existing, ec);
    auto list = [](const std::vector<std::string> &v) {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); i++)
            s += (i ? ", " : "") + toml_string(v[i]);
        return s + "]";
    };
    std::ostringstream js;
    js << "{\n  \"name\": " << toml_string(sf.name) << ",\n  \"purpose\": " << toml_string(sf.purpose)
       << ",\n  \"sweep_file\": " << toml_string(std::filesystem::absolute(sf.path, ec).lexically_normal().string())
       << ",\n  \"base\": " << toml_string(std::filesystem::absolute(sf.base, ec).lexically_normal().string())
       << ",\n  \"columns\": " << list(columns) << ",\n  \"seeds\": [";
    for (size_t i = 0; i < seeds.size(); i++)
        js << (i ? ", " : "") << seeds[i];
    js << "],\n  \"metrics\": " << list(metrics) << ",\n  \"runs_total\": " << runs.size()
       << ",\n  \"runs_finished\": " << res.finished << ",\n  \"plots\": [";
    for (size_t i = 0; i < sf.plots.size(); i++) {
        const SweepPlot &p = sf.plots[i];
        js << (i ? "," : "") << "\n    {\"metric\": " << toml_string(p.metric) << ", \"x\": " << toml_string(p.x)
           << ", \"lines\": " << (p.lines.empty() ? "null" : toml_string(p.lines))
           << ", \"log\": " << (p.log < 0 ? "null" : p.log ? "true" : "false") << "}";
    }
    js << (sf.plots.empty() ? "" : "\n  ") << "]\n}\n";
    if (!write_text(out_dir + "/sweep.json", js.str()) && res.write_error.empty())
        res.write_error = out_dir + "/sweep.json";
    return res;
}

} // namespace mmsim
