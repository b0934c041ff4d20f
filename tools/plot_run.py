#!/usr/bin/python3
"""Plot one mmsim run: PNGs from RUN_DIR/timeseries.csv and events.csv (docs/outputs.md).

usage: /usr/bin/python3 tools/plot_run.py RUN_DIR [--title TEXT]

Writes RUN_DIR/plots/:
  sysinfo.png         (a) totalram, freeram, totalswap, freeswap; free pages against the watermarks
  counters.png        (b) NR_FILE_PAGES, NR_ANON_MAPPED, NR_KERNEL_PAGES
  free_blocks.png     (c) free blocks per order 0..10, one small panel per order
  reclaim_kswapd.png  (d) pages reclaimed by kswapd per sample period
  reclaim_direct.png  (e) pages reclaimed by direct reclaim per sample period
  latency.png         (f) allocation latency histogram per kind (latency_hist.csv; log x, log y),
                          with the percentiles of metrics.csv; skipped when the run has no latency_hist.csv
Every time plot shades the periods with kswapd running (orange) and with a
task in direct reclaim (red), and draws OOM kills as vertical black lines.
Needs Debian's matplotlib: run with /usr/bin/python3.
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

PAGE = 4096
GIB = float(1 << 30)
MIB = float(1 << 20)
NR_ORDERS = 11
DPI = 110

KSWAPD_COLOR = "#ff9f1c"
DIRECT_COLOR = "#d62728"

REQUIRED = (
    ["time_s", "totalram", "freeram", "totalswap", "freeswap", "nr_free_pages", "nr_file_pages",
     "nr_anon_mapped", "nr_kernel_pages", "wmark_min", "wmark_low", "wmark_high",
     "reclaimed_kswapd", "reclaimed_direct", "kswapd_active", "direct_reclaim_active"]
    + ["free_o%d" % o for o in range(NR_ORDERS)]
)


def fail(msg):
    sys.stderr.write("plot_run.py: %s\n" % msg)
    sys.exit(2)


def read_timeseries(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        fail("%s: cannot read (%s)" % (path, e.strerror))
    if not rows:
        fail("%s: empty, expected a header line" % path)
    header = rows[0]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        fail("%s: header lacks column(s) %s (see docs/outputs.md)" % (path, ", ".join(missing)))
    cols = {name: [] for name in header}
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            # a run interrupted mid-write may leave a short last line: plot up to it
            if lineno == len(rows):
                break
            fail("%s:%d: %d fields, header has %d" % (path, lineno, len(row), len(header)))
        for name, value in zip(header, row):
            try:
                cols[name].append(float(value))
            except ValueError:
                fail("%s:%d: column %s = %r is not a number" % (path, lineno, name, value))
    if not cols["time_s"]:
        fail("%s: no samples after the header" % path)
    return cols


def read_events(path):
    """OOM kills as (time_s, victim) from events.csv; a missing file means no events."""
    kills = []
    if not os.path.exists(path):
        return kills
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("event") == "oom_kill":
                kills.append((float(row["time_s"]), row.get("who", "")))
    return kills


def spans(times, period, active):
    """Contiguous [start, end) intervals of the sample periods where active > 0."""
    out = []
    start = None
    for t, a in zip(times, active):
        if a > 0:
            if start is None:
                start = t - period
            end = t
        elif start is not None:
            out.append((start, end))
            start = None
    if start is not None:
        out.append((start, end))
    return out


class Decor:
    """The shading and OOM lines shared by every time plot."""

    def __init__(self, ts, kills):
        t = ts["time_s"]
        self.period = (t[1] - t[0]) if len(t) > 1 else t[0]
        self.kswapd = spans(t, self.period, ts["kswapd_active"])
        self.direct = spans(t, self.period, ts["direct_reclaim_active"])
        self.kills = kills
        self.t_end = t[-1]

    def apply(self, ax, label_kills=True):
        # one collection per kind (x in data, y in axes coordinates): fast with thousands of spans
        across = ax.get_xaxis_transform()
        if self.kswapd:
            ax.broken_barh([(a, b - a) for a, b in self.kswapd], (0, 1), transform=across,
                           facecolor=KSWAPD_COLOR, alpha=0.18, lw=0)
        if self.direct:
            ax.broken_barh([(a, b - a) for a, b in self.direct], (0, 0.06), transform=across,
                           facecolor=DIRECT_COLOR, alpha=0.8, lw=0)
        for t, who in self.kills:
            ax.axvline(t, color="black", lw=1.2, ls="--")
            if label_kills:
                ax.annotate("OOM kill: %s" % who, xy=(t, 1.0), xycoords=("data", "axes fraction"),
                            xytext=(3, -12), textcoords="offset points", fontsize=8, rotation=0)
        ax.set_xlim(0, self.t_end)
        ax.grid(True, alpha=0.3)

    def handles(self):
        h = [Patch(color=KSWAPD_COLOR, alpha=0.35, label="kswapd running"),
             Patch(color=DIRECT_COLOR, alpha=0.8, label="direct reclaim (band at bottom)")]
        if self.kills:
            h.append(Line2D([], [], color="black", ls="--", label="OOM kill"))
        return h


def pages_to(values, unit):
    return [v * PAGE / unit for v in values]


def save(fig, out_dir, name):
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_sysinfo(ts, decor, title, out_dir):
    t = ts["time_s"]
    fig, (top, zoom) = plt.subplots(2, 1, figsize=(13, 7.5), sharex=True,
                                    gridspec_kw={"height_ratios": [3, 2]})
    top.plot(t, pages_to(ts["totalram"], GIB), color="#1f77b4", lw=1.2, ls=":", label="totalram")
    top.plot(t, pages_to(ts["freeram"], GIB), color="#1f77b4", lw=1.8, label="freeram")
    top.plot(t, pages_to(ts["totalswap"], GIB), color="#2ca02c", lw=1.2, ls=":", label="totalswap")
    top.plot(t, pages_to(ts["freeswap"], GIB), color="#2ca02c", lw=1.8, label="freeswap")
    decor.apply(top)
    top.set_ylabel("GiB")
    top.set_ylim(bottom=0)
    top.set_title("%s: sysinfo (RAM and swap)" % title)
    top.legend(handles=top.get_legend_handles_labels()[0] + decor.handles(), loc="upper left",
               bbox_to_anchor=(1.01, 1.0), fontsize=8)

    # Free pages at watermark scale: the watermarks are a fraction of a percent of RAM.
    free = pages_to(ts["nr_free_pages"], MIB)
    wmin = pages_to(ts["wmark_min"], MIB)
    wlow = pages_to(ts["wmark_low"], MIB)
    whigh = pages_to(ts["wmark_high"], MIB)
    zoom.plot(t, free, color="#1f77b4", lw=1.5, label="free pages (NR_FREE_PAGES)")
    zoom.plot(t, whigh, color="#2ca02c", lw=1.1, ls="--", label="high watermark")
    zoom.plot(t, wlow, color=KSWAPD_COLOR, lw=1.1, ls="--", label="low watermark")
    zoom.plot(t, wmin, color=DIRECT_COLOR, lw=1.1, ls="--", label="min watermark")
    decor.apply(zoom, label_kills=False)
    zoom.set_ylim(0, max(whigh) * 4 if max(whigh) > 0 else None)
    zoom.set_ylabel("MiB")
    zoom.set_xlabel("simulated time (s)")
    zoom.set_title("free memory near the watermarks (y axis clipped at 4 x high)", fontsize=10)
    zoom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return save(fig, out_dir, "sysinfo.png")


def plot_counters(ts, decor, title, out_dir):
    t = ts["time_s"]
    fig, ax = plt.subplots(figsize=(13, 5))
    ax.plot(t, pages_to(ts["nr_anon_mapped"], GIB), color="#9467bd", lw=1.8, label="NR_ANON_MAPPED")
    ax.plot(t, pages_to(ts["nr_file_pages"], GIB), color="#8c564b", lw=1.8, label="NR_FILE_PAGES")
    ax.plot(t, pages_to(ts["nr_kernel_pages"], GIB), color="#17becf", lw=1.8, label="NR_KERNEL_PAGES")
    decor.apply(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("GiB")
    ax.set_title("%s: pages by type" % title)
    ax.legend(handles=ax.get_legend_handles_labels()[0] + decor.handles(), loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return save(fig, out_dir, "counters.png")


def plot_free_blocks(ts, decor, title, out_dir):
    t = ts["time_s"]
    fig, axes = plt.subplots(3, 4, figsize=(13, 7.5), sharex=True)
    for order in range(NR_ORDERS):
        ax = axes[order // 4][order % 4]
        counts = ts["free_o%d" % order]
        ax.plot(t, counts, color="#1f77b4", lw=1.1, drawstyle="steps-pre")
        decor.apply(ax, label_kills=False)
        ax.set_title("order %d (%s)" % (order, block_size(order)), fontsize=9)
        # at least 0..10 on the y axis: a block or two coming and going is a thin band, not a blur
        ax.set_ylim(0, max(10, max(counts) * 1.08))
        ax.tick_params(labelsize=7)
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        if order % 4 == 0:
            ax.set_ylabel("free blocks")
        if order >= 7:
            ax.set_xlabel("simulated time (s)", fontsize=8)
    legend_ax = axes[2][3]
    legend_ax.axis("off")
    legend_ax.legend(handles=[Line2D([], [], color="#1f77b4", label="free blocks of the order (all zones)")]
                     + decor.handles(), loc="center", fontsize=8)
    splits = sum(ts.get("splits", [0]))
    merges = sum(ts.get("merges", [0]))
    fig.suptitle("%s: free blocks per order (buddy splits %d, merges %d)" % (title, splits, merges))
    fig.tight_layout()
    return save(fig, out_dir, "free_blocks.png")


def block_size(order):
    kib = 4 << order
    return "%d KiB" % kib if kib < 1024 else "%d MiB" % (kib // 1024)


def plot_reclaimed(ts, decor, title, out_dir, column, who, color, name):
    t = ts["time_s"]
    fig, ax = plt.subplots(figsize=(13, 4.5))
    edges = [t[0] - decor.period] + list(t)
    ax.stairs(ts[column], edges, fill=True, color=color, alpha=0.9, label="pages reclaimed by %s" % who)
    decor.apply(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("pages per %g s period" % decor.period)
    total = sum(ts[column])
    ax.set_title("%s: pages reclaimed by %s per period (total %d pages = %.2f GiB)"
                 % (title, who, total, total * PAGE / GIB))
    ax.legend(handles=ax.get_legend_handles_labels()[0] + decor.handles(), loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return save(fig, out_dir, name)


LATENCY_KINDS = [  # (kind, color, label) in latency_hist.csv; docs/outputs.md
    ("all", "black", "all allocations"),
    ("anon_fault", "#1f77b4", "anon_fault (minor fault)"),
    ("swap_in", "#d62728", "swap_in (major fault)"),
    ("file_fill", "#8c564b", "file_fill (page cache, to the allocation)"),
    ("kernel", "#17becf", "kernel (alloc_pages)"),
    ("exact", "#9467bd", "exact (alloc_pages_exact)"),
]


def read_latency_hist(path):
    """{kind: [(lower_ns, upper_ns, count)]} from latency_hist.csv; None when the file is missing."""
    if not os.path.exists(path):
        return None
    hist = {}
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != ["kind", "lower_ns", "upper_ns", "count"]:
        fail("%s: header is not kind,lower_ns,upper_ns,count (see docs/outputs.md)" % path)
    for lineno, row in enumerate(rows[1:], start=2):
        try:
            hist.setdefault(row[0], []).append((int(row[1]), int(row[2]), int(row[3])))
        except (ValueError, IndexError):
            fail("%s:%d: expected kind,lower_ns,upper_ns,count with integers, got %r" % (path, lineno, row))
    return hist


def read_metrics(path):
    """metrics.csv as {name: value string}; empty when missing."""
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        return {row[0]: row[1] for row in csv.reader(f) if len(row) == 2}


def format_ns(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%d ns" % ns


def plot_latency(hist, metrics, title, out_dir):
    fig, ax = plt.subplots(figsize=(13, 5.5))
    drawn = 0
    for kind, color, label in LATENCY_KINDS:
        bins = hist.get(kind)
        if not bins:
            continue
        # one outline per kind: up from below the axis at each bin's left edge, across, down at its right
        # edge (bins are [lower, upper); the [0, 1) bin is drawn from 0.5 ns on the log axis)
        floor = 0.3
        xs, ys = [], []
        for lower, upper, count in bins:
            lo = lower if lower > 0 else 0.5
            xs += [lo, lo, upper, upper]
            ys += [floor, count, count, floor]
        total = sum(c for _, _, c in bins)
        every = kind == "all"
        ax.plot(xs, ys, color=color, lw=4 if every else 1.6, alpha=0.3 if every else 0.95,
                zorder=1 if every else 2, label="%s: %d" % (label, total))
        drawn += 1
    marks = [("alloc_latency_p50_ns", "p50", ":"), ("alloc_latency_p99_ns", "p99", "--"),
             ("alloc_latency_p999_ns", "p99.9", "-."), ("alloc_latency_max_ns", "max", "-")]
    for name, short, ls in marks:
        value = metrics.get(name, "")
        if value:
            v = float(value)
            ax.axvline(max(v, 1), color="gray", lw=1, ls=ls, label="%s (all) = %s" % (short, format_ns(v)))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.7)
    ax.set_xlabel("allocation latency (simulated ns; bins of 1/4 octave)")
    ax.set_ylabel("allocations per bin")
    ax.grid(True, which="major", alpha=0.3)
    if not drawn:
        ax.text(0.5, 0.5, "no allocation measured", transform=ax.transAxes, ha="center")
    ax.set_title("%s: allocation latency per request kind" % title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return save(fig, out_dir, "latency.png")


def main(argv):
    ap = argparse.ArgumentParser(description="Plot one mmsim run directory (PNG files in RUN_DIR/plots).")
    ap.add_argument("run_dir")
    ap.add_argument("--title", help="title prefix (default: the run directory's name)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.run_dir):
        fail("%s: not a run directory" % args.run_dir)
    ts = read_timeseries(os.path.join(args.run_dir, "timeseries.csv"))
    kills = read_events(os.path.join(args.run_dir, "events.csv"))
    title = args.title or os.path.basename(os.path.normpath(args.run_dir))
    out_dir = os.path.join(args.run_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    decor = Decor(ts, kills)
    written = [
        plot_sysinfo(ts, decor, title, out_dir),
        plot_counters(ts, decor, title, out_dir),
        plot_free_blocks(ts, decor, title, out_dir),
        plot_reclaimed(ts, decor, title, out_dir, "reclaimed_kswapd", "kswapd", KSWAPD_COLOR,
                       "reclaim_kswapd.png"),
        plot_reclaimed(ts, decor, title, out_dir, "reclaimed_direct", "direct reclaim", "#a50f15",
                       "reclaim_direct.png"),
    ]
    hist = read_latency_hist(os.path.join(args.run_dir, "latency_hist.csv"))
    if hist is not None:
        written.append(plot_latency(hist, read_metrics(os.path.join(args.run_dir, "metrics.csv")), title, out_dir))
    for p in written:
        print(p)


if __name__ == "__main__":
    main(sys.argv[1:])
