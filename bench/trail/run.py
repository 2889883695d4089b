#!/usr/bin/env python3
"""bench/trail harness: `nextgap trail` over a ~1 GB CloudTrail corpus, against zcat, jq and Python.

Run it through `bench/trail/run.sh`. Steps, each isolated so that one tool failing never stops the others:

  1. generate the corpus if absent (bench/trail/gen_corpus.py, cached in
     <scratch>/trail-corpus/size<MB>-seed<N>, regenerated when the generator changes);
  2. find or build nextgap (`cargo build --release -p nextgap`; --nextgap PATH to skip) and check
     that it has `trail` (when not: a notice, the other rows are still measured);
  3. warm the page cache, then measure, one after the other, over the same files:
       zcat        xargs -0 zcat < LIST > /dev/null                     (the floor)
       jq          xargs -0 zcat < LIST | jq -r '<root console logins>'
       python      bench/trail/py_baseline.py LIST                      (gzip + json.loads)
       nextgap-j1  nextgap trail CORPUS/AWSLogs --sigma DIR -f jsonl -o FILE --fail-on never --jobs 1
       nextgap-j2  the same with --jobs 2
  4. print the table, the ratios the issue targets and, per built-in rule, found vs expected from
     the corpus manifest; write bench/results/trail-<date>.json.

Measured as bench/iac does (see bench/README.md): CPU = user+sys delta of getrusage(RUSAGE_CHILDREN)
around the run (the harness is a child subreaper, so the whole pipeline counts), wall = spawn to wait4,
peak RSS = ru_maxrss from wait4 (the largest single process of the tree), tree PSS = sampled peak of
the summed PSS of every process of the run.

Exit 0 when nextgap ran and every built-in rule found exactly the expected findings naming the planted
events; 1 otherwise (also when nextgap is missing or has no `trail`, or a baseline count is wrong).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))
import iac_bench as ib  # noqa: E402  (shared helpers: logging, measuring, machine facts)
import gen_corpus as gc  # noqa: E402  (rule ids)

log, sh, first_line, tail, rnd, fmt = ib.log, ib.sh, ib.first_line, ib.tail, ib.rnd, ib.fmt

TOOLS = ["zcat", "jq", "python", "nextgap-j1", "nextgap-j2"]
JQ_FILTER = ('.Records[] | select(.eventName == "ConsoleLogin" and .userIdentity.type == "Root" '
             'and .responseElements.ConsoleLogin == "Success") | .eventID')
TARGET_CPU_RATIO = 1.5
TARGET_SPEEDUP = 1.8
TARGET_RSS_MIB = 200.0


def default_sigma() -> Path:
    for p in (REPO.parent / "shared" / "rules" / "sigma-aws" / "rules", Path("/work/shared/rules/sigma-aws/rules")):
        if p.is_dir():
            return p
    return REPO.parent / "shared" / "rules" / "sigma-aws" / "rules"


# --------------------------------------------------------------------------------------
# corpus


def generator_stamp(size_mb: float, seed: int) -> str:
    h = hashlib.sha256((HERE / "gen_corpus.py").read_bytes())
    h.update(f"{size_mb}/{seed}".encode())
    return h.hexdigest()


def ensure_corpus(args, logs: Path) -> tuple[Path | None, str]:
    if args.corpus:
        d = args.corpus.resolve()
        if not (d / "manifest.json").is_file():
            return None, f"{d}/manifest.json missing (generate it with bench/trail/gen_corpus.py)"
        return d, "given"
    size = int(args.size_mb) if float(args.size_mb).is_integer() else args.size_mb
    share = "" if args.assumed_role_share is None else f"-ar{args.assumed_role_share:g}"
    d = args.scratch / "trail-corpus" / f"size{size}-seed{args.seed}{share}"
    stamp = d / ".nextgap-bench-stamp"
    want = generator_stamp(args.size_mb, args.seed)
    if stamp.is_file() and stamp.read_text().strip() == want and (d / "manifest.json").is_file():
        return d, "cached"
    glog = logs / "trail-gen.log"
    log(f"generating the corpus ({args.size_mb} MiB, seed {args.seed}) in {d} (log: {glog})")
    t0 = time.monotonic()
    d.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    extra = [] if args.assumed_role_share is None else ["--assumed-role-share", args.assumed_role_share]
    rc = ib.run_logged([sys.executable, HERE / "gen_corpus.py", d, "--size-mb", args.size_mb, "--seed", args.seed,
                        "--force"] + extra, glog, timeout=3 * 3600)
    if rc != 0 or not (d / "manifest.json").is_file():
        return None, f"gen_corpus.py failed (exit {rc}; see {glog}):\n{tail(glog, 10)}"
    stamp.write_text(want + "\n")
    return d, f"generated in {time.monotonic() - t0:.0f} s"


def warm(files: list[Path]) -> float:
    t0 = time.monotonic()
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass
    return time.monotonic() - t0


# --------------------------------------------------------------------------------------
# tools


def target_dir() -> Path:
    t = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    return t if t.is_absolute() else REPO / t


def find_nextgap(args, logs: Path) -> tuple[Path | None, str]:
    if args.nextgap:
        exe = args.nextgap.resolve()
        return (exe, f"given: {exe}") if exe.exists() else (None, f"{args.nextgap} missing")
    exe = target_dir() / "release" / "nextgap"
    if args.no_build:
        return (exe, "not rebuilt (--no-build)") if exe.exists() else (None, f"{exe} missing (--no-build)")
    # crates/cli's package is `nextgap` (binary nextgap)
    blog = logs / "nextgap-build.log"
    log(f"cargo build --release -p nextgap (log: {blog})")
    t0 = time.monotonic()
    rc = ib.run_logged(["cargo", "build", "--release", "-p", "nextgap"], blog, cwd=REPO, timeout=2 * 3600)
    if rc != 0 or not exe.exists():
        if exe.exists():
            return exe, f"cargo build failed (exit {rc}, see {blog}); using the existing {exe}"
        return None, f"cargo build --release -p nextgap failed (exit {rc}; see {blog}):\n{tail(blog, 15)}"
    return exe, f"built in {time.monotonic() - t0:.0f} s"


def trail_available(exe: Path) -> str | None:
    """None when `nextgap trail` exists with the options the bench passes; else why not."""
    r = sh([exe, "trail", "--help"])
    if r.returncode != 0:
        return f"`nextgap trail --help` exited {r.returncode}: {first_line(r.stdout)}"
    missing = [o for o in ("--sigma", "--jobs", "--fail-on") if o not in (r.stdout or "")]
    if missing:
        return f"`nextgap trail` has no {', '.join(missing)}"
    return None


def ensure_jq(logs: Path) -> tuple[str | None, str]:
    jq = shutil.which("jq")
    if jq:
        return jq, first_line(sh([jq, "--version"]).stdout)
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("jq missing: apt-get install -y jq")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        rc = ib.run_logged(["apt-get", "install", "-y", "-q", "jq"], logs / "apt-jq.log", env=env, timeout=600)
        if rc != 0:
            ib.run_logged(["apt-get", "update", "-q"], logs / "apt-jq.log", env=env, timeout=600)
            ib.run_logged(["apt-get", "install", "-y", "-q", "jq"], logs / "apt-jq.log", env=env, timeout=600)
        jq = shutil.which("jq")
        if jq:
            return jq, first_line(sh([jq, "--version"]).stdout) + " (installed with apt-get)"
    return None, "jq is not installed (and apt-get could not install it)"


def run_tool(name: str, cmd, args, out: Path, stdout: Path) -> dict:
    runs = []
    for i in range(args.repeat):
        load = ib.wait_idle(args.wait_idle) if args.wait_idle > 0 else None
        if load is not None and load >= 0.25:
            log(f"machine still busy ({load:.2f} cores used by other processes); running {name} anyway")
        r = ib.measure(cmd, cwd=out, env=None, stdout=stdout, stderr=out / f"{name}.stderr",
                       timeout=args.timeout, sample_tree=True)
        r["background_cores_before"] = load
        runs.append(r)
        log(f"{name}: exit {r.get('exit_code')}, wall {fmt(r.get('wall_s'), 3)} s, CPU {fmt(r.get('cpu_s'), 3)} s, "
            f"peak RSS {fmt(r.get('peak_rss_mib'), 1)} MiB")
        if r.get("exit_code") != 0:
            break
    ok = [r for r in runs if r.get("exit_code") == 0] or runs
    med = dict(sorted(ok, key=lambda r: r.get("wall_s") or 0)[len(ok) // 2])
    med["tool"] = name
    med["runs"] = len(runs)
    med["samples"] = [{k: rnd(r.get(k), 4) for k in ("wall_s", "cpu_s", "peak_rss_mib")} for r in runs]
    med["peak_rss_mib"] = max((r.get("peak_rss_mib") or 0 for r in ok), default=None)
    if not med.get("tree_peak_pss_mib"):
        med["tree_peak_pss_mib"] = None  # the 0.25 s sampler missed a short run
    med["status"] = "ok" if med.get("exit_code") == 0 and not med.get("timed_out") else "failed"
    if med["status"] == "failed":
        med["error"] = (f"exit {med.get('exit_code')}" + (" (timed out)" if med.get("timed_out") else "") + ": "
                        + tail(out / f"{name}.stderr", 8))
    return med


# --------------------------------------------------------------------------------------
# findings against the manifest


def read_findings(path: Path) -> tuple[list[dict], int]:
    out, bad = [], 0
    try:
        fh = open(path, errors="replace")
    except OSError:
        return [], 0
    with fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                f = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(f, dict):
                # Sigma hits are only counted: keeping 350k whole findings would take GBs.
                if not str(f.get("rule_id", "")).startswith("NG-"):
                    f = {"rule_id": f.get("rule_id"), "rule_name": f.get("rule_name")}
                out.append(f)
            else:
                bad += 1
    return out, bad


def event_ids(f: dict) -> set[str]:
    return {e.get("event_id") for e in f.get("events") or [] if isinstance(e, dict)}


def judge(findings: list[dict], manifest: dict) -> dict:
    """Per built-in rule: expected, found, planted findings named, unexpected findings."""
    by_rule = defaultdict(list)
    for f in findings:
        by_rule[str(f.get("rule_id"))].append(f)
    scenario_of = {i: s for s, ids in (manifest.get("scenarios") or {}).items() for i in ids}
    planted_by_rule = defaultdict(list)
    for p in manifest.get("planted") or []:
        planted_by_rule[p["rule_id"]].append(p)
    rules = list(gc.RULES) + sorted(r for r in by_rule if r.startswith("NG-") and r not in gc.RULES)
    rows = []
    for r in rules:
        fs = by_rule.get(r, [])
        ids = [event_ids(f) for f in fs]
        used = set()
        named, missing = 0, []
        for p in planted_by_rule.get(r, []):
            must = set(p["event_ids"])
            k = next((k for k, s in enumerate(ids) if k not in used and must <= s), None)
            if k is None:
                missing.append(p)
            else:
                used.add(k)
                named += 1
        extra = [fs[k] for k in range(len(fs)) if k not in used]
        exp = (manifest.get("expected") or {}).get(r, 0)
        ok = len(fs) == exp and named == len(planted_by_rule.get(r, [])) and not extra
        rows.append({
            "rule_id": r, "expected": exp, "found": len(fs), "named": named,
            "planted": len(planted_by_rule.get(r, [])), "ok": ok,
            "missing": [{"scenario": p.get("scenario"), "event_ids": p["event_ids"]} for p in missing],
            "unexpected": [{"event_ids": sorted(x for x in event_ids(f) if x),
                            "scenarios": sorted({scenario_of.get(x, "background") for x in event_ids(f) if x}),
                            "title": f.get("title") or f.get("message")} for f in extra],
        })
    # events[].file / index of the planted events (contract: index = record index in its file, 0-based)
    locations = manifest.get("locations") or {}
    checked, wrong = 0, []
    for f in findings:
        for e in f.get("events") or []:
            loc = locations.get(e.get("event_id")) if isinstance(e, dict) else None
            if not loc:
                continue
            checked += 1
            rel = loc[0].split("AWSLogs/", 1)[-1]
            if not str(e.get("file") or "").replace("\\", "/").endswith(rel) or e.get("index") != loc[1]:
                wrong.append({"event_id": e.get("event_id"), "file": e.get("file"), "index": e.get("index"),
                              "expected": loc})
    sigma = Counter(str(f.get("rule_name") or f.get("rule_id")) for f in findings
                    if not str(f.get("rule_id")).startswith("NG-"))
    return {"rules": rows, "sigma": dict(sigma.most_common()), "sigma_total": sum(sigma.values()),
            "locations": {"checked": checked, "wrong": len(wrong), "examples": wrong[:5]},
            "builtin_total": sum(len(v) for k, v in by_rule.items() if k.startswith("NG-"))}


# --------------------------------------------------------------------------------------
# report


def perf_table(rows: list[dict], mib_raw: float, events: int) -> str:
    cols = [("tool", "tool", None), ("wall s", "wall_s", 3), ("user s", "user_s", 3), ("sys s", "sys_s", 3),
            ("CPU s", "cpu_s", 3), ("CPU/wall", "cpu_util", 2), ("peak RSS MiB", "peak_rss_mib", 1),
            ("tree PSS MiB", "tree_peak_pss_mib", 1), ("MiB/s", "mib_s", 1), ("MiB/CPU-s", "mib_cpu_s", 1),
            ("events/s", "events_s", 0), ("result", "result", None), ("bg cores", "background_cores", 2),
            ("exit", "exit_code", None)]
    cells = [[c[0] for c in cols]]
    for r in rows:
        r = dict(r)
        if r.get("wall_s"):
            r["mib_s"] = mib_raw / r["wall_s"]
            r["events_s"] = float(round(events / r["wall_s"]))
        if r.get("cpu_s"):
            r["mib_cpu_s"] = mib_raw / r["cpu_s"]
        if r.get("status") != "ok":
            r = {"tool": r["tool"], "result": r.get("result") or "FAILED", "exit_code": r.get("exit_code")}
        cells.append([fmt(r.get(k), nd if nd is not None else 2) for _, k, nd in cols])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(c.ljust(widths[i]) if i in (0, 11) else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def rules_table(j: dict) -> str:
    head = ["rule", "expected", "found", "planted named", "unexpected", "verdict"]
    rows = [head]
    for r in j["rules"]:
        rows.append([r["rule_id"], str(r["expected"]), str(r["found"]), f"{r['named']}/{r['planted']}",
                     str(len(r["unexpected"])), "ok" if r["ok"] else "MISMATCH"])
    tot_e = sum(r["expected"] for r in j["rules"])
    tot_f = sum(r["found"] for r in j["rules"])
    rows.append(["total", str(tot_e), str(tot_f), f"{sum(r['named'] for r in j['rules'])}/"
                 f"{sum(r['planted'] for r in j['rules'])}", str(sum(len(r["unexpected"]) for r in j["rules"])),
                 f"{sum(1 for r in j['rules'] if r['ok'])}/{len(j['rules'])} ok"])
    widths = [max(len(x[i]) for x in rows) for i in range(len(head))]
    out = []
    for n, row in enumerate(rows):
        if n == len(rows) - 1:
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(c.ljust(widths[i]) if i in (0, 5) else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def met(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "NOT met")


# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/trail/run.sh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=1100, help="corpus size, uncompressed MiB (default 1100)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--assumed-role-share", type=float,
                    help="generator's share of background events by assumed roles (default: the generator's, 0.4); "
                         "Sigma's aws_sts_assumerole_misuse matches each of them")
    ap.add_argument("--corpus", type=Path, help="use this generated corpus (with its manifest.json) instead")
    ap.add_argument("--scratch", type=Path,
                    default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nextgap-bench",
                    help="where the corpus is cached and outputs kept (default: %(default)s)")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    ap.add_argument("--nextgap", type=Path, help="benchmark this nextgap binary (no build)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nextgap")
    ap.add_argument("--sigma", type=Path, default=default_sigma(), help="Sigma rules dir (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per tool, median reported (default 1)")
    ap.add_argument("--timeout", type=float, default=30 * 60, help="seconds per tool run (default 1800)")
    ap.add_argument("--wait-idle", type=float, default=30, metavar="SECONDS",
                    help="before each run, wait up to this long for idle CPUs (default 30; 0: don't)")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    args.repeat = max(1, args.repeat)
    args.scratch = args.scratch.resolve()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if set(tools) - set(TOOLS):
        ap.error(f"unknown tool(s): {', '.join(sorted(set(tools) - set(TOOLS)))}")

    started = dt.datetime.now(dt.timezone.utc)
    subreaper = ib.become_subreaper()
    logs = args.scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    facts = ib.machine_facts()
    log(f"machine: {facts['nproc']} cores, {facts['cpu_model']}, {facts['mem_total_gib']} GiB; scratch {args.scratch}")

    # 1. corpus
    corpus, how = ensure_corpus(args, logs)
    if not corpus:
        print(f"bench/trail: no corpus: {how}")
        return 1
    # outputs per corpus: runs on different corpora do not share the file list and reports
    out = args.scratch / "trail-out" / (corpus.name if not args.corpus else
                                        "corpus-" + hashlib.sha256(str(corpus).encode()).hexdigest()[:12])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    manifest = json.loads((corpus / "manifest.json").read_text())
    files = sorted(corpus.rglob("*.json.gz"))
    listfile = out / "files.lst"
    listfile.write_bytes(b"\0".join(str(f).encode() for f in files) + b"\0")
    mib_raw = manifest["bytes_uncompressed"] / 2**20
    mib_gz = sum(f.stat().st_size for f in files) / 2**20
    n_events = manifest["events"]
    log(f"corpus {corpus} ({how}): {len(files)} files, {n_events} events, {mib_raw:.1f} MiB uncompressed, "
        f"{mib_gz:.1f} MiB gzip")
    if len(files) != manifest["files"]:
        log(f"warning: manifest says {manifest['files']} files, {len(files)} found")

    # 2. tools
    status: dict[str, dict] = {}
    versions = {"zcat": first_line(sh(["gzip", "--version"]).stdout), "python": sys.version.split()[0]}
    jq = None
    if "jq" in tools:
        jq, msg = ensure_jq(logs)
        versions["jq"] = msg if jq else "-"
        if not jq:
            status["jq"] = {"error": msg}
            log(f"jq: NOT AVAILABLE: {msg} - skipping the jq row")
    exe = None
    ng_tools = [t for t in tools if t.startswith("nextgap")]
    if ng_tools:
        exe, msg = find_nextgap(args, logs)
        if exe:
            why = trail_available(exe)
            if why:
                exe, msg = None, f"{msg}; but {why}"
        if exe:
            versions["nextgap"] = first_line(sh([exe, "--version"]).stdout)
        else:
            for t in ng_tools:
                status[t] = {"error": msg}
            log(f"nextgap: NOT AVAILABLE: {first_line(msg)} - measuring the other rows so the harness is proven")
    sigma = args.sigma.resolve() if args.sigma and args.sigma.is_dir() else None
    if ng_tools and not sigma:
        log(f"warning: Sigma rules not found at {args.sigma}: nextgap runs without --sigma")

    # 3. measure
    t_warm = warm(files)
    log(f"page cache warmed ({t_warm:.1f} s)")
    results: dict[str, dict] = {}
    expected_root = (manifest.get("expected") or {}).get("NG-ROOT-350")
    planted_root = {i for p in manifest.get("planted") or [] if p["rule_id"] == "NG-ROOT-350" for i in p["event_ids"]}
    for name in tools:
        if "error" in status.get(name, {}):
            results[name] = {"tool": name, "status": "skipped", "error": status[name]["error"], "result": "skipped"}
            continue
        log(f"running {name}")
        stdout = out / f"{name}.stdout"
        if name == "zcat":
            cmd = ["bash", "-c", 'set -o pipefail; xargs -0 zcat -- < "$1" > /dev/null', "bash", listfile]
        elif name == "jq":
            cmd = ["bash", "-c", 'set -o pipefail; xargs -0 zcat -- < "$1" | "$2" -r "$3"', "bash", listfile, jq,
                   JQ_FILTER]
        elif name == "python":
            cmd = [sys.executable, HERE / "py_baseline.py", listfile]
        else:
            jobs = name.split("-j")[1]
            report = out / f"{name}.jsonl"
            # the S3 export root (CORPUS also holds manifest.json, which is not CloudTrail)
            cmd = [exe, "trail", corpus / "AWSLogs"] + (["--sigma", sigma] if sigma else []) + \
                  ["-f", "jsonl", "-o", report, "--fail-on", "never", "--jobs", jobs]
        try:
            r = run_tool(name, cmd, args, out, stdout)
        except Exception as e:  # a harness bug for one tool must not stop the others
            import traceback
            r = {"tool": name, "status": "failed", "error": f"harness error: {e}\n{traceback.format_exc()}"}
        r["cmd"] = [str(c) for c in cmd]
        if name == "zcat":
            r["result"] = f"{mib_raw:.0f} MiB out"
        elif name == "jq" and r.get("status") == "ok":
            ids = [x.strip().strip('"') for x in stdout.read_text().splitlines() if x.strip()]
            r["root_console_logins"] = len(ids)
            r["count_ok"] = len(ids) == expected_root and set(ids) == planted_root
            r["result"] = f"{len(ids)} root logins" + ("" if r["count_ok"] else " (MISMATCH)")
        elif name == "python" and r.get("status") == "ok":
            try:
                d = json.loads(stdout.read_text())
            except ValueError:
                d = {}
            r["root_console_logins"] = d.get("root_console_logins")
            r["count_ok"] = d.get("root_console_logins") == expected_root and set(d.get("event_ids") or []) \
                == planted_root and d.get("events") == n_events
            r["result"] = f"{d.get('root_console_logins')} root logins" + ("" if r["count_ok"] else " (MISMATCH)")
        results[name] = r

    # nextgap's reports are judged only after every timed run: reading them makes this process
    # large, and a child forked from a large process inherits its peak RSS (ru_maxrss) and pays
    # for copying its page tables, which would be charged to the next tool measured.
    for name in tools:
        r = results.get(name) or {}
        if name.startswith("nextgap") and r.get("status") == "ok":
            fs, bad = read_findings(out / f"{name}.jsonl")
            r["findings"] = len(fs)
            r["unparsed_lines"] = bad
            r["report_mib"] = (out / f"{name}.jsonl").stat().st_size / 2**20 if (out / f"{name}.jsonl").exists() else None
            r["judge"] = judge(fs, manifest)
            r["result"] = (f"{r['judge']['builtin_total']} built-in + {r['judge']['sigma_total']} Sigma")
            del fs

    # 4. report
    rows = [results[t] for t in tools if t in results]
    ptable = perf_table(rows, mib_raw, n_events)
    ok = lambda t: (results.get(t) or {}).get("status") == "ok"  # noqa: E731
    ratios: dict = {}
    lines: list[str] = []
    z, j1, j2 = results.get("zcat") or {}, results.get("nextgap-j1") or {}, results.get("nextgap-j2") or {}
    for t, r in (("nextgap-j1", j1), ("nextgap-j2", j2)):
        if ok(t) and ok("zcat") and z.get("cpu_s"):
            v = r["cpu_s"] / z["cpu_s"]
            ratios[f"{t}_cpu_over_zcat"] = rnd(v, 3)
            lines.append(f"CPU  {t} / zcat = {v:.2f}  (target <= {TARGET_CPU_RATIO}: {met(v <= TARGET_CPU_RATIO)})")
    if ok("nextgap-j1") and ok("nextgap-j2") and j2.get("wall_s"):
        v = j1["wall_s"] / j2["wall_s"]
        ratios["speedup_jobs1_over_jobs2"] = rnd(v, 3)
        lines.append(f"wall --jobs 1 / --jobs 2 = x{v:.2f}  (target >= {TARGET_SPEEDUP}: {met(v >= TARGET_SPEEDUP)})"
                     + (f"  [only {facts['nproc']} cores]" if (facts.get("nproc") or 2) < 2 else ""))
    for t, r in (("nextgap-j1", j1), ("nextgap-j2", j2)):
        if ok(t):
            v = r.get("peak_rss_mib") or 0
            ratios[f"{t}_peak_rss_mib"] = rnd(v, 1)
            lines.append(f"peak RSS {t} = {v:.1f} MiB  (target <= {TARGET_RSS_MIB:.0f}: {met(v <= TARGET_RSS_MIB)})")
    for t in ("jq", "python"):
        r = results.get(t) or {}
        if ok(t) and ok("zcat") and z.get("cpu_s"):
            lines.append(f"CPU  {t} / zcat = {r['cpu_s'] / z['cpu_s']:.2f}")
        if ok("nextgap-j1") and ok(t) and j1.get("cpu_s"):
            lines.append(f"CPU  {t} / nextgap-j1 = x{r['cpu_s'] / j1['cpu_s']:.1f}")
    if not any(ok(t) for t in ng_tools):
        lines.append("no nextgap figures: " + "; ".join(
            f"{t}: {first_line((results.get(t) or {}).get('error') or 'not run')}" for t in ng_tools) if ng_tools
            else "nextgap not selected (--tools)")

    judged = None
    for t in ("nextgap-j1", "nextgap-j2"):
        if ok(t):
            judged = judged or (t, results[t]["judge"])
    same = None
    if ok("nextgap-j1") and ok("nextgap-j2"):
        a = [(r["rule_id"], r["found"]) for r in j1["judge"]["rules"]] + [("sigma", j1["judge"]["sigma_total"])]
        b = [(r["rule_id"], r["found"]) for r in j2["judge"]["rules"]] + [("sigma", j2["judge"]["sigma_total"])]
        same = a == b

    print()
    print("== machine")
    print(f"cores (nproc): {facts['nproc']}   CPU: {facts['cpu_model']}   memory: {facts['mem_total_gib']} GiB")
    print(f"{facts['os']}, Linux {facts['kernel']}, {facts['rustc']}, Python {facts['python']}; "
          f"nextgap at {facts['git_commit']}")
    print("versions: " + "; ".join(f"{k} {v}" for k, v in versions.items()))
    g = manifest.get("generator") or {}
    print()
    print(f"== corpus ({how}): {corpus}")
    print(f"{len(files)} files, {n_events:,} events ({manifest.get('planted_events')} planted), "
          f"{mib_raw:.1f} MiB uncompressed, {mib_gz:.1f} MiB gzip; {len(manifest.get('accounts') or [])} account(s), "
          f"{len(manifest.get('streams') or [])} account/region streams, {manifest.get('time_range')}; "
          f"seed {g.get('seed')}, generator v{g.get('version')}")
    print(f"Sigma rules: {sigma or 'none'}")
    print()
    print(f"== performance ({'median of ' + str(args.repeat) + ' runs' if args.repeat > 1 else 'one run each'}, "
          "page cache warm)")
    print(ptable)
    print()
    print("== ratios")
    for line in lines:
        print(line)
    if judged:
        t, j = judged
        print()
        print(f"== built-in rules, {t} vs the manifest (found = findings of the rule; planted named = planted "
              f"findings whose events[].event_id include the planted event ids)")
        print(rules_table(j))
        if same is not None:
            print(f"--jobs 1 and --jobs 2 report the same counts: {'yes' if same else 'NO'}")
        loc = j["locations"]
        print(f"events[].file/index of planted events: {loc['checked']} named, {loc['wrong']} not at the "
              "manifest's file and record index" if loc["checked"] else
              "events[].file/index: no planted event named (or the manifest has no locations)")
        print()
        print(f"== Sigma: {j['sigma_total']} finding(s) from {len(j['sigma'])} rule(s)")
        for name, c in list(j["sigma"].items())[:15]:
            print(f"{c:>9}  {name}")
        if len(j["sigma"]) > 15:
            print(f"{'':>9}  ... {len(j['sigma']) - 15} more")
    notes = []
    for t in tools:
        r = results.get(t) or {}
        if r.get("status") in ("failed", "skipped"):
            notes.append(f"{t}: {r['status'].upper()}: {r.get('error')}")
        for n in r.get("notes") or []:
            notes.append(f"{t}: {n}")
        if t in ("jq", "python") and r.get("status") == "ok" and not r.get("count_ok"):
            notes.append(f"{t}: counted {r.get('root_console_logins')} root console logins, the manifest plants "
                         f"{expected_root}")
        if r.get("unparsed_lines"):
            notes.append(f"{t}: {r['unparsed_lines']} report line(s) are not JSON objects")
    if judged:
        for row in judged[1]["rules"]:
            for m in row["missing"][:3]:
                notes.append(f"{row['rule_id']}: planted finding not reported ({m['scenario']}): {m['event_ids']}")
            for u in row["unexpected"][:3]:
                notes.append(f"{row['rule_id']}: unexpected finding on {', '.join(u['scenarios'])} event(s) "
                             f"{u['event_ids'][:4]}: {u.get('title')}")
            if len(row["unexpected"]) > 3:
                notes.append(f"{row['rule_id']}: ... {len(row['unexpected']) - 3} more unexpected")
        for w in judged[1]["locations"]["examples"]:
            at = "without file/index" if w["file"] is None else f"at {w['file']}[{w['index']}]"
            notes.append(f"event {w['event_id']} named {at}; it is at {w['expected'][0]}[{w['expected'][1]}]")
    busy = [r for r in rows if (r.get("background_cores") or 0) >= 0.25]
    if busy:
        notes.append("other processes kept the CPUs busy during: " + ", ".join(
            f"{r['tool']} ({r['background_cores']:.2f} cores)" for r in busy) + " - wall times are inflated there")
    if notes:
        print()
        print("== notes")
        for n in notes:
            print("- " + str(n).replace("\n", "\n    "))
    elapsed = time.monotonic() - ib.T0
    print()
    print(f"whole bench run: {elapsed:.0f} s")

    baselines_ok = all((results.get(t) or {}).get("count_ok", True) for t in ("jq", "python"))
    rules_ok = bool(judged) and all(r["ok"] for r in judged[1]["rules"])
    ng_ok = bool(ng_tools) and all(ok(t) for t in ng_tools)

    def clean(v):
        return {k: (rnd(x, 4) if isinstance(x, float) else x) for k, x in v.items()}

    record = {
        "schema": 1, "started_utc": started.isoformat(timespec="seconds"), "elapsed_s": round(elapsed, 1),
        "machine": facts, "versions": versions,
        "corpus": {"dir": str(corpus), "how": how, "files": len(files), "events": n_events,
                   "mib_uncompressed": round(mib_raw, 1), "mib_gzip": round(mib_gz, 1),
                   "generator": g, "expected": manifest.get("expected")},
        "settings": {"tools": tools, "repeat": args.repeat, "timeout_s": args.timeout, "sigma": str(sigma),
                     "subreaper": subreaper, "warm_s": round(t_warm, 1)},
        "results": {k: clean(v) for k, v in results.items()}, "ratios": ratios,
        "tables": {"performance": ptable, "rules": rules_table(judged[1]) if judged else None},
        "verdict": {"nextgap_ran": ng_ok, "rules_exact": rules_ok, "baselines_ok": baselines_ok,
                    "jobs1_equals_jobs2": same,
                    "event_locations_wrong": judged[1]["locations"]["wrong"] if judged else None},
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out_path = args.results_dir / f"trail-{started.astimezone().date().isoformat()}.json"
    out_path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"results: {out_path}")
    if not baselines_ok:
        return 1
    if not ng_tools:
        return 0
    return 0 if (ng_ok and rules_ok and same is not False) else 1


if __name__ == "__main__":
    sys.exit(main())
