#!/usr/bin/env bash
# README's main job: install the dependencies, build, run scenario 9 (or, with --all,
# every scenario in parallel) with its plots and waves, and say where they are.
#   scripts/main-job.sh [--all] [--scale S]
set -euo pipefail
cd "$(dirname "$0")/.."

all=0
scale=""
while [ $# -gt 0 ]; do
  case "$1" in
    --all) all=1 ;;
    --scale) scale="${2:?--scale needs a value in 0 < S <= 1}"; shift ;;
    *) echo "main-job.sh: unknown argument '$1' (allowed: --all, --scale S)" >&2; exit 2 ;;
  esac
  shift
done

scripts/install-deps.sh
# Screenshots of the waves need an X server without a display and ImageMagick's import.
for p in xvfb imagemagick; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  fi
done
scripts/build.sh

mmsim="$(find build -name mmsim -type f -perm -u+x | head -n 1)"
[ -n "$mmsim" ] || { echo "main-job.sh: the build produced no mmsim binary" >&2; exit 1; }
PY=/usr/bin/python3   # Debian's python3, which has matplotlib
sets=()
[ -n "$scale" ] && sets=(--set "scale=$scale")

if [ "$all" = 1 ]; then
  $PY tools/run_all.py --mmsim "$mmsim" --out out ${scale:+--scale "$scale"}
  run=out/09-everything
else
  run=out/09-everything
  rm -rf "$run"
  "$mmsim" run scenarios/09-everything.toml --out "$run" "${sets[@]}"
  $PY tools/plot_run.py "$run" >/dev/null
fi

# A screenshot of the waves as GTKWave shows them with the generated save file.
shot=""
if command -v xvfb-run >/dev/null && command -v gtkwave >/dev/null && command -v import >/dev/null; then
  shot="$run/plots/gtkwave.png"
  # the save file names the VCD by a relative path: run GTKWave in the run directory
  (cd "$run" && xvfb-run -a -s "-screen 0 1600x1000x24" sh -c \
    'gtkwave waves.gtkw >/dev/null 2>&1 & pid=$!; sleep 6; import -window root plots/gtkwave.png; kill $pid') \
    || shot=""
fi

echo
echo "Scenario 9 run:   $run/ (summary.json, timeseries.csv, events.csv, proc/)"
echo "Plots:            $run/plots/*.png"
[ "$all" = 1 ] && echo "Index page:       out/index.md (every scenario, its purpose, outcome figures and plots)"
echo "Waves (VCD):      $run/waves.vcd"
echo "Open in GTKWave:  cd $run && gtkwave waves.gtkw    (the save file loads the VCD with the signals grouped)"
[ -n "$shot" ] && echo "GTKWave screenshot: $shot"
exit 0
