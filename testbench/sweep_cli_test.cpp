// `mmsim sweep` end to end (the mmsim binary, MMSIM_BIN, on scaled-down scenario 02): bad sweep files
// fail before any run, a killed sweep resumes without rerunning finished runs, emit-jobs + GNU parallel +
// collect gives the same summary as the sweep itself, and a failed run is reported while the others finish.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_cli.h"
#include "sweep_file.h"

namespace fs = std::filesystem;
using mmsim_test::slurp;
using mmsim_test::temp_dir;

namespace {

const std::string kScenario = std::string(MMSIM_SOURCE_DIR) + "/scenarios/02-anon-swappiness-60.toml";

fs::path write_sweep(const fs::path &dir, const std::string &name, const std::string &body)
{
    fs::path p = dir / name;
    std::ofstream(p) << body;
    return p;
}

// mmsim ARGS with stderr to dir/stderr.txt; the exit status.
int mmsim_cmd(const std::string &args, const fs::path &dir) { return mmsim_test::run_mmsim(args, dir); }

// Starts mmsim with argv in the background, stderr to err; its pid.
pid_t start_mmsim(const std::vector<std::string> &args, const fs::path &err)
{
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = std::freopen(err.c_str(), "w", stderr);
        (void)f;
        std::vector<char *> argv = {const_cast<char *>(MMSIM_BIN)};
        for (const std::string &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        execv(MMSIM_BIN, argv.data());
        _exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// COMPLETE files under dir/points with their modification times.
std::map<std::string, fs::file_time_type> completes(const fs::path &dir)
{
    std::map<std::string, fs::file_time_type> out;
    std::error_code ec;
    if (!fs::exists(dir / "points"))
        return out;
    for (auto it = fs::recursive_directory_iterator(dir / "points", ec); it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->path().filename() == "COMPLETE")
            out[it->path().string()] = fs::last_write_time(it->path(), ec);
    return out;
}

size_t lines_of(const fs::path &p)
{
    std::ifstream f(p);
    size_t n = 0;
    for (std::string line; std::getline(f, line);)
        n += !line.empty();
    return n;
}

std::vector<std::vector<std::string>> read_csv(const fs::path &p)
{
    std::vector<std::vector<std::string>> rows;
    std::ifstream f(p);
    for (std::string line; std::getline(f, line);) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');)
            cells.push_back(c);
        if (!line.empty() && line.back() == ',')
            cells.push_back("");
        rows.push_back(cells);
    }
    return rows;
}

// The CSV without one column (by header name).
std::vector<std::vector<std::string>> without_column(std::vector<std::vector<std::string>> rows, const std::string &col)
{
    if (rows.empty())
        return rows;
    size_t at = 0;
    while (at < rows[0].size() && rows[0][at] != col)
        at++;
    for (auto &r : rows)
        if (at < r.size())
            r.erase(r.begin() + static_cast<long>(at));
    return rows;
}

std::string column(const std::vector<std::vector<std::string>> &rows, size_t row, const std::string &col)
{
    for (size_t i = 0; i < rows[0].size(); i++)
        if (rows[0][i] == col && i < rows[row].size())
            return rows[row][i];
    return "<no column " + col + ">";
}

// The pid of the process whose command line has "--out dir" (a sweep's run), or -1.
pid_t find_run(const fs::path &run_dir)
{
    const std::string needle = std::string("--out") + '\0' + run_dir.string() + '\0';
    for (const auto &e : fs::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        if (slurp(e.path() / "cmdline").find(needle) != std::string::npos)
            return static_cast<pid_t>(std::stol(name));
    }
    return -1;
}

} // namespace

/* Each bad sweep file exits 2 with one line naming the file (and line), the key, the value and the allowed
   range, and writes nothing: the output folder is not even created. */
TEST(SweepCli, BadSweepFilesFailBeforeAnyRun)
{
    const fs::path dir = temp_dir("sweep", "bad");
    const std::string base = "base = \"" + kScenario + "\"\n";
    const std::string axis = "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [10, 60]\n";
    struct Case {
        const char *name;
        std::string body;
        std::vector<std::string> expect;
    } cases[] = {
        {"unknown_field", base + "axes = 3\n", {":2:", "unknown field axes"}},
        {"unknown_axis_key", base + "[[axis]]\nkey = \"policy.swapiness\"\nvalues = [10]\n",
         {":4:", "policy.swapiness", "value 10", "unknown key", "swappiness"}},
        {"no_values", base + "[[axis]]\nkey = \"policy.swappiness\"\nvalues = []\n",
         {":4:", "policy.swappiness", "no values"}},
        {"duplicate_axis", base + axis + axis, {":6:", "policy.swappiness", "given twice"}},
        {"out_of_range", base + "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [10, 201]\n",
         {":4:", "axis policy.swappiness value 201", "out of range 0..200"}},
        {"wrong_type", base + "[[axis]]\nkey = \"machine.swap_bytes\"\nvalues = [\"lots\"]\n",
         {":4:", "machine.swap_bytes", "lots"}},
        {"bad_fixed_set", base + "set = { \"run.duration_s\" = 0 }\n", {":2:", "run.duration_s", "0.001"}},
        {"missing_base", "base = \"nowhere/13-missing.toml\"\n" + axis, {":1:", "13-missing.toml"}},
        {"unknown_plot_metric", base + axis + "[[plot]]\nmetric = \"p99\"\nx = \"policy.swappiness\"\n",
         {":6:", "metric p99", "alloc_latency_p99_ns"}},
        {"unknown_plot_axis", base + axis + "[[plot]]\nmetric = \"pswpin_pages\"\nx = \"machine.swap_device\"\n",
         {":7:", "machine.swap_device", "not an axis"}},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        const fs::path file = write_sweep(dir, std::string(c.name) + ".toml", c.body);
        const fs::path out = dir / (std::string("out_") + c.name);
        EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --jobs 1", dir), 2);
        const std::string err = slurp(dir / "stderr.txt");
        EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
        EXPECT_EQ(err.rfind("mmsim sweep: " + file.string(), 0), 0u) << err;
        for (const std::string &e : c.expect)
            EXPECT_NE(err.find(e), std::string::npos) << "expected '" << e << "' in: " << err;
        EXPECT_FALSE(fs::exists(out)) << out;
    }
    fs::remove_all(dir);
}

/* SIGTERM stops the sweep (exit 130, summary of what finished); the same command then runs only the
   unfinished runs: finished runs keep their COMPLETE (same mtime), sweep.log grows by exactly the rest. */
TEST(SweepCli, KilledSweepResumesWithoutRerunningFinishedRuns)
{
    const fs::path dir = temp_dir("sweep", "resume");
    const fs::path file = write_sweep(dir, "resume.toml",
                                      "name = \"resume\"\nbase = \"" + kScenario + "\"\n"
                                      "set = { scale = 0.25, \"run.vcd\" = false, \"run.proc\" = false }\n"
                                      "seeds = [1, 2]\n"
                                      "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [10, 60, 200]\n");
    const fs::path out = dir / "out";
    const size_t total = 6;
    pid_t pid = start_mmsim({"sweep", file.string(), "--out", out.string(), "--jobs", "1", "--no-plots"},
                            dir / "first.txt");
    const auto t0 = std::chrono::steady_clock::now();
    while (completes(out).size() < 2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(100))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_GE(completes(out).size(), 2u) << slurp(dir / "first.txt");
    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 130) << slurp(dir / "first.txt");

    const auto finished = completes(out);
    ASSERT_LT(finished.size(), total) << "every run finished before SIGTERM: no resume to test";
    const size_t logged = lines_of(out / "sweep.log");
    EXPECT_GE(logged, finished.size());
    auto summary = read_csv(out / "summary.csv");
    ASSERT_EQ(summary.size(), 4u); /* header + 3 points */
    EXPECT_EQ(slurp(out / "runs.csv").find(",failed,"), std::string::npos) << "an interrupted run is not failed";

    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --jobs 1 --no-plots", dir), 0)
        << slurp(dir / "stderr.txt");
    EXPECT_NE(slurp(dir / "stderr.txt").find("6/6 runs done, 0 running, 0 failed"), std::string::npos)
        << slurp(dir / "stderr.txt");
    EXPECT_EQ(lines_of(out / "sweep.log") - logged, total - finished.size());
    const auto after = completes(out);
    EXPECT_EQ(after.size(), total);
    for (const auto &[path, mtime] : finished) {
        ASSERT_TRUE(after.count(path)) << path;
        EXPECT_TRUE(after.at(path) == mtime) << path << " was run again";
    }
    summary = read_csv(out / "summary.csv");
    ASSERT_EQ(summary.size(), 4u);
    for (size_t r = 1; r < summary.size(); r++) {
        EXPECT_EQ(column(summary, r, "status"), "ok");
        EXPECT_EQ(column(summary, r, "runs"), "2");
    }
    /* and a third time nothing runs */
    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --jobs 1 --no-plots", dir), 0);
    EXPECT_EQ(lines_of(out / "sweep.log"), logged + total - finished.size());
    fs::remove_all(dir);
}

/* --emit-jobs writes the pending runs' command lines and runs nothing; GNU parallel runs them; --collect
   merges them: summary.csv and runs.csv equal those of `mmsim sweep` on the same points but wall_time_s. */
TEST(SweepCli, EmitJobsGnuParallelAndCollectGiveTheSweepsSummary)
{
    if (std::system("command -v parallel >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "GNU parallel is not installed (scripts/install-deps.sh installs it)";
    const fs::path dir = temp_dir("sweep", "emit");
    const fs::path file = write_sweep(dir, "emit.toml",
                                      "name = \"emit\"\npurpose = \"emit-jobs against the built-in runner\"\n"
                                      "base = \"" + kScenario + "\"\n"
                                      "set = { scale = 0.0625, \"run.vcd\" = false }\nseeds = [1, 2]\n"
                                      "[[axis]]\nkey = \"machine.swap_device\"\nvalues = [\"zram\", \"hdd\"]\n"
                                      "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [60, 200]\n"
                                      "[[plot]]\nmetric = \"pswpout_pages\"\nx = \"policy.swappiness\"\n"
                                      "lines = \"machine.swap_device\"\n");
    const fs::path d1 = dir / "d1", d2 = dir / "d2", jobs = dir / "jobs.txt";
    ASSERT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d1.string() + " --jobs 2 --quiet", dir), 0)
        << slurp(dir / "stderr.txt");
    EXPECT_TRUE(fs::exists(d1 / "report.md"));

    ASSERT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d2.string() + " --emit-jobs " + jobs.string(), dir), 0)
        << slurp(dir / "stderr.txt");
    EXPECT_EQ(lines_of(jobs), 8u);
    const std::string first = slurp(jobs).substr(0, slurp(jobs).find('\n'));
    EXPECT_EQ(first.rfind(fs::canonical(MMSIM_BIN).string() + " run " + kScenario + " --out " + d2.string() +
                          "/points/swap_device-zram_swappiness-60/seed-1 --quiet --seed 1 --set scale=0.0625",
                          0),
              0u)
        << first;
    EXPECT_TRUE(completes(d2).empty()) << "--emit-jobs ran something";

    /* collect before anything ran: every run missing, exit 1 */
    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d2.string() + " --collect --no-plots", dir), 1);
    EXPECT_NE(slurp(dir / "stderr.txt").find("missing: points/swap_device-hdd_swappiness-200/seed-2"),
              std::string::npos)
        << slurp(dir / "stderr.txt");

    /* tools/slurm-sweep.sh runs line SLURM_ARRAY_TASK_ID of the jobs file; collect then has that run only */
    const std::string slurm = "SLURM_ARRAY_TASK_ID=3 bash " + std::string(MMSIM_SOURCE_DIR) + "/tools/slurm-sweep.sh " +
                              jobs.string() + " 2>" + (dir / "slurm.txt").string();
    ASSERT_EQ(std::system(slurm.c_str()), 0) << slurp(dir / "slurm.txt");
    EXPECT_EQ(completes(d2).size(), 1u);
    EXPECT_TRUE(fs::exists(d2 / "points/swap_device-zram_swappiness-200/seed-1/COMPLETE"));
    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d2.string() + " --collect --no-plots", dir), 1);
    EXPECT_EQ(column(read_csv(d2 / "summary.csv"), 2, "runs"), "1");

    const std::string par = "parallel --will-cite -j 2 < " + jobs.string() + " 2>" + (dir / "parallel.txt").string();
    ASSERT_EQ(std::system(par.c_str()), 0) << slurp(dir / "parallel.txt");
    EXPECT_EQ(completes(d2).size(), 8u);
    ASSERT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d2.string() + " --collect --no-plots", dir), 0)
        << slurp(dir / "stderr.txt");

    const auto s1 = read_csv(d1 / "summary.csv"), s2 = read_csv(d2 / "summary.csv");
    ASSERT_EQ(s1.size(), 5u);
    EXPECT_EQ(without_column(s1, "wall_time_s"), without_column(s2, "wall_time_s"));
    EXPECT_EQ(without_column(read_csv(d1 / "runs.csv"), "wall_time_s"),
              without_column(read_csv(d2 / "runs.csv"), "wall_time_s"));
    /* the metrics a [[plot]] may name (checked before any run) are exactly metrics.csv's rows */
    std::vector<std::string> names = mmsim::sweep_metric_names();
    names.push_back("wall_time_s");
    std::vector<std::string> in_csv;
    for (const auto &row : read_csv(d1 / "points/swap_device-zram_swappiness-60/seed-1/metrics.csv"))
        in_csv.push_back(row[0]);
    ASSERT_FALSE(in_csv.empty());
    in_csv.erase(in_csv.begin()); /* header */
    EXPECT_EQ(names, in_csv) << "update sweep_metric_names() in model/sweep_file.cpp";

    EXPECT_EQ(s1[0][0], "machine.swap_device");
    EXPECT_EQ(s1[0][1], "policy.swappiness");
    EXPECT_EQ(s1[0][2], "runs");
    EXPECT_EQ(s1[0].back(), "wall_time_s");
    EXPECT_EQ(column(s1, 1, "machine.swap_device") + "/" + column(s1, 2, "policy.swappiness"), "zram/200");
    EXPECT_EQ(column(s1, 4, "status"), "ok");
    EXPECT_NE(column(s1, 1, "alloc_latency_p99_ns_sd"), "<no column alloc_latency_p99_ns_sd>");

    /* each summary cell is the mean (and sample sd) of the point's two runs in runs.csv */
    const auto runs = read_csv(d1 / "runs.csv");
    ASSERT_EQ(runs.size(), 9u);
    size_t checked = 0;
    for (size_t c = 0; c < s1[0].size(); c++) {
        const std::string &m = s1[0][c];
        if (m.size() < 3 || m.compare(m.size() - 3, 3, "_sd") == 0 || column(runs, 0, m).rfind("<no", 0) == 0 ||
            m == "wall_time_s" || m == "status" || m == "machine.swap_device" || m == "policy.swappiness")
            continue;
        for (size_t p = 0; p < 4; p++) {
            const std::string a = column(runs, 1 + 2 * p, m), b = column(runs, 2 + 2 * p, m);
            if (a.empty() || b.empty()) { /* the mean of the runs where the figure applies */
                if (a.empty() && b.empty())
                    EXPECT_EQ(column(s1, 1 + p, m), "") << m;
                else
                    EXPECT_NEAR(std::stod(column(s1, 1 + p, m)), std::stod(a + b), 1e-9) << m;
                continue;
            }
            const double x = std::stod(a), y = std::stod(b), mean = (x + y) / 2;
            const double sd = std::sqrt((x - mean) * (x - mean) + (y - mean) * (y - mean));
            EXPECT_NEAR(std::stod(column(s1, 1 + p, m)), mean, 1e-9 * std::fabs(mean) + 1e-12) << m;
            EXPECT_NEAR(std::stod(column(s1, 1 + p, m + "_sd")), sd, 1e-9 * sd + 1e-12) << m;
            checked++;
        }
    }
    EXPECT_GE(checked, 4u * 15);

    /* nothing pending any more: an empty jobs file */
    ASSERT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + d2.string() + " --emit-jobs " + jobs.string(), dir), 0);
    EXPECT_EQ(lines_of(jobs), 0u);
    fs::remove_all(dir);
}

/* A run killed from outside is reported with its status, marked failed in the summary; the other runs
   complete, the sweep exits 1, and the next sweep reruns only the failed run. */
TEST(SweepCli, FailedRunIsReportedAndTheOthersComplete)
{
    const fs::path dir = temp_dir("sweep", "failed");
    const fs::path file = write_sweep(dir, "failed.toml",
                                      "base = \"" + kScenario + "\"\nset = { \"run.vcd\" = false, \"run.proc\" = false }\n"
                                      "[[axis]]\nkey = \"scale\"\nvalues = [0.0625, 1, 0.125]\n");
    const fs::path out = dir / "out";
    pid_t sweep = start_mmsim({"sweep", file.string(), "--out", out.string(), "--jobs", "2", "--no-plots"},
                              dir / "sweep.txt");
    const fs::path victim = out / "points" / "scale-1" / "seed-1";
    pid_t run = -1;
    const auto t0 = std::chrono::steady_clock::now();
    while ((run = find_run(victim)) < 0 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_GT(run, 0) << "the scale-1 run never showed up: " << slurp(dir / "sweep.txt");
    kill(run, SIGKILL);
    EXPECT_EQ(wait_exit(sweep), 1);
    const std::string err = slurp(dir / "sweep.txt");
    EXPECT_NE(err.find("run points/scale-1/seed-1 failed: killed by signal 9"), std::string::npos) << err;

    const auto summary = read_csv(out / "summary.csv");
    ASSERT_EQ(summary.size(), 4u);
    EXPECT_EQ(column(summary, 1, "status"), "ok");
    EXPECT_EQ(column(summary, 2, "status"), "failed");
    EXPECT_EQ(column(summary, 2, "runs"), "0");
    EXPECT_EQ(column(summary, 3, "status"), "ok");
    EXPECT_EQ(completes(out).size(), 2u);
    EXPECT_TRUE(fs::exists(victim / "FAILED"));

    const size_t logged = lines_of(out / "sweep.log");
    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --jobs 2 --no-plots --quiet", dir), 0)
        << slurp(dir / "stderr.txt");
    EXPECT_EQ(lines_of(out / "sweep.log"), logged + 1);
    EXPECT_EQ(column(read_csv(out / "summary.csv"), 2, "status"), "ok");
    fs::remove_all(dir);
}

/* A summary file that cannot be written (here a directory stands in its place) is an error naming it,
   not a silent success. */
TEST(SweepCli, UnwritableSummaryIsReported)
{
    const fs::path dir = temp_dir("sweep", "unwritable");
    const fs::path file = write_sweep(dir, "w.toml",
                                      "base = \"" + kScenario + "\"\nset = { scale = 0.0625, \"run.vcd\" = false }\n"
                                      "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [60]\n");
    const fs::path out = dir / "out";
    ASSERT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --quiet --no-plots", dir), 0)
        << slurp(dir / "stderr.txt");
    fs::remove(out / "summary.csv");
    fs::create_directory(out / "summary.csv");
    EXPECT_EQ(mmsim_cmd("sweep " + file.string() + " --out " + out.string() + " --collect --no-plots", dir), 1);
    EXPECT_NE(slurp(dir / "stderr.txt").find("cannot write " + (out / "summary.csv").string()), std::string::npos)
        << slurp(dir / "stderr.txt");
}
