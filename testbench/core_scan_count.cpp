// get_scan_count / prepare_scan_control / inactive_is_low: exact kernel values.
// Expected values are worked out by hand from mm/vmscan.c (6.12):
//   t = anon_cost + file_cost; a = t + anon_cost; f = t + file_cost; t = a + f
//   ap = swappiness * (t + 1) / (a + 1); fp = (200 - swappiness) * (t + 1) / (f + 1)
//   nr[lru] = (size >> priority) * fraction / (ap + fp)
#include <gtest/gtest.h>

#include "mmsim/reclaim.h"

namespace {

mm_scan_input fract_input(unsigned swappiness)
{
	mm_scan_input in{};
	in.priority = 12;
	in.swappiness = swappiness;
	in.may_swap = true;
	in.anon_cost = 100; // a = 500, f = 700, t = 1200
	in.file_cost = 300;
	in.lru_size[0] = 40960; // >> 12 = 10
	in.lru_size[1] = 81920; // 20
	in.lru_size[2] = 20480; // 5
	in.lru_size[3] = 61440; // 15
	return in;
}

struct FractCase {
	unsigned swappiness;
	uint64_t ap, fp;
	uint64_t nr[4];
};

// ap = s*1201/501, fp = (200-s)*1201/701, each floored; nr floored.
const FractCase kFract[] = {
	{ 0, 0, 342, { 0, 0, 5, 15 } },     // 240200/701 = 342.6
	{ 10, 23, 325, { 0, 1, 4, 14 } },   // 12010/501 = 23.9; 228190/701 = 325.5; 20*23/348 = 1.3
	{ 60, 143, 239, { 3, 7, 3, 9 } },   // 72060/501 = 143.8; 168140/701 = 239.9; 10*143/382 = 3.7
	{ 90, 215, 188, { 5, 10, 2, 6 } },  // 108090/501 = 215.7; 132110/701 = 188.5; 15*188/403 = 6.99
	{ 100, 239, 171, { 5, 11, 2, 6 } }, // 120100/501 = 239.7; 120100/701 = 171.3; 20*239/410 = 11.7
	{ 200, 479, 0, { 10, 20, 0, 0 } },  // 240200/501 = 479.4
};

TEST(GetScanCount, FractionsForSwappiness)
{
	for (const auto &c : kFract) {
		mm_scan_input in = fract_input(c.swappiness);
		mm_scan_result out;
		mm_get_scan_count(&in, &out);
		SCOPED_TRACE(c.swappiness);
		EXPECT_EQ(out.balance, MM_SCAN_FRACT);
		EXPECT_EQ(out.fraction[0], c.ap);
		EXPECT_EQ(out.fraction[1], c.fp);
		EXPECT_EQ(out.denominator, c.ap + c.fp);
		for (int l = 0; l < 4; l++)
			EXPECT_EQ(out.nr[l], c.nr[l]) << "lru " << l;
	}
}

TEST(GetScanCount, FractAtLowPriority)
{
	// priority 2, swappiness 60, costs 0/0: a = f = 0, t = 0 -> ap = 60*1/1 = 60, fp = 140.
	mm_scan_input in{};
	in.priority = 2;
	in.swappiness = 60;
	in.may_swap = true;
	in.lru_size[0] = 1000; // >> 2 = 250 -> 250*60/200 = 75
	in.lru_size[1] = 3;    // 0
	in.lru_size[2] = 4001; // 1000 -> 1000*140/200 = 700
	in.lru_size[3] = 7;    // 1 -> 140/200 = 0
	mm_scan_result out;
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_FRACT);
	EXPECT_EQ(out.fraction[0], 60u);
	EXPECT_EQ(out.fraction[1], 140u);
	EXPECT_EQ(out.nr[0], 75u);
	EXPECT_EQ(out.nr[1], 0u);
	EXPECT_EQ(out.nr[2], 700u);
	EXPECT_EQ(out.nr[3], 0u);
}

TEST(GetScanCount, NoSwapMeansScanFile)
{
	mm_scan_input in = fract_input(60);
	in.may_swap = false; // inside: no swap space
	mm_scan_result out;
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_FILE);
	EXPECT_EQ(out.nr[0], 0u);
	EXPECT_EQ(out.nr[1], 0u);
	EXPECT_EQ(out.nr[2], 5u);
	EXPECT_EQ(out.nr[3], 15u);
	in.may_swap = true; // just outside
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_FRACT);
}

TEST(GetScanCount, PriorityZeroIsEqualUnlessSwappinessZero)
{
	mm_scan_input in = fract_input(1);
	in.priority = 0; // inside: priority 0 and swappiness 1
	in.cache_trim_mode = true; // EQUAL is decided before cache trimming
	mm_scan_result out;
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_EQUAL);
	EXPECT_EQ(out.nr[0], 40960u);
	EXPECT_EQ(out.nr[1], 81920u);
	EXPECT_EQ(out.nr[2], 20480u);
	EXPECT_EQ(out.nr[3], 61440u);
	in.swappiness = 0; // outside: swappiness 0 -> falls through to cache_trim_mode
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_FILE);
	in.swappiness = 1;
	in.priority = 1; // outside: priority 1
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_FILE);
	EXPECT_EQ(out.nr[2], 10240u);
}

TEST(GetScanCount, FileIsTinyScansAnonBeforeCacheTrim)
{
	mm_scan_input in = fract_input(60);
	in.file_is_tiny = true;
	in.cache_trim_mode = true;
	mm_scan_result out;
	mm_get_scan_count(&in, &out);
	EXPECT_EQ(out.balance, MM_SCAN_ANON);
	EXPECT_EQ(out.nr[0], 10u);
	EXPECT_EQ(out.nr[1], 20u);
	EXPECT_EQ(out.nr[2], 0u);
	EXPECT_EQ(out.nr[3], 0u);
}

mm_scan_prepare_input prep_base()
{
	mm_scan_prepare_input in{};
	in.priority = 12;
	in.lru_size[0] = 8192; // inactive anon
	in.lru_size[1] = 8192; // active anon: not low (8192*1 < 8192 false)
	in.lru_size[2] = 4096; // inactive file >> 12 = 1
	in.lru_size[3] = 4096; // active file: not low
	in.free_pages = 1000;
	in.total_high_wmark = 100000;
	return in;
}

TEST(PrepareScanControl, CacheTrimModeBoundaries)
{
	mm_scan_prepare_input in = prep_base();
	mm_scan_prepare_result out;
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.cache_trim_mode); // inside: 4096 >> 12 = 1, file list not low
	in.lru_size[2] = 4095;            // outside: 4095 >> 12 = 0
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.cache_trim_mode);
	in = prep_base();
	in.lru_size[3] = 4097; // outside: inactive_is_low(file): 4096 * 1 < 4097
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.deactivate_file);
	EXPECT_FALSE(out.cache_trim_mode);
	in = prep_base();
	in.file_refaults_changed = true; // outside: refaults observed
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.cache_trim_mode);
	in = prep_base();
	in.no_cache_trim_mode = true;
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.cache_trim_mode);
	in = prep_base();
	in.force_deactivate = true;
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.deactivate_anon && out.deactivate_file);
	EXPECT_FALSE(out.cache_trim_mode);
}

TEST(PrepareScanControl, FileIsTinyBoundaries)
{
	mm_scan_prepare_input in = prep_base();
	// file = 8192, free = 1000: tiny when 9192 <= total_high_wmark
	in.total_high_wmark = 9192;
	mm_scan_prepare_result out;
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.file_is_tiny); // inside: equal
	in.total_high_wmark = 9191;    // outside by one page
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.file_is_tiny);
	in = prep_base();
	in.total_high_wmark = 9192;
	in.lru_size[0] = 4095; // outside: inactive anon >> 12 = 0 (and active 8192 makes anon low)
	in.lru_size[1] = 4095;
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.file_is_tiny);
	in.lru_size[0] = 4096; // inside again
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.file_is_tiny);
	in.lru_size[1] = 4097; // outside: anon inactive list low -> deactivate anon
	mm_prepare_scan_control(&in, &out);
	EXPECT_TRUE(out.deactivate_anon);
	EXPECT_FALSE(out.file_is_tiny);
	in.lru_size[1] = 4096;
	in.anon_refaults_changed = true; // outside: anon refaults observed
	mm_prepare_scan_control(&in, &out);
	EXPECT_FALSE(out.file_is_tiny);
}

TEST(InactiveIsLow, KernelRatio)
{
	// below 1 GiB: ratio 1
	EXPECT_FALSE(mm_inactive_is_low(100, 100));
	EXPECT_TRUE(mm_inactive_is_low(100, 101));
	// 1 GiB = 262144 pages: gb = 1, ratio int_sqrt(10) = 3
	EXPECT_FALSE(mm_inactive_is_low(65536, 196608)); // 196608 < 196608 false
	EXPECT_TRUE(mm_inactive_is_low(65535, 196609));  // 196605 < 196609
	// 10 GiB: ratio int_sqrt(100) = 10
	EXPECT_FALSE(mm_inactive_is_low(238313, 2383130)); // 2621443 pages: gb = 10
	EXPECT_TRUE(mm_inactive_is_low(238313, 2383131));
	EXPECT_FALSE(mm_inactive_is_low(238312, 238312 * 9)); // 2383120 pages: gb = 9, ratio int_sqrt(90) = 9
	EXPECT_TRUE(mm_inactive_is_low(238312, 238312 * 9 + 1));
	// 100 GiB: ratio int_sqrt(1000) = 31
	uint64_t total = 100ull << 18, inactive = 822000;
	EXPECT_FALSE(mm_inactive_is_low(inactive, inactive * 31));
	EXPECT_TRUE(mm_inactive_is_low(inactive, inactive * 31 + 1));
	EXPECT_GE(inactive + inactive * 31, total);
}

} // namespace
