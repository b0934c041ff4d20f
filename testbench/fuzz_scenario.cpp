/*
 * libFuzzer target for the scenario parser (issue 7). Input: TOML text; if its
 * first line starts with "#set ", the rest of that line is also applied as a
 * --set override. Oracle: the parser either returns a scenario that passes
 * validate_scenario or throws ScenarioError with a one-line message that
 * names the source; anything else (another exception, a crash, ASan/UBSan
 * report) is a bug. Build: CC=clang CXX=clang++ cmake -DMMSIM_FUZZ=ON.
 */
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    std::string set;
    if (text.rfind("#set ", 0) == 0)
        set = text.substr(5, text.find('\n') == std::string::npos ? std::string::npos : text.find('\n') - 5);
    try {
        mmsim::Scenario s = mmsim::parse_scenario(text, "fuzz.toml");
        if (!set.empty())
            mmsim::apply_set(s, set);
        mmsim::validate_scenario(s);
    } catch (const mmsim::ScenarioError &e) {
        const std::string msg = e.what();
        const bool named = msg.rfind("fuzz.toml", 0) == 0 || msg.rfind("--set", 0) == 0;
        if (!named || msg.find('\n') != std::string::npos)
            std::abort();
    }
    return 0;
}
