#!/usr/bin/env bash
# Sanitizer job (issue 7): an AddressSanitizer + UndefinedBehaviorSanitizer build in
# build-asan/ with mmsim run's consistency check on by default (-DMMSIM_CHECK=ON: c_core's
# mm_check every 10000 page operations and at the end). Runs the core tests, the scenario
# parser tests and the scenario integration tests (ctest label "scenario") on machines
# scaled by MMSIM_ASAN_SCALE (default 0.0625: 512 MiB RAM / 256 MiB swap).
# Any sanitizer report aborts the test that hit it; any check violation exits mmsim with 3.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${MMSIM_ASAN_SCALE:-0.0625}
jobs=$(nproc)
[ "$jobs" -gt 2 ] || jobs=2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMSIM_SANITIZE=ON -DMMSIM_CHECK=ON \
      -DMMSIM_CI_SCALE="$scale" >/dev/null
cmake --build build-asan -j"$jobs" --target mmsim test_core test_scenario
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== sanitizer build: core tests"
build-asan/testbench/test_core --gtest_brief=1
echo "== sanitizer build: scenario parser tests"
build-asan/testbench/test_scenario --gtest_brief=1
echo "== sanitizer build: scenario integration tests at scale $scale, --check on"
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L scenario
