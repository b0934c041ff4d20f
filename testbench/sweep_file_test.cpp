// The sweep file parser and the point expansion (model/sweep_file.cpp, model/sweep_points.cpp):
// cross-product order, explicit points, seeds, stable and unique point ids, --set texts, and the
// one-line errors for bad sweep files (file:line, axis, value, allowed range).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sweep_file.h"
#include "sweep_points.h"

using namespace mmsim;

namespace {

const std::string kBase = std::string(MMSIM_SOURCE_DIR) + "/scenarios/02-anon-swappiness-60.toml";
const std::string kPath = std::string(MMSIM_SOURCE_DIR) + "/scenarios/test-sweep.toml";

SweepFile parse(const std::string &body)
{
    return parse_sweep_file("base = \"02-anon-swappiness-60.toml\"\n" + body, kPath);
}

std::vector<std::string> ids(const std::vector<SweepPoint> &points)
{
    std::vector<std::string> out;
    for (const SweepPoint &p : points)
        out.push_back(p.id);
    return out;
}

// The message of the SweepError that parsing, expanding and validating the sweep throws ("" when none).
std::string error_of(const std::string &text)
{
    try {
        SweepFile sf = parse_sweep_file(text, kPath);
        validate_points(sf, expand_points(sf));
    } catch (const SweepError &e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(SweepFile, CrossProductFirstAxisSlowestWithReadableIds)
{
    SweepFile sf = parse("[[axis]]\nkey = \"machine.swap_device\"\nvalues = [\"zram\", \"hdd\"]\n"
                         "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [10, 60, 200]\n");
    EXPECT_EQ(sf.base, kBase);
    EXPECT_EQ(sf.name, "test-sweep");
    std::vector<SweepPoint> p = expand_points(sf);
    EXPECT_EQ(ids(p), (std::vector<std::string>{
                          "swap_device-zram_swappiness-10", "swap_device-zram_swappiness-60",
                          "swap_device-zram_swappiness-200", "swap_device-hdd_swappiness-10",
                          "swap_device-hdd_swappiness-60", "swap_device-hdd_swappiness-200"}));
    ASSERT_EQ(p[4].assigns.size(), 2u);
    EXPECT_EQ(p[4].assigns[0].set_arg(), "machine.swap_device=hdd");
    EXPECT_EQ(p[4].assigns[1].set_arg(), "policy.swappiness=60");
    EXPECT_EQ(sweep_columns(sf), (std::vector<std::string>{"machine.swap_device", "policy.swappiness"}));
    EXPECT_NO_THROW(validate_points(sf, p));
}

TEST(SweepFile, IdsDoNotDependOnThePositionInTheList)
{
    SweepFile a = parse("[[axis]]\nkey = \"policy.swappiness\"\nvalues = [10, 60]\n");
    SweepFile b = parse("[[axis]]\nkey = \"policy.swappiness\"\nvalues = [200, 60, 0, 10]\n");
    std::vector<std::string> ia = ids(expand_points(a)), ib = ids(expand_points(b));
    EXPECT_EQ(ia, (std::vector<std::string>{"swappiness-10", "swappiness-60"}));
    EXPECT_EQ(ib, (std::vector<std::string>{"swappiness-200", "swappiness-60", "swappiness-0", "swappiness-10"}));
}

TEST(SweepFile, IdsStayUniqueWhenShortNamesOrSanitizedValuesClash)
{
    /* two keys ending in .rate: the id uses enough of each key to tell them apart */
    SweepFile sf = parse("[[axis]]\nkey = \"process.app.anon.rate\"\nvalues = [100]\n"
                         "[[axis]]\nkey = \"process.reader.file.read_rate\"\nvalues = [5]\n"
                         "[[axis]]\nkey = \"process.app.touch.rate\"\nvalues = [1.5]\n");
    EXPECT_EQ(ids(expand_points(sf)), (std::vector<std::string>{"anon.rate-100_read_rate-5_touch.rate-1.5"}));

    /* values that differ only in characters a folder name cannot keep get a hash of the exact value */
    SweepFile c = parse("[[point]]\n\"run.stop\" = \"duration\"\n\"machine.layout\" = \"a b\"\n"
                        "[[point]]\n\"run.stop\" = \"duration\"\n\"machine.layout\" = \"a/b\"\n");
    std::vector<std::string> ic = ids(expand_points(c));
    ASSERT_EQ(ic.size(), 2u);
    EXPECT_NE(ic[0], ic[1]);
    EXPECT_EQ(ic[0].rfind("stop-duration_layout-a_b-", 0), 0u) << ic[0];
    EXPECT_EQ(ic[1].rfind("stop-duration_layout-a_b-", 0), 0u) << ic[1];
    EXPECT_EQ(ids(expand_points(c)), ic); /* stable */
    for (const std::string &id : ic)
        EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-"),
                  std::string::npos) << id;
}

TEST(SweepFile, ExplicitPointsInFileOrderWithTheUnionOfTheirKeys)
{
    SweepFile sf = parse("[[point]]\n\"policy.swappiness\" = 180\n\"policy.watermark_scale_factor\" = 125\n"
                         "[[point]]\npolicy.swappiness = 60\n" /* a dotted bare key is the same key */
                         "[[point]]\n");
    EXPECT_TRUE(sf.explicit_points);
    EXPECT_EQ(sweep_columns(sf), (std::vector<std::string>{"policy.swappiness", "policy.watermark_scale_factor"}));
    std::vector<SweepPoint> p = expand_points(sf);
    EXPECT_EQ(ids(p), (std::vector<std::string>{"swappiness-180_watermark_scale_factor-125", "swappiness-60", "base"}));
    EXPECT_NO_THROW(validate_points(sf, p));

    SweepFile dup = parse("[[point]]\n\"policy.swappiness\" = 60\n[[point]]\n\"policy.swappiness\" = 60\n");
    EXPECT_THROW(expand_points(dup), SweepError);
}

TEST(SweepFile, NoAxesIsOnePointTheBase)
{
    SweepFile sf = parse("");
    EXPECT_EQ(ids(expand_points(sf)), (std::vector<std::string>{"base"}));
}

TEST(SweepFile, SeedsGivenOrTheBaseScenarios)
{
    SweepFile sf = parse("seeds = [3, 1, 2]\n");
    EXPECT_EQ(sweep_seeds(sf, validate_points(sf, expand_points(sf))), (std::vector<uint64_t>{3, 1, 2}));
    SweepFile d = parse("set = { \"run.seed\" = 7 }\n");
    EXPECT_EQ(sweep_seeds(d, validate_points(d, expand_points(d))), (std::vector<uint64_t>{7}));
    EXPECT_NE(error_of("base = \"02-anon-swappiness-60.toml\"\nseeds = [1, 1]\n").find("given twice"),
              std::string::npos);
    EXPECT_NE(error_of("base = \"02-anon-swappiness-60.toml\"\nseeds = []\n").find("seeds"), std::string::npos);
    /* mmsim run's --seed overrides --set run.seed: the seed is no axis */
    EXPECT_NE(error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"run.seed\"\nvalues = [1]\n")
                  .find(":3: run.seed cannot vary per point"),
              std::string::npos);
    EXPECT_NE(error_of("base = \"02-anon-swappiness-60.toml\"\n[[point]]\n\"run.seed\" = 4\n").find("seeds = [...]"),
              std::string::npos);
}

TEST(SweepFile, FixedSetKeepsFileOrderAndValuesBecomeSetTexts)
{
    /* toml++ iterates keys sorted; --set order matters (scale rescales what was set before it) */
    SweepFile sf = parse("set = { \"scale\" = 0.0625, \"run.duration_s\" = 30.0, \"machine.ram_bytes\" = \"8GiB\","
                         " \"policy.min_free_kbytes\" = \"auto\", \"run.vcd\" = false }\n");
    ASSERT_EQ(sf.set.size(), 5u);
    EXPECT_EQ(sf.set[0].set_arg(), "scale=0.0625");
    EXPECT_EQ(sf.set[1].set_arg(), "run.duration_s=30.0");
    EXPECT_EQ(sf.set[2].set_arg(), "machine.ram_bytes=\"8GiB\"");
    EXPECT_EQ(sf.set[2].value.display, "8GiB");
    EXPECT_EQ(sf.set[3].set_arg(), "policy.min_free_kbytes=auto");
    EXPECT_EQ(sf.set[4].set_arg(), "run.vcd=false");
    EXPECT_NO_THROW(validate_points(sf, expand_points(sf)));

    SweepFile nested = parse("[set.run]\nduration_s = 2\n");
    ASSERT_EQ(nested.set.size(), 1u);
    EXPECT_EQ(nested.set[0].set_arg(), "run.duration_s=2");
}

/* Bad sweep files: one line naming the sweep file and line, the key, the value and the allowed range. */
TEST(SweepFileErrors, ValueOutOfRangeNamesFileLineAxisValueAndRange)
{
    std::string e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swappiness\"\n"
                             "values = [10,\n 300]\n");
    EXPECT_NE(e.find(kPath + ":5:"), std::string::npos) << e;
    EXPECT_NE(e.find("axis policy.swappiness value 300"), std::string::npos) << e;
    EXPECT_NE(e.find("out of range 0..200"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(SweepFileErrors, WrongTypeAndUnknownEnumName)
{
    std::string e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"machine.swap_device\"\n"
                             "values = [\"nvme\", \"floppy\"]\n");
    EXPECT_NE(e.find(kPath + ":4:"), std::string::npos) << e;
    EXPECT_NE(e.find("machine.swap_device"), std::string::npos) << e;
    EXPECT_NE(e.find("floppy"), std::string::npos) << e;
    EXPECT_NE(e.find("zram|nvme|sata_ssd|hdd"), std::string::npos) << e;

    e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swappiness\"\nvalues = [true]\n");
    EXPECT_NE(e.find("policy.swappiness"), std::string::npos) << e;
    EXPECT_NE(e.find("0..200"), std::string::npos) << e;
}

TEST(SweepFileErrors, UnknownKeysEmptyAndDuplicateAxes)
{
    std::string e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swapiness\"\n"
                             "values = [10]\n");
    EXPECT_NE(e.find(kPath + ":4:"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown key policy.swapiness"), std::string::npos) << e;

    e = error_of("base = \"02-anon-swappiness-60.toml\"\nbogus = 1\n");
    EXPECT_NE(e.find(kPath + ":2: unknown field bogus"), std::string::npos) << e;

    e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swappiness\"\nvalues = []\n");
    EXPECT_NE(e.find(kPath + ":4: axis policy.swappiness has no values"), std::string::npos) << e;

    e = error_of("base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swappiness\"\nvalues = [1]\n"
                 "[[axis]]\nkey = \"policy.swappiness\"\nvalues = [2]\n");
    EXPECT_NE(e.find(kPath + ":6: axis policy.swappiness given twice"), std::string::npos) << e;

    e = error_of("base = \"no-such-scenario.toml\"\n");
    EXPECT_NE(e.find(kPath + ":1:"), std::string::npos) << e;
    EXPECT_NE(e.find("no-such-scenario.toml"), std::string::npos) << e;

    e = error_of("[[axis]]\nkey = \"policy.swappiness\"\nvalues = [1]\n");
    EXPECT_NE(e.find("base"), std::string::npos) << e;
}

TEST(SweepFileErrors, PlotsNameKnownMetricsAndAxes)
{
    const std::string head = "base = \"02-anon-swappiness-60.toml\"\n[[axis]]\nkey = \"policy.swappiness\"\n"
                             "values = [10, 60]\n";
    EXPECT_EQ(error_of(head + "[[plot]]\nmetric = \"alloc_latency_p99_ns\"\nx = \"policy.swappiness\"\n"), "");
    std::string e = error_of(head + "[[plot]]\nmetric = \"alloc_latency_p98_ns\"\nx = \"policy.swappiness\"\n");
    EXPECT_NE(e.find(kPath + ":6: [[plot]] metric alloc_latency_p98_ns"), std::string::npos) << e;
    EXPECT_NE(e.find("alloc_latency_p99_ns"), std::string::npos) << e; /* the allowed list */
    e = error_of(head + "[[plot]]\nmetric = \"alloc_latency_p99_ns\"\nx = \"policy.swappines\"\n");
    EXPECT_NE(e.find(kPath + ":7: [[plot]] x = policy.swappines is not an axis"), std::string::npos) << e;
    e = error_of(head + "[[plot]]\nmetric = \"pswpin_pages\"\nx = \"policy.swappiness\"\nlines = \"run.seed\"\n");
    EXPECT_NE(e.find(kPath + ":8: [[plot]] lines = run.seed"), std::string::npos) << e;
}

/* Every shipped sweep file (scenarios/sweeps/*.toml) parses and all its points are valid for its base scenario. */
TEST(SweepFile, ShippedSweepFilesAreValid)
{
    size_t n = 0;
    for (const auto &e : std::filesystem::directory_iterator(std::string(MMSIM_SOURCE_DIR) + "/scenarios/sweeps")) {
        if (e.path().extension() != ".toml")
            continue;
        SCOPED_TRACE(e.path().string());
        EXPECT_NO_THROW({
            SweepFile sf = load_sweep_file(e.path().string());
            validate_points(sf, expand_points(sf));
        });
        n++;
    }
    EXPECT_GE(n, 1u);
}
