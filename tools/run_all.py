#!/usr/bin/python3
"""Run every scenario in parallel, plot each run, and write an index page.

usage: /usr/bin/python3 tools/run_all.py [--mmsim PATH] [--out DIR] [--jobs N]
                                          [--scale S] [--set key=value ...] [SCENARIO.toml ...]

For each scenario (default: scenarios/*.toml) it runs
    mmsim run SCENARIO --out OUT/NAME --quiet [--set scale=S] [--set ...]
then tools/plot_run.py OUT/NAME, on as many workers as the machine has cores,
draws the what-if comparisons (tools/compare_runs.py: swappiness 2-4, exact
policy 10-11) and writes OUT/index.md: every plot, the scenario's one-line purpose and its
outcome figures from summary.json. Exit status 0 when every run and plot
succeeded, 1 otherwise (the index then marks the failed runs).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLOTS = [
    ("sysinfo.png", "RAM and swap; free pages against the watermarks"),
    ("counters.png", "pages by type"),
    ("free_blocks.png", "free blocks per order"),
    ("reclaim_kswapd.png", "reclaimed by kswapd per period"),
    ("reclaim_direct.png", "reclaimed by direct reclaim per period"),
    ("latency.png", "allocation latency histogram per kind"),
]


def find_mmsim(explicit):
    if explicit:
        return explicit
    for cand in ("build/model/mmsim", "build/mmsim"):
        p = os.path.join(ROOT, cand)
        if os.access(p, os.X_OK):
            return p
    sys.stderr.write("run_all.py: no mmsim binary under build/ (build first, or pass --mmsim PATH)\n")
    sys.exit(2)


def purpose_of(path):
    with open(path, "rb") as f:
        return tomllib.load(f).get("purpose", "")


def run_one(mmsim, scenario, out_dir, sets):
    """mmsim run + plot for one scenario; returns (name, ok, wall seconds, message)."""
    name = os.path.splitext(os.path.basename(scenario))[0]
    run_dir = os.path.join(out_dir, name)
    cmd = [mmsim, "run", scenario, "--out", run_dir, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return name, False, time.monotonic() - t0, "mmsim exited %d: %s" % (r.returncode, r.stderr.strip()[-400:])
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "plot_run.py"), run_dir],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return name, False, time.monotonic() - t0, "plot_run.py failed: %s" % p.stderr.strip()[-400:]
    return name, True, time.monotonic() - t0, ""


def fmt_time(v):
    return "-" if v is None else "%.3f s" % v


def outcome_rows(summary):
    swap_mib = summary.get("peak_swap_used_pages", 0) * 4096 / (1 << 20)
    return [
        ("simulated duration", "%.2f s" % summary.get("duration_s", 0)),
        ("peak swap use", "%.1f MiB (%d pages)" % (swap_mib, summary.get("peak_swap_used_pages", 0))),
        ("kswapd wakes", "%d" % summary.get("kswapd_wakes", 0)),
        ("direct reclaim stalls", "%d, total %.3f ms, longest %.3f ms" % (
            summary.get("direct_reclaim_stalls", 0), summary.get("direct_reclaim_total_ms", 0),
            summary.get("direct_reclaim_longest_ms", 0))),
        ("OOM kills", "%d" % summary.get("oom_kills", 0)),
        ("first OOM kill", fmt_time(summary.get("first_oom_kill_s"))),
        ("pswpout / pswpin", "%d / %d pages" % (summary.get("pswpout", 0), summary.get("pswpin", 0))),
        ("page operations", "%d in %.2f s of wall time" % (summary.get("page_ops", 0), summary.get("wall_s", 0))),
    ] + latency_rows(summary)


def fmt_ns(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.4g %s" % (ns / scale, unit)
    return "%d ns" % ns


def latency_rows(summary):
    """Allocation latency percentiles (summary.json has them since metrics.csv; older runs lack them)."""
    if summary.get("alloc_count") is None:
        return []
    keys = ("alloc_latency_p50_ns", "alloc_latency_p99_ns", "alloc_latency_p999_ns", "alloc_latency_max_ns")
    values = ["-" if summary.get(k) is None else fmt_ns(summary[k]) for k in keys]
    return [("allocations; latency p50 / p99 / p99.9 / max",
             "%d; %s" % (summary["alloc_count"], " / ".join(values)))]


# What-if comparisons drawn when all their runs succeeded: (png, what, title, [(name prefix, label)]).
COMPARISONS = [
    ("compare-swappiness-swap.png", "swap", "scenarios 2-4, swappiness 60 / 90 / 10",
     [("02", "2: swappiness 60"), ("03", "3: swappiness 90"), ("04", "4: swappiness 10")]),
    ("compare-swappiness-types.png", "types", "scenarios 2-4, swappiness 60 / 90 / 10",
     [("02", "2: swappiness 60"), ("03", "3: swappiness 90"), ("04", "4: swappiness 10")]),
    ("compare-exact.png", "blocks", "alloc_pages_exact, kernel policy vs Fit&Free",
     [("10", "10: kernel make_alloc_exact"), ("11", "11: Fit&Free")]),
]


def draw_comparisons(out_dir, results):
    ok = {name: name for name, good, _, _ in results if good}
    drawn = []
    for png, what, title, members in COMPARISONS:
        dirs = []
        for prefix, label in members:
            match = [n for n in ok if n.startswith(prefix + "-")]
            if not match:
                break
            dirs.append("%s=%s" % (os.path.join(out_dir, match[0]), label))
        else:
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "compare_runs.py"), "--what", what,
                                "--title", title, "--out", os.path.join(out_dir, png)] + dirs,
                               capture_output=True, text=True)
            if r.returncode == 0:
                drawn.append((png, title))
            else:
                sys.stderr.write("compare_runs.py failed for %s: %s\n" % (png, r.stderr.strip()))
    return drawn


def write_index(out_dir, results, purposes, sets, wall, comparisons):
    lines = ["# mmsim scenario runs", ""]
    lines.append("All scenarios run with `tools/run_all.py`%s in %.1f s of wall time." % (
        (" (" + ", ".join("--set " + s for s in sets) + ")") if sets else "", wall))
    lines += ["", "| scenario | purpose | peak swap | kswapd wakes | direct stalls (count / total / longest) "
              "| OOM kills | first OOM kill |", "|---|---|---|---|---|---|---|"]
    summaries = {}
    for name, ok, _, _ in results:
        path = os.path.join(out_dir, name, "summary.json")
        if ok and os.path.exists(path):
            with open(path) as f:
                summaries[name] = json.load(f)
    for name, ok, _, msg in results:
        s = summaries.get(name)
        if s is None:
            lines.append("| [%s](#%s) | %s | FAILED | | | | |" % (name, name, purposes[name]))
            continue
        lines.append("| [%s](#%s) | %s | %.1f MiB | %d | %d / %.1f ms / %.2f ms | %d | %s |" % (
            name, name, purposes[name], s.get("peak_swap_used_pages", 0) * 4096 / (1 << 20),
            s.get("kswapd_wakes", 0), s.get("direct_reclaim_stalls", 0), s.get("direct_reclaim_total_ms", 0),
            s.get("direct_reclaim_longest_ms", 0), s.get("oom_kills", 0), fmt_time(s.get("first_oom_kill_s"))))
    if comparisons:
        lines += ["", "## Comparisons", ""]
        for png, title in comparisons:
            lines += ["![%s](%s)" % (title, png), ""]
    for name, ok, secs, msg in results:
        lines += ["", '<a id="%s"></a>' % name, "", "## %s" % name, "", purposes[name], ""]
        if not ok:
            lines += ["**Run failed:** `%s`" % msg.replace("`", "'"), ""]
            continue
        lines += ["| outcome | value |", "|---|---|"]
        lines += ["| %s | %s |" % row for row in outcome_rows(summaries.get(name, {}))]
        lines += ["| run + plots wall time | %.2f s |" % secs, ""]
        for png, caption in PLOTS:
            lines += ["![%s: %s](%s/plots/%s)" % (name, caption, name, png), ""]
    path = os.path.join(out_dir, "index.md")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def main(argv):
    ap = argparse.ArgumentParser(description="Run all scenarios in parallel, plot them, write OUT/index.md.")
    ap.add_argument("scenarios", nargs="*", help="scenario files (default: scenarios/*.toml)")
    ap.add_argument("--mmsim", help="the mmsim binary (default: build/model/mmsim)")
    ap.add_argument("--out", default=os.path.join(ROOT, "out"), help="output directory (default: out/)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs (default: all cores)")
    ap.add_argument("--scale", type=float, help="pass --set scale=S to every run (0 < S <= 1)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="forwarded to every run")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        sys.stderr.write("run_all.py: --jobs %d is out of range 1..%d\n" % (args.jobs, 1024))
        sys.exit(2)
    if args.scale is not None and not 0 < args.scale <= 1:
        sys.stderr.write("run_all.py: --scale %g is out of range 0 < S <= 1\n" % args.scale)
        sys.exit(2)
    mmsim = find_mmsim(args.mmsim)
    scenarios = args.scenarios or sorted(
        os.path.join(ROOT, "scenarios", f) for f in os.listdir(os.path.join(ROOT, "scenarios"))
        if f.endswith(".toml"))
    sets = (["scale=%g" % args.scale] if args.scale is not None else []) + args.set
    os.makedirs(args.out, exist_ok=True)
    purposes = {}
    for sc in scenarios:
        try:
            purposes[os.path.splitext(os.path.basename(sc))[0]] = purpose_of(sc)
        except (OSError, tomllib.TOMLDecodeError) as e:
            sys.stderr.write("run_all.py: %s: %s\n" % (sc, e))
            sys.exit(2)

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_one, mmsim, sc, args.out, sets) for sc in scenarios]
        results = []
        for fut in concurrent.futures.as_completed(futures):
            name, ok, secs, msg = fut.result()
            sys.stderr.write("%-28s %s  %.1f s%s\n" % (name, "ok" if ok else "FAILED", secs,
                                                       "" if ok else "  " + msg))
            results.append((name, ok, secs, msg))
    results.sort()
    comparisons = draw_comparisons(args.out, results)
    wall = time.monotonic() - t0
    index = write_index(args.out, results, purposes, sets, wall, comparisons)
    sys.stderr.write("all %d scenarios in %.1f s of wall time; index: %s\n" % (len(results), wall, index))
    sys.exit(0 if all(ok for _, ok, _, _ in results) else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
