// Replays every kept input of the c_core operation fuzzer (testbench/fuzz/corpus_core/:
// the minimised corpus and every crash-* input it found) through the fuzzer's own entry,
// fuzz_core_ops_run, with mm_check as the oracle. Built with gcc in every build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_core_ops.h"

namespace fs = std::filesystem;

static std::vector<uint8_t> read_bytes(const fs::path &p)
{
	std::ifstream in(p, std::ios::binary);
	return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CoreFuzzReplay, EveryKeptInputPassesTheChecks)
{
	const fs::path dir = fs::path(MMSIM_SOURCE_DIR) / "testbench" / "fuzz" / "corpus_core";
	size_t n = 0, crashes = 0;
	for (const auto &entry : fs::directory_iterator(dir)) {
		if (!entry.is_regular_file())
			continue;
		SCOPED_TRACE(entry.path().string());
		const std::vector<uint8_t> data = read_bytes(entry.path());
		char msg[400];
		EXPECT_EQ(fuzz_core_ops_run(data.data(), data.size(), msg, sizeof(msg)), 0) << msg;
		n++;
		crashes += entry.path().filename().string().rfind("crash-", 0) == 0;
	}
	EXPECT_GE(n, 10u) << "the kept corpus is missing";
	RecordProperty("inputs", (int)n);
	RecordProperty("crash_inputs", (int)crashes);
}

// Empty and short inputs: default machine, a few touches and a kswapd round.
TEST(CoreFuzzReplay, EmptyAndShortInputsRun)
{
	char msg[400];
	EXPECT_EQ(fuzz_core_ops_run(nullptr, 0, msg, sizeof(msg)), 0) << msg;
	const uint8_t touch[] = { 32, 0, 16, 60, 4, 0, 0, 0, 255, 9, 0, 4, 1, 0, 0, 255, 9, 1 };
	EXPECT_EQ(fuzz_core_ops_run(touch, sizeof(touch), msg, sizeof(msg)), 0) << msg;
}
