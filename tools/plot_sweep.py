#!/usr/bin/python3
"""Plots and report of one mmsim sweep (docs/user-guide.md, "Sweeps").

usage: /usr/bin/python3 tools/plot_sweep.py SWEEP_DIR [--quiet]

Reads SWEEP_DIR/sweep.json and summary.csv (written by `mmsim sweep`) and writes
  plots/<metric>_vs_<x>[_by_<lines>].png  one per [[plot]] of the sweep file (or a
      default set: the main metrics against the first axis, a line per value of the
      second): the metric's mean against axis x, one line per value of `lines` (and of
      any further axis), error bars from <metric>_sd when a point ran several seeds,
      log y when max/min > 50 (or as the plot's `log` says)
  report.md  title, purpose, the sweep file, the table of the main metrics, the plots
`mmsim sweep` calls it at the end (unless --no-plots). Without matplotlib it warns
and writes report.md without plots.
"""
import argparse
import csv
import json
import os
import sys

DPI = 110
DEFAULT_METRICS = ["alloc_latency_p99_ns", "alloc_latency_p999_ns", "direct_reclaim_longest_ms",
                   "pswpout_pages", "pswpin_pages", "kswapd_share_ratio"]
TABLE_METRICS = ["alloc_latency_p50_ns", "alloc_latency_p99_ns", "alloc_response_p99_ns",
                 "major_fault_latency_p99_ns", "direct_reclaim_stalls_count", "direct_reclaim_longest_ms",
                 "direct_reclaim_total_ms", "pswpout_pages", "pswpin_pages", "file_refaults_pages", "free_under_pressure_mib", "oom_kills_count"]
LOG_RATIO = 50.0


def shown(path):
    """A path as the report shows it: relative to the working directory when inside it."""
    if path and os.path.isabs(path):
        rel = os.path.relpath(path, os.getcwd())
        if not rel.startswith(".."):
            return rel
    return path


def fail(msg):
    sys.stderr.write("plot_sweep.py: %s\n" % msg)
    sys.exit(2)


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def short(key):
    return key.rsplit(".", 1)[-1]


def read_inputs(sweep_dir):
    try:
        with open(os.path.join(sweep_dir, "sweep.json")) as f:
            meta = json.load(f)
        with open(os.path.join(sweep_dir, "summary.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, ValueError) as e:
        fail("%s: cannot read sweep.json / summary.csv (%s)" % (sweep_dir, e))
    return meta, rows


def plot_specs(meta, rows):
    """The sweep's [[plot]] tables, or the default set when it has none."""
    if meta.get("plots"):
        return meta["plots"]
    cols = meta.get("columns", [])
    if not cols:
        return []
    metrics = [m for m in DEFAULT_METRICS if m in meta.get("metrics", [])]
    lines = cols[1] if len(cols) > 1 else None
    return [{"metric": m, "x": cols[0], "lines": lines, "log": None} for m in metrics]


def ordered_unique(values):
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def draw(plt, spec, meta, rows, path):
    metric, x, lines = spec["metric"], spec["x"], spec.get("lines")
    others = [c for c in meta["columns"] if c not in (x, lines)]
    group_keys = ([lines] if lines else []) + others
    xs = ordered_unique([r[x] for r in rows])
    numeric = all(number(v) is not None for v in xs)
    position = {v: (number(v) if numeric else i) for i, v in enumerate(xs)}

    groups = ordered_unique([tuple(r[k] for k in group_keys) for r in rows])
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    values = []
    styles = [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"), ("v", "-"), ("P", "--"), ("X", "-."), ("*", ":")]
    for n, g in enumerate(groups):
        pts = []
        for r in rows:
            if tuple(r[k] for k in group_keys) != g:
                continue
            y = number(r.get(metric))
            if y is None:
                continue
            sd = number(r.get(metric + "_sd")) if int(r.get("runs") or 0) > 1 else None
            pts.append((position[r[x]], y, sd))
        if not pts:
            continue
        pts.sort()
        values += [p[1] for p in pts]
        if len(group_keys) == 1:
            label = g[0]
        else:
            label = ", ".join("%s=%s" % (short(k), v) for k, v in zip(group_keys, g)) or metric
        errs = [p[2] if p[2] is not None else 0.0 for p in pts]
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts],
                    yerr=errs if any(p[2] is not None for p in pts) else None,
                    marker=styles[n % len(styles)][0], linestyle=styles[n % len(styles)][1], capsize=3,
                    markersize=7 - 1.5 * (n % 3), label=label)  # lines that coincide stay visible
    positive = [v for v in values if v > 0]
    log = spec.get("log")
    if log is None:
        log = bool(positive) and max(positive) / min(positive) > LOG_RATIO
    if log and positive:
        if len(positive) == len(values):
            ax.set_yscale("log")
        else:  # zeros stay visible: linear up to the smallest positive value
            ax.set_yscale("symlog", linthresh=min(positive))
    if not numeric:
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels(xs)
    ax.set_xlabel(x)
    ax.set_ylabel(metric + (" (mean ± sd over seeds)" if any("_sd" in k for k in rows[0]) else ""))
    ax.set_title("%s: %s against %s" % (meta.get("name", "sweep"), metric, short(x)))
    ax.grid(True, which="both", alpha=0.3)
    if len(groups) > 1 or lines:
        ax.legend(fontsize=8, title=", ".join(short(k) for k in group_keys) or None)
    if not values:
        ax.text(0.5, 0.5, "no finished point has %s" % metric, ha="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def short(v):
    """A table cell: integers as they are, other numbers with 4 significant digits."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    if f == int(f) and abs(f) < 1e15:
        return str(int(f))
    return "%.4g" % f


def table(meta, rows):
    metric_cols = [m for m in TABLE_METRICS if m in meta.get("metrics", [])]
    cols = meta["columns"] + ["runs", "status"] + metric_cols
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            if c in metric_cols:
                v = short(v)
                if r.get(c + "_sd"):
                    v = "%s ± %s" % (v, short(r[c + "_sd"]))
            cells.append(v if v != "" else "–")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep_dir")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    meta, rows = read_inputs(args.sweep_dir)

    pngs = []
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
        sys.stderr.write("plot_sweep.py: warning: no matplotlib (Debian: python3-matplotlib): report.md "
                         "without plots\n")
    if plt is not None and rows:
        os.makedirs(os.path.join(args.sweep_dir, "plots"), exist_ok=True)
        for spec in plot_specs(meta, rows):
            name = "%s_vs_%s%s.png" % (spec["metric"], short(spec["x"]),
                                       "_by_" + short(spec["lines"]) if spec.get("lines") else "")
            draw(plt, spec, meta, rows, os.path.join(args.sweep_dir, "plots", name))
            pngs.append(name)

    try:
        with open(os.path.join(args.sweep_dir, "sweep.toml")) as f:
            sweep_text = f.read()
    except OSError:
        sweep_text = "(sweep.toml missing)\n"
    report = ["# Sweep: %s" % meta.get("name", ""), ""]
    if meta.get("purpose"):
        report += [meta["purpose"], ""]
    report += ["Sweep file: `%s` (base scenario `%s`), %d of %d runs finished, seeds %s." % (
        shown(meta.get("sweep_file", "")), shown(meta.get("base", "")), meta.get("runs_finished", 0),
        meta.get("runs_total", 0), ", ".join(str(s) for s in meta.get("seeds", []))), "",
        "```toml", sweep_text.rstrip("\n"), "```", "",
        "## Main metrics", "",
        "Means over the seeds (± sample standard deviation when a point ran several); "
        "all columns are in summary.csv, every run's raw figures in runs.csv.", "",
        table(meta, rows), ""]
    if pngs:
        report += ["## Plots", ""]
        for p in pngs:
            report += ["![%s](plots/%s)" % (p[:-4], p), ""]
    with open(os.path.join(args.sweep_dir, "report.md"), "w") as f:
        f.write("\n".join(report))
    if not args.quiet:
        sys.stderr.write("plot_sweep.py: %s/report.md and %d plots\n" % (args.sweep_dir, len(pngs)))


if __name__ == "__main__":
    main()
