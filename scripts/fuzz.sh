#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/, -DMMSIM_FUZZ=ON) and runs each
# for SECONDS (default 60). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Targets: fuzz_scenario (scenario parser), fuzz_core_ops (c_core operation sequences).
# Each target runs on a working corpus in build-fuzz/corpus/TARGET, seeded from the kept
# corpus in testbench/fuzz/; crashes land in build-fuzz/artifacts/TARGET/ and the script
# exits non-zero. Keep a crash as a regression test by copying it into the kept corpus
# (testbench/fuzz/scenario/ or testbench/fuzz/corpus_core/) as crash-<what>.
# MERGE=1 afterwards minimises the working corpus back into the kept corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_scenario fuzz_core_ops)
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2;; esac

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMSIM_FUZZ=ON >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  case "$t" in
    fuzz_scenario) kept=testbench/fuzz/scenario; extra=(scenarios); opts=() ;;
    # short inputs (about 250 operations) keep the executions per second up: mm_check runs after each
    fuzz_core_ops) kept=testbench/fuzz/corpus_core; extra=(); opts=(-max_len=1024) ;;
    *) echo "fuzz.sh: unknown target '$t' (fuzz_scenario, fuzz_core_ops)" >&2; exit 2 ;;
  esac
  work=build-fuzz/corpus/$t
  art=build-fuzz/artifacts/$t/
  mkdir -p "$work" "$art"
  echo "== $t: ${seconds}s, corpus $work (+ $kept)"
  if ! build-fuzz/testbench/$t -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$art" "${opts[@]}" \
       "$work" "$kept" "${extra[@]}" 2>&1 | tee build-fuzz/$t.log | grep -E '^#[0-9]+ +(INITED|DONE|pulse)|^stat::|ERROR|SUMMARY'; then
    :
  fi
  if grep -q -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|Test unit written to .*/(crash|leak|timeout|oom)-' build-fuzz/$t.log; then
    echo "== $t: CRASH, see build-fuzz/$t.log and $art" >&2
    status=1
  fi
  if [ "${MERGE:-0}" = 1 ]; then
    mkdir -p "$kept"
    build-fuzz/testbench/$t -merge=1 "$kept" "$work" 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
  fi
done
exit $status
