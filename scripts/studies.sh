#!/usr/bin/env bash
# Runs the issue 8 studies (scenarios/sweeps/*.toml at 8 GiB / 4 GiB) and copies each one's
# report.md, summary.csv, runs.csv and plots into docs/studies/NAME/. The runs themselves go to
# out/studies/NAME (kept: a second call resumes and only re-collects). Needs a built mmsim
# (scripts/build.sh) and python3-matplotlib.
# Usage: scripts/studies.sh [--jobs N] [NAME ...]
#        (default: swap-device swap-device-burst zram-desktop watermarks)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
if [[ "${1:-}" == "--jobs" ]]; then jobs=$2; shift 2; fi
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  names=(swap-device swap-device-burst zram-desktop watermarks)
fi
for n in "${names[@]}"; do
  out=out/studies/$n
  start=$(date +%s%N)
  build/model/mmsim sweep "scenarios/sweeps/$n.toml" --out "$out" --jobs "$jobs" --quiet
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "studies: $n: $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s wall (--jobs $jobs)"
  mkdir -p "docs/studies/$n"
  rm -rf "docs/studies/$n/plots"
  cp -r "$out/report.md" "$out/summary.csv" "$out/runs.csv" "$out/plots" "docs/studies/$n/"
done
