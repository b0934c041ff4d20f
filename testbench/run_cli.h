// Helpers for the tests that run the `mmsim` binary (MMSIM_BIN): a scratch
// directory, a scenario written from a template, the run's exit status.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mmsim_test {

inline std::string slurp(const std::filesystem::path &p)
{
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A fresh directory /tmp/mmsim_<suite>_<name>_<pid>.
inline std::filesystem::path temp_dir(const std::string &suite, const std::string &name)
{
    auto d = std::filesystem::temp_directory_path() /
             ("mmsim_" + suite + "_" + name + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

// dir/scenario.toml from a template whose "DURATION" becomes duration.
inline std::filesystem::path write_scenario(const std::filesystem::path &dir, std::string text,
                                            const std::string &duration)
{
    text.replace(text.find("DURATION"), 8, duration);
    auto p = dir / "scenario.toml";
    std::ofstream(p) << text;
    return p;
}

// Runs mmsim with args; returns its exit status; stderr goes to dir/stderr.txt.
inline int run_mmsim(const std::string &args, const std::filesystem::path &dir)
{
    std::string cmd = std::string(MMSIM_BIN) + " " + args + " 2>" + (dir / "stderr.txt").string();
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

} // namespace mmsim_test
