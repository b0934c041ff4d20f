#!/usr/bin/python3
"""Compare mmsim runs on one figure: what-if studies (swappiness, device, exact policy).

usage: /usr/bin/python3 tools/compare_runs.py --out PNG [--title TEXT] RUN_DIR[=LABEL] ...
                                               [--what swap|types|blocks]

  swap    swap in use (GiB) and pswpin/pswpout over time, one colour per run
  types   NR_ANON_MAPPED and NR_FILE_PAGES over time, one colour per run
  blocks  free blocks per order at the end of each run (grouped bars, log scale),
          with each run's total splits and merges in the legend
Reads each RUN_DIR/timeseries.csv (docs/outputs.md). Needs Debian's matplotlib.
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PAGE = 4096
GIB = float(1 << 30)
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def fail(msg):
    sys.stderr.write("compare_runs.py: %s\n" % msg)
    sys.exit(2)


def load(run_dir):
    path = os.path.join(run_dir, "timeseries.csv")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        fail("%s: cannot read (%s)" % (path, e.strerror))
    if not rows:
        fail("%s: no samples" % path)
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def gib(values):
    return [v * PAGE / GIB for v in values]


def plot_swap(runs, title):
    fig, (used, io) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    for (label, ts), color in zip(runs, COLORS):
        t = ts["time_s"]
        used.plot(t, gib([a - b for a, b in zip(ts["totalswap"], ts["freeswap"])]), color=color, lw=1.8,
                  label=label)
        io.plot(t, gib(ts["pswpout"]), color=color, lw=1.6, label="%s: pswpout" % label)
        io.plot(t, gib(ts["pswpin"]), color=color, lw=1.2, ls="--", label="%s: pswpin" % label)
    used.set_ylabel("swap in use (GiB)")
    used.set_title("%s: swap in use" % title)
    used.legend(fontsize=8, loc="upper left")
    io.set_ylabel("GiB (cumulative)")
    io.set_xlabel("simulated time (s)")
    io.set_title("pages swapped out (solid) and in (dashed)", fontsize=10)
    io.legend(fontsize=8, loc="upper left", ncol=2)
    for ax in (used, io):
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
    return fig


def plot_types(runs, title):
    fig, (anon, file_) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    for (label, ts), color in zip(runs, COLORS):
        anon.plot(ts["time_s"], gib(ts["nr_anon_mapped"]), color=color, lw=1.8, label=label)
        file_.plot(ts["time_s"], gib(ts["nr_file_pages"]), color=color, lw=1.8, label=label)
    anon.set_title("%s: NR_ANON_MAPPED (anon pages in RAM)" % title)
    file_.set_title("NR_FILE_PAGES (page cache)", fontsize=10)
    for ax in (anon, file_):
        ax.set_ylabel("GiB")
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper left")
    file_.set_xlabel("simulated time (s)")
    return fig


def plot_blocks(runs, title):
    fig, ax = plt.subplots(figsize=(11, 5))
    n = len(runs)
    width = 0.8 / n
    for i, ((label, ts), color) in enumerate(zip(runs, COLORS)):
        counts = [ts["free_o%d" % o][-1] for o in range(11)]
        label += " (splits %d, merges %d)" % (sum(ts.get("splits", [0])), sum(ts.get("merges", [0])))
        xs = [o - 0.4 + width * (i + 0.5) for o in range(11)]
        ax.bar(xs, counts, width=width, color=color, label=label)
        for x, c in zip(xs, counts):
            if c == 0:  # no bar on a log axis: say so
                ax.text(x, 0.75, "0", ha="center", va="bottom", fontsize=7, color=color)
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.7)
    ax.set_xticks(range(11))
    ax.set_xticklabels(["%d\n%s" % (o, "%d KiB" % (4 << o) if o < 8 else "%d MiB" % ((4 << o) >> 10))
                        for o in range(11)])
    ax.set_xlabel("order (block size)")
    ax.set_ylabel("free blocks at the end (log scale)")
    ax.set_title("%s: free blocks per order at the end of the run" % title)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def main(argv):
    ap = argparse.ArgumentParser(description="Compare mmsim runs on one figure.")
    ap.add_argument("runs", nargs="+", metavar="RUN_DIR[=LABEL]")
    ap.add_argument("--out", required=True, help="PNG file to write")
    ap.add_argument("--what", choices=("swap", "types", "blocks"), default="swap")
    ap.add_argument("--title", default="comparison")
    args = ap.parse_args(argv)
    if len(args.runs) > len(COLORS):
        fail("%d runs given: at most %d fit on one figure" % (len(args.runs), len(COLORS)))
    runs = []
    for spec in args.runs:
        d, _, label = spec.partition("=")
        runs.append((label or os.path.basename(os.path.normpath(d)), load(d)))
    fig = {"swap": plot_swap, "types": plot_types, "blocks": plot_blocks}[args.what](runs, args.title)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
