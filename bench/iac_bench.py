#!/usr/bin/env python3
"""bench/iac harness: nextgap vs checkov, cfn-lint and cfn-guard on one CloudFormation corpus.

Run it through `bench/iac`. Steps, each isolated so that one tool failing never stops the
others:

  1. install the peer tools in a scratch directory outside the repo (idempotent);
  2. build nextgap in release;
  3. find the corpus (../shared/corpora/cfn from the repo root; absent: notice, exit 0);
  4. run every tool over the whole corpus and measure CPU, wall, peak RSS, findings;
  5. print a table and the ratios, and write bench/results/iac-<date>.json.

How things are measured (also in bench/README.md):

* CPU seconds: user+sys of the whole process tree, as the delta of
  getrusage(RUSAGE_CHILDREN) around the run. The harness makes itself a child subreaper
  (prctl PR_SET_CHILD_SUBREAPER) and reaps any orphans, so forked workers that outlive
  their parent are still counted.
* Peak RSS: ru_maxrss from wait4() of the tool (and of any reaped orphan). Linux reports
  the largest single process of the tree there, not the sum: for checkov, which forks a
  pool of parser workers, that is the biggest process. For the peers the harness also
  samples the tree from /proc every 0.25 s and records the peak *sum* of PSS (RSS with
  shared pages split among the sharers) as `tree_peak_pss_mib`, which is the honest
  "memory the tool needed" figure for multi-process tools; it is sampled, so it can
  miss short peaks.
* Wall seconds: time.perf_counter() around spawn .. wait4.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TEMPLATE_EXTENSIONS = (".json", ".yaml", ".yml", ".template")
GUARD_VERSION = "3.2.1"
DEFAULT_TIMEOUT = 30 * 60
T0 = time.monotonic()


# --------------------------------------------------------------------------------------
# small helpers


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw) -> subprocess.CompletedProcess:
    """Run a short helper command (versions and the like); never raises."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("timeout", 120)
    try:
        return subprocess.run([str(c) for c in cmd], text=True, **kw)
    except (OSError, subprocess.SubprocessError) as e:
        return subprocess.CompletedProcess(cmd, 127, stdout=f"{type(e).__name__}: {e}")


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def tail(path: Path, n: int = 25) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def mib(kib: float | None) -> float | None:
    return None if kib is None else kib / 1024.0


def rnd(x, nd=3):
    return None if x is None else round(x, nd)


# --------------------------------------------------------------------------------------
# process-tree measurement


def become_subreaper() -> bool:
    """Orphaned grandchildren get re-parented to us, so their rusage is collected too."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            pass
    return out


def descendants(pid: int) -> list[int]:
    seen, stack = [], [pid]
    while stack:
        p = stack.pop()
        for c in _children(p):
            if c not in seen:
                seen.append(c)
                stack.append(c)
    return seen


def _mem_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in KiB for one process; PSS falls back to RSS."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
        return pss or rss, rss
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, rss


class TreeSampler(threading.Thread):
    """Samples the summed PSS/RSS of every descendant of this harness process."""

    def __init__(self, interval: float):
        super().__init__(daemon=True)
        self.interval = interval
        self.stop_event = threading.Event()
        self.peak_pss = 0
        self.peak_rss = 0
        self.peak_procs = 0
        self.samples = 0

    def run(self) -> None:
        me = os.getpid()
        while not self.stop_event.is_set():
            pids = descendants(me)
            pss = rss = 0
            for p in pids:
                a, b = _mem_kib(p)
                pss += a
                rss += b
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.samples += 1
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


def kill_tree(pid: int) -> None:
    for p in [pid] + descendants(os.getpid()):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def reap_orphans(grace: float = 5.0) -> tuple[int, list[str]]:
    """Reap children re-parented to us after the tool exited; returns (max ru_maxrss KiB, notes)."""
    maxrss, notes, deadline = 0, [], time.monotonic() + grace
    while True:
        try:
            pid, _status, ru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return maxrss, notes
        if pid == 0:
            if time.monotonic() > deadline:
                left = descendants(os.getpid())
                notes.append(f"killed {len(left)} leftover process(es) after the tool exited")
                for p in left:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                deadline = time.monotonic() + grace
            time.sleep(0.02)
            continue
        maxrss = max(maxrss, ru.ru_maxrss)


def cpu_times() -> tuple[float, float] | None:
    """(busy, total) seconds of the whole machine from /proc/stat; idle and iowait are not busy."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (total - idle) / hz, total / hz


def wait_idle(max_wait: float, threshold: float = 0.25) -> float | None:
    """Waits (up to max_wait s) until the rest of the machine keeps fewer than `threshold`
    cores busy for 2 s in a row; returns the last measured background load in cores."""
    deadline, calm, load = time.monotonic() + max_wait, 0, None
    while True:
        a = cpu_times()
        time.sleep(1.0)
        b = cpu_times()
        if not a or not b:
            return None
        load = (b[0] - a[0]) / 1.0
        calm = calm + 1 if load < threshold else 0
        if calm >= 2 or time.monotonic() > deadline:
            return load


def measure(cmd, *, cwd: Path, env: dict | None, stdout: Path, stderr: Path,
            timeout: float, sample_tree: bool) -> dict:
    """Runs one command to completion and measures its whole process tree."""
    cmd = [str(c) for c in cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = TreeSampler(0.25) if sample_tree else None
    timed_out = threading.Event()
    notes: list[str] = []
    machine0 = cpu_times()
    t0 = time.perf_counter()
    try:
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        return {"exit_code": None, "error": f"could not start: {e}", "cmd": cmd}
    if sampler:
        sampler.start()

    def on_timeout():
        timed_out.set()
        kill_tree(proc.pid)

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    machine1 = cpu_times()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it, not Popen
    orphan_rss, orphan_notes = reap_orphans()
    notes += orphan_notes
    if sampler:
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user = after.ru_utime - before.ru_utime
    sys_ = after.ru_stime - before.ru_stime
    res = {
        "cmd": cmd,
        "exit_code": proc.returncode,
        "timed_out": timed_out.is_set(),
        "wall_s": wall,
        "user_s": user,
        "sys_s": sys_,
        "cpu_s": user + sys_,
        "cpu_util": (user + sys_) / wall if wall > 0 else None,
        "peak_rss_mib": mib(max(ru.ru_maxrss, orphan_rss)),
        "notes": notes,
    }
    if machine0 and machine1 and wall > 0:
        # cores kept busy by everything else on the machine while the tool ran (coarse:
        # /proc/stat ticks are 10 ms, so short runs read noisy)
        res["background_cores"] = max(0.0, ((machine1[0] - machine0[0]) - (user + sys_)) / wall)
    if sampler:
        res["tree_peak_pss_mib"] = mib(sampler.peak_pss) if sampler.samples else None
        res["tree_peak_rss_sum_mib"] = mib(sampler.peak_rss) if sampler.samples else None
        res["tree_peak_procs"] = sampler.peak_procs
        res["tree_samples"] = sampler.samples
    if timed_out.is_set():
        res["notes"].append(f"killed after the {timeout:.0f} s timeout")
    return res


# --------------------------------------------------------------------------------------
# machine facts


def machine_facts() -> dict:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    os_name = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    nproc = first_line(sh(["nproc"]).stdout)
    git_rev = first_line(sh(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout)
    dirty = bool(sh(["git", "-C", REPO, "status", "--porcelain"]).stdout.strip())
    return {
        "nproc": int(nproc) if nproc.isdigit() else None,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "mem_total_gib": mem_total,
        "kernel": platform.release(),
        "os": os_name,
        "python": platform.python_version(),
        "rustc": first_line(sh(["rustc", "--version"]).stdout),
        "cargo": first_line(sh(["cargo", "--version"]).stdout),
        "git_commit": git_rev + ("-dirty" if dirty else ""),
    }


# --------------------------------------------------------------------------------------
# installs


def run_logged(cmd, log_path: Path, *, cwd=None, env=None, timeout=DEFAULT_TIMEOUT) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as f:
        f.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        f.flush()
        try:
            return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            f.write(f"\n(timed out after {timeout} s)\n".encode())
            return 124
        except OSError as e:
            f.write(f"\n({e})\n".encode())
            return 127


def ensure_venv(scratch: Path, python: str, logs: Path) -> tuple[Path | None, str]:
    """Python venv with checkov and cfn-lint, pinned by bench/iac-requirements.txt."""
    venv = scratch / "venv"
    req = BENCH / "iac-requirements.txt"
    cons = BENCH / "iac-constraints.txt"
    pyver = first_line(sh([python, "-c", "import sys; print(sys.version)"]).stdout)
    want = hashlib.sha256(req.read_bytes() + cons.read_bytes() + pyver.encode()).hexdigest()
    stamp = venv / ".nextgap-bench-stamp"
    bins = [venv / "bin" / "checkov", venv / "bin" / "cfn-lint"]
    if stamp.is_file() and stamp.read_text().strip() == want and all(b.exists() for b in bins):
        return venv, "already installed"
    log(f"installing checkov and cfn-lint into {venv} (log: {logs / 'pip.log'})")
    if not (venv / "bin" / "python").exists():
        if run_logged([python, "-m", "venv", venv], logs / "pip.log") != 0:
            return None, f"python -m venv failed (see {logs / 'pip.log'})"
    vpy = venv / "bin" / "python"
    pip = [vpy, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    rc = run_logged(pip + ["-r", req, "-c", cons], logs / "pip.log")
    how = "installed (pinned tree from iac-constraints.txt)"
    if rc != 0:
        log("pinned tree did not install (other Python?); retrying with the top-level pins only")
        rc = run_logged(pip + ["-r", req], logs / "pip.log")
        how = "installed (top-level pins only; constraints did not resolve on this Python)"
    if rc != 0 or not all(b.exists() for b in bins):
        return None, f"pip install failed (see {logs / 'pip.log'}):\n{tail(logs / 'pip.log')}"
    stamp.write_text(want + "\n")
    return venv, how


def ensure_guard(scratch: Path, logs: Path) -> tuple[Path | None, str]:
    root = scratch / "cargo"
    exe = root / "bin" / "cfn-guard"
    if exe.exists() and GUARD_VERSION in sh([exe, "--version"]).stdout:
        return exe, "already installed"
    log(f"building cfn-guard {GUARD_VERSION} with cargo install (a few minutes, once; log: {logs / 'cfn-guard-install.log'})")
    env = dict(os.environ, CARGO_TARGET_DIR=str(scratch / "cargo-target"))
    rc = run_logged(["cargo", "install", "--locked", "cfn-guard", "--version", GUARD_VERSION, "--root", root],
                    logs / "cfn-guard-install.log", env=env)
    if rc != 0 or not exe.exists():
        return None, f"cargo install cfn-guard failed (see {logs / 'cfn-guard-install.log'}):\n{tail(logs / 'cfn-guard-install.log')}"
    return exe, "installed"


def build_nextgap(logs: Path) -> tuple[Path | None, str]:
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    exe = target / "release" / "nextgap"
    log("cargo build --release -p nextgap")
    t0 = time.monotonic()
    rc = run_logged(["cargo", "build", "--release", "-p", "nextgap"], logs / "nextgap-build.log", cwd=REPO)
    if rc != 0 or not exe.exists():
        return None, f"cargo build --release -p nextgap failed (exit {rc}; see {logs / 'nextgap-build.log'}):\n{tail(logs / 'nextgap-build.log')}"
    return exe, f"built in {time.monotonic() - t0:.0f} s"


# --------------------------------------------------------------------------------------
# corpus


def find_templates(root: Path) -> list[Path]:
    """Files with a template extension, skipping hidden entries and node_modules (as the
    tools' own directory walks do)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(TEMPLATE_EXTENSIONS):
                out.append(Path(dirpath) / name)
    return out


# --------------------------------------------------------------------------------------
# output parsers: each returns a dict with at least `findings` (or None) and never raises


def load_json(path: Path):
    try:
        return json.loads(path.read_text(errors="replace") or "null")
    except (OSError, ValueError):
        return None


def parse_nextgap(path: Path) -> dict:
    d = load_json(path)
    if not isinstance(d, dict) or "summary" not in d:
        return {"findings": None}
    s = d["summary"]
    return {
        "findings": s.get("findings"),
        "files_scanned": s.get("files_scanned"),
        "files_skipped": s.get("files_skipped"),
        "files_failed": s.get("files_failed"),
        "resources": s.get("resources"),
        "by_severity": s.get("by_severity"),
    }


def parse_checkov(stdout: Path, stderr: Path) -> dict:
    d = load_json(stdout)
    reports = d if isinstance(d, list) else [d] if isinstance(d, dict) else []
    out = {"findings": None}
    for r in reports:
        if not isinstance(r, dict):
            continue
        summary = r.get("summary", r)  # a run with no results prints a bare summary
        if "failed" not in summary:
            continue
        out["findings"] = (out["findings"] or 0) + int(summary.get("failed", 0))
        out["passed"] = out.get("passed", 0) + int(summary.get("passed", 0))
        out["parse_failures"] = out.get("parse_failures", 0) + int(summary.get("parsing_errors", 0))
        out["resources"] = out.get("resources", 0) + int(summary.get("resource_count", 0))
        failed_checks = (r.get("results") or {}).get("failed_checks") or []
        files = {c.get("file_path") for c in failed_checks if isinstance(c, dict)}
        out["files_with_findings"] = out.get("files_with_findings", 0) + len(files)
        errs = (r.get("results") or {}).get("parsing_errors") or []
        if errs:
            out["parse_failure_files"] = sorted(map(str, errs))[:50]
    try:
        err_text = stderr.read_text(errors="replace")
    except OSError:
        err_text = ""
    out["stderr_tracebacks"] = err_text.count("Traceback (most recent call last)")
    out["check_crashes"] = len(re.findall(r"Failed to run check", err_text))
    out["stderr_error_lines"] = sum(1 for line in err_text.splitlines() if re.search(r"\bERROR\b|Failed to", line))
    return out


def parse_cfn_lint(stdout: Path) -> dict:
    d = load_json(stdout)
    if not isinstance(d, list):
        return {"findings": None}
    levels: dict[str, int] = {}
    parse_fail_files = set()
    for m in d:
        if not isinstance(m, dict):
            continue
        levels[m.get("Level", "?")] = levels.get(m.get("Level", "?"), 0) + 1
        if (m.get("Rule") or {}).get("Id") == "E0000":
            parse_fail_files.add(m.get("Filename"))
    return {
        "findings": len(d),
        "by_level": levels,
        "files_with_findings": len({m.get("Filename") for m in d if isinstance(m, dict)}),
        "parse_failures": len(parse_fail_files),
        "parse_failure_files": sorted(map(str, parse_fail_files))[:50],
    }


_RES_PATH = re.compile(r"^/Resources/([^/\[]+)")


def _resources_in(obj, acc: set) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "path" and isinstance(v, str):
                m = _RES_PATH.match(v)
                if m:
                    acc.add(m.group(1))
            else:
                _resources_in(v, acc)
    elif isinstance(obj, list):
        for v in obj:
            _resources_in(v, acc)


def parse_guard(stdout: Path) -> dict:
    """--structured -o json: a list with one entry per data file. A finding is one
    (file, rule, resource) that is not compliant."""
    d = load_json(stdout)
    if not isinstance(d, list):
        return {"findings": None}
    findings = rule_failures = 0
    statuses: dict[str, int] = {}
    for f in d:
        if not isinstance(f, dict):
            continue
        statuses[str(f.get("status"))] = statuses.get(str(f.get("status")), 0) + 1
        for nc in f.get("not_compliant") or []:
            rule_failures += 1
            acc: set = set()
            _resources_in(nc, acc)
            findings += max(1, len(acc))
    return {"findings": findings, "rule_failures": rule_failures, "files_reported": len(d), "file_status": statuses}


# --------------------------------------------------------------------------------------
# the tools


class Ctx:
    def __init__(self, args, scratch: Path, corpus: Path, templates: list[Path]):
        self.args = args
        self.scratch = scratch
        self.corpus = corpus
        self.templates = templates
        self.work = scratch / "work"
        self.out = scratch / "out"
        self.work.mkdir(parents=True, exist_ok=True)
        self.out.mkdir(parents=True, exist_ok=True)


def finish(res: dict, templates: int) -> dict:
    res["templates"] = templates
    wall, cpu = res.get("wall_s"), res.get("cpu_s")
    res["templates_per_s"] = templates / wall if wall else None
    res["templates_per_cpu_s"] = templates / cpu if cpu else None
    return res


def run_nextgap(ctx: Ctx, exe: Path, jobs: int | None) -> dict:
    label = f"nextgap --jobs {jobs}" if jobs else "nextgap"
    base = [exe, "iac", ctx.corpus, "--format", "json", "--fail-on", "never"]
    cfg = nextgap_config(ctx, exe)
    base += ["--config", cfg] if cfg else ["--no-config"]
    if jobs:
        base += ["--jobs", str(jobs)]
    # one untimed run that keeps the report (findings, files scanned) and warms the cache
    count_out = ctx.out / f"nextgap{'-j' + str(jobs) if jobs else ''}.json"
    warm = measure(base + ["-o", count_out], cwd=ctx.work, env=None, stdout=ctx.out / "nextgap.stdout",
                   stderr=ctx.out / "nextgap.stderr", timeout=ctx.args.timeout, sample_tree=False)
    parsed = parse_nextgap(count_out)
    runs = []
    for i in range(ctx.args.repeat):
        r = measure(base + ["-o", "/dev/null"], cwd=ctx.work, env=None, stdout=ctx.out / "nextgap.stdout",
                    stderr=ctx.out / "nextgap.stderr", timeout=ctx.args.timeout, sample_tree=False)
        runs.append(r)
        if r.get("exit_code") != 0:
            break
    ok = [r for r in runs if r.get("exit_code") == 0]
    pick = ok or runs or [warm]
    # report the median run by wall time; keep every sample in the JSON
    med = sorted(pick, key=lambda r: r.get("wall_s") or 0)[len(pick) // 2]
    res = dict(med)
    res["tool"] = label
    res["runs"] = len(runs)
    res["samples"] = [{k: rnd(r.get(k), 4) for k in ("wall_s", "cpu_s", "peak_rss_mib")} for r in runs]
    res["wall_s_min"] = min((r["wall_s"] for r in pick if "wall_s" in r), default=None)
    res["cpu_s_median"] = statistics.median([r["cpu_s"] for r in pick if "cpu_s" in r]) if pick else None
    res["peak_rss_mib"] = max((r.get("peak_rss_mib") or 0 for r in pick), default=None)
    res.update(parsed)
    res["parse_failures"] = parsed.get("files_failed")
    res["cmd"] = [str(c) for c in base + ["-o", "/dev/null"]]
    if warm.get("exit_code") not in (0, None) or parsed["findings"] is None:
        res.setdefault("notes", []).append(f"report run exited {warm.get('exit_code')}: {tail(ctx.out / 'nextgap.stderr', 5)}")
    return finish(res, len(ctx.templates))


_nextgap_cfg: dict = {}


def nextgap_config(ctx: Ctx, exe: Path) -> Path | None:
    """All rules are on by default; should some be off by default, a config turns them on."""
    if "cfg" in _nextgap_cfg:
        return _nextgap_cfg["cfg"]
    cfg = None
    r = sh([exe, "rules", "--format", "json"])
    try:
        rules = json.loads(r.stdout)
        off = [x["id"] for x in rules if isinstance(x, dict) and x.get("default_enabled") is False]
        _nextgap_cfg["rules_total"] = len(rules)
        _nextgap_cfg["rules_off_by_default"] = off
        if off:
            cfg = ctx.scratch / "nextgap-all-rules.toml"
            cfg.write_text("[rules]\nenable = [" + ", ".join(json.dumps(i) for i in off) + "]\n")
    except (ValueError, TypeError, KeyError):
        _nextgap_cfg["rules_total"] = None
    _nextgap_cfg["cfg"] = cfg
    return cfg


def run_checkov(ctx: Ctx, venv: Path) -> dict:
    env = dict(os.environ)
    # no network: no policy/mapping download, no "new version" check against the registry
    env.update(BC_SKIP_MAPPING="TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE", LOG_LEVEL="WARNING")
    env.pop("BC_API_KEY", None)
    cmd = [venv / "bin" / "checkov", "-d", ctx.corpus, "--framework", "cloudformation", "-o", "json",
           "--quiet", "--compact", "--skip-download", "--skip-results-upload"]
    stdout, stderr = ctx.out / "checkov.json", ctx.out / "checkov.stderr"
    res = measure(cmd, cwd=ctx.work, env=env, stdout=stdout, stderr=stderr, timeout=ctx.args.timeout, sample_tree=True)
    res["tool"] = "checkov"
    res.update(parse_checkov(stdout, stderr))
    # checkov exits 1 when a check fails: expected
    if res.get("findings") is None:
        res.setdefault("notes", []).append(f"no JSON report; stderr tail:\n{tail(stderr, 10)}")
    return finish(res, len(ctx.templates))


def run_cfn_lint(ctx: Ctx, venv: Path) -> dict:
    files = [str(p) for p in ctx.templates]
    if sum(len(f) + 1 for f in files) > 1_000_000:  # keep argv well under ARG_MAX
        files = [f"{ctx.corpus}/**/*{ext}" for ext in TEMPLATE_EXTENSIONS]
    cmd = [venv / "bin" / "cfn-lint", "--format", "json", "--"] + files
    stdout, stderr = ctx.out / "cfn-lint.json", ctx.out / "cfn-lint.stderr"
    res = measure(cmd, cwd=ctx.work, env=None, stdout=stdout, stderr=stderr, timeout=ctx.args.timeout, sample_tree=True)
    res["tool"] = "cfn-lint"
    res["cmd"] = res["cmd"][:4] + [f"<{len(ctx.templates)} template paths>"]
    res.update(parse_cfn_lint(stdout))
    if res.get("findings") is None:
        res.setdefault("notes", []).append(f"no JSON report; stderr tail:\n{tail(stderr, 10)}")
    return finish(res, len(ctx.templates))


def run_cfn_guard(ctx: Ctx, exe: Path) -> dict:
    rules = BENCH / "rules"
    common = ["-r", rules, "-o", "json", "--structured", "-S", "none"]
    stdout, stderr = ctx.out / "cfn-guard.json", ctx.out / "cfn-guard.stderr"
    res = measure([exe, "validate", "-d", ctx.corpus] + common, cwd=ctx.work, env=None, stdout=stdout,
                  stderr=stderr, timeout=ctx.args.timeout, sample_tree=True)
    res["tool"] = "cfn-guard"
    parsed = parse_guard(stdout)
    templates = len(ctx.templates)
    if parsed["findings"] is None and not res.get("timed_out"):
        # cfn-guard stops the whole run at the first data file it cannot parse. Find those
        # files one by one (untimed), then time one run over every file it can read.
        why = first_line(stderr.read_text(errors="replace") if stderr.exists() else "")
        log(f"cfn-guard over the directory exited {res.get('exit_code')} ({why[:120]}); finding the files it cannot parse")
        unreadable = []
        for p in ctx.templates:
            r = sh([exe, "validate", "-d", p] + common, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode not in (0, 19):  # 0 pass, 19 not compliant; else an error
                unreadable.append(str(p))
        readable = [p for p in ctx.templates if str(p) not in set(unreadable)]
        if not readable:
            res["notes"] = res.get("notes", []) + [f"cfn-guard could not read any template one by one either: {why}"]
            res["findings"] = None
            return finish(res, 0)
        cmd = [exe, "validate"]
        for p in readable:
            cmd += ["-d", p]
        first = {k: res.get(k) for k in ("exit_code", "wall_s", "cpu_s")}
        res = measure(cmd + common, cwd=ctx.work, env=None, stdout=stdout, stderr=stderr,
                      timeout=ctx.args.timeout, sample_tree=True)
        res["tool"] = "cfn-guard"
        res["cmd"] = [str(exe), "validate", f"-d <each of {len(readable)} readable templates>"] + [str(c) for c in common]
        res["directory_run"] = dict(first, error=why)
        res["parse_failures"] = len(unreadable)
        res["parse_failure_files"] = unreadable[:50]
        res.setdefault("notes", []).append(
            f"`-d DIR` aborts the whole run on the first unparseable file (exit {first['exit_code']}); "
            f"timed run covers the {len(readable)} of {templates} templates cfn-guard can read")
        templates = len(readable)
        parsed = parse_guard(stdout)
    else:
        res["parse_failures"] = 0
    res.update(parsed)
    return finish(res, templates)


def guard_selfcheck(exe: Path) -> str | None:
    """The ruleset must parse and tell the compliant test template from the other one."""
    data = BENCH / "rules" / "testdata"
    rules = BENCH / "rules"
    bad = sh([exe, "validate", "-d", data / "noncompliant.yaml", "-r", rules, "-S", "none"])
    good = sh([exe, "validate", "-d", data / "compliant.yaml", "-r", rules, "-S", "none"])
    if bad.returncode != 19 or good.returncode != 0:
        return (f"bench/rules self-check failed: noncompliant.yaml exit {bad.returncode} (want 19), "
                f"compliant.yaml exit {good.returncode} (want 0)\n{(bad.stdout or '')[-800:]}")
    return None


# --------------------------------------------------------------------------------------
# report


def fmt(x, nd=2, width=None):
    if x is None:
        s = "-"
    elif isinstance(x, float):
        if abs(x) >= 1000:
            s = f"{x:,.0f}"
        elif abs(x) >= 100:
            s = f"{x:.1f}"
        else:
            s = f"{x:.{nd}f}"
    else:
        s = str(x)
    return s


def table(rows: list[dict]) -> str:
    cols = [
        ("tool", "tool", None),
        ("templates", "templates", None),
        ("wall s", "wall_s", 3),
        ("CPU s", "cpu_s", 3),
        ("CPU/wall", "cpu_util", 2),
        ("peak RSS MiB", "peak_rss_mib", 1),
        ("tree PSS MiB", "tree_peak_pss_mib", 1),
        ("tmpl/s", "templates_per_s", 1),
        ("tmpl/CPU-s", "templates_per_cpu_s", 1),
        ("findings", "findings", None),
        ("bg cores", "background_cores", 2),
        ("parse fail", "parse_failures", None),
        ("exit", "exit_code", None),
    ]
    cells = [[c[0] for c in cols]]
    for r in rows:
        line = []
        for _, key, nd in cols:
            v = r.get(key)
            if r.get("status") == "failed" and key not in ("tool",):
                v = v if key == "exit_code" else None
            line.append(fmt(v, nd if nd is not None else 2))
        cells.append(line)
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def ratios(results: dict, nproc: int | None) -> tuple[dict, list[str]]:
    ng = results.get("nextgap")
    lines, out = [], {}
    if not ng or ng.get("status") != "ok":
        return out, ["no nextgap figures: no ratios"]
    for peer in ("checkov", "cfn-lint", "cfn-guard"):
        p = results.get(peer)
        if not p or p.get("status") != "ok":
            lines.append(f"vs {peer:9}: no figures ({(p or {}).get('error', 'not run')})".splitlines()[0])
            continue
        tpc = (ng["templates_per_cpu_s"] / p["templates_per_cpu_s"]) if p.get("templates_per_cpu_s") else None
        tpw = (ng["templates_per_s"] / p["templates_per_s"]) if p.get("templates_per_s") else None
        rss = (ng["peak_rss_mib"] / p["peak_rss_mib"]) if p.get("peak_rss_mib") else None
        pss = (ng["peak_rss_mib"] / p["tree_peak_pss_mib"]) if p.get("tree_peak_pss_mib") else None
        out[peer] = {"templates_per_cpu_s_ratio": rnd(tpc, 2), "templates_per_wall_s_ratio": rnd(tpw, 2),
                     "peak_rss_ratio": rnd(rss, 4), "peak_rss_vs_tree_pss_ratio": rnd(pss, 4)}
        t1 = f"  (target >= 100x: {'met' if tpc >= 100 else 'NOT met'})" if peer == "checkov" and tpc else ""
        t2 = f"  (target <= 0.2: {'met' if rss <= 0.2 else 'NOT met'})" if peer == "checkov" and rss else ""
        lines.append(f"vs {peer:9}: templates/CPU-s x{fmt(tpc, 1)}{t1}; templates/s (wall) x{fmt(tpw, 1)}")
        lines.append(f"{'':14}peak RSS nextgap/{peer} = {fmt(rss, 3)}{t2}"
                     + (f"; vs {peer}'s summed tree PSS = {fmt(pss, 3)}" if pss is not None else ""))
    util = ng.get("cpu_util")
    out["nextgap_cpu_util"] = rnd(util, 2)
    lines.append(f"nextgap CPU/wall = {fmt(util, 2)} on {nproc} cores"
                 + (f" ({100 * util / nproc:.0f}% of the machine)" if util and nproc else ""))
    j1 = results.get("nextgap --jobs 1")
    if j1 and j1.get("status") == "ok" and ng.get("wall_s"):
        speedup = j1["wall_s"] / ng["wall_s"]
        out["nextgap_jobs1_cpu_util"] = rnd(j1.get("cpu_util"), 2)
        out["nextgap_parallel_speedup"] = rnd(speedup, 2)
        lines.append(f"nextgap --jobs 1: CPU/wall = {fmt(j1.get('cpu_util'), 2)}; default jobs is x{speedup:.2f} faster "
                     f"in wall time (CPU {fmt(ng.get('cpu_s'), 3)} s vs {fmt(j1.get('cpu_s'), 3)} s)")
    return out, lines


# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/iac", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpora" / "cfn",
                    help="directory of templates (default: ../shared/corpora/cfn from the repo root)")
    ap.add_argument("--scratch", type=Path,
                    default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nextgap-bench",
                    help="where peer tools are installed and outputs kept (default: %(default)s)")
    ap.add_argument("--tools", default="nextgap,cfn-guard,cfn-lint,checkov",
                    help="comma-separated subset of nextgap,cfn-guard,cfn-lint,checkov")
    ap.add_argument("--repeat", type=int, default=5, help="timed nextgap runs per mode; the median is reported")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per tool run (default 1800)")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the peer-tool venv")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="SECONDS",
                    help="before each tool, wait up to this long for other processes to leave the "
                         "CPUs idle (default 60; 0: do not wait)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nextgap")
    ap.add_argument("--nextgap-bin", type=Path, help="benchmark this nextgap binary (implies --no-build)")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    args.repeat = max(1, args.repeat)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(tools) - {"nextgap", "cfn-guard", "cfn-lint", "checkov"}
    if unknown:
        ap.error(f"unknown tool(s): {', '.join(sorted(unknown))}")

    started = dt.datetime.now(dt.timezone.utc)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"bench/iac: corpus {args.corpus} not found; nothing to benchmark "
              f"(it is expected at ../shared/corpora/cfn from the repo root).")
        return 0

    subreaper = become_subreaper()
    scratch = args.scratch.resolve()
    logs = scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    facts = machine_facts()
    log(f"machine: {facts['nproc']} cores, {facts['cpu_model']}, {facts['mem_total_gib']} GiB; scratch {scratch}")

    # 1. peer tools, 2. nextgap: every step may fail on its own
    status: dict[str, dict] = {}
    venv = guard = exe = None
    if "checkov" in tools or "cfn-lint" in tools:
        venv, msg = ensure_venv(scratch, args.python, logs)
        for t in ("checkov", "cfn-lint"):
            status[t] = {"install": msg} if venv else {"error": msg}
    if "cfn-guard" in tools:
        guard, msg = ensure_guard(scratch, logs)
        status["cfn-guard"] = {"install": msg} if guard else {"error": msg}
        if guard:
            bad = guard_selfcheck(guard)
            if bad:
                status["cfn-guard"] = {"error": bad}
                guard = None
    if "nextgap" in tools:
        if args.nextgap_bin:
            exe = args.nextgap_bin.resolve() if args.nextgap_bin.exists() else None
            msg = f"given: {args.nextgap_bin}" if exe else f"{args.nextgap_bin} missing"
        elif args.no_build:
            target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
            exe = (target if target.is_absolute() else REPO / target) / "release" / "nextgap"
            msg = "not rebuilt (--no-build)" if exe.exists() else f"{exe} missing (--no-build)"
            exe = exe if exe.exists() else None
        else:
            exe, msg = build_nextgap(logs)
        status["nextgap"] = {"install": msg} if exe else {"error": msg}

    versions = {}
    if venv:
        versions["checkov"] = first_line(sh([venv / "bin" / "checkov", "--version"],
                                             env=dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE")).stdout)
        versions["cfn-lint"] = first_line(sh([venv / "bin" / "cfn-lint", "--version"]).stdout)
        versions["python (venv)"] = first_line(sh([venv / "bin" / "python", "--version"]).stdout)
    if guard:
        versions["cfn-guard"] = first_line(sh([guard, "--version"]).stdout)
    if exe:
        versions["nextgap"] = first_line(sh([exe, "--version"]).stdout)
    for name, v in versions.items():
        log(f"{name}: {v}")

    # 3. corpus
    templates = find_templates(corpus)
    size = sum(p.stat().st_size for p in templates)
    by_ext: dict[str, int] = {}
    for p in templates:
        by_ext[p.suffix.lower()] = by_ext.get(p.suffix.lower(), 0) + 1
    log(f"corpus {corpus}: {len(templates)} templates, {size / 1e6:.1f} MB {by_ext}")
    if not templates:
        print(f"bench/iac: no templates under {corpus}; nothing to benchmark.")
        return 0
    for p in templates:  # same warm page cache for every tool
        try:
            p.read_bytes()
        except OSError:
            pass

    ctx = Ctx(args, scratch, corpus, templates)
    results: dict[str, dict] = {}

    def attempt(name: str, fn, *a):
        if name.split()[0] in status and "error" in status[name.split()[0]]:
            results[name] = {"tool": name, "status": "failed", "error": status[name.split()[0]]["error"]}
            log(f"{name}: skipped, {first_line(results[name]['error'])}")
            return
        if args.wait_idle > 0:
            load = wait_idle(args.wait_idle)
            if load is not None and load >= 0.25:
                log(f"machine still busy ({load:.2f} cores used by other processes) after waiting "
                    f"{args.wait_idle:.0f} s; running {name} anyway")
        else:
            load = None
        log(f"running {name}")
        try:
            r = fn(ctx, *a)
        except Exception as e:  # a harness bug for one tool must not stop the others
            import traceback
            r = {"tool": name, "status": "failed", "error": f"harness error: {e}\n{traceback.format_exc()}"}
        else:
            ok = r.get("wall_s") is not None and not r.get("timed_out") and r.get("findings") is not None
            if name.startswith("nextgap"):
                ok = ok and r.get("exit_code") == 0
            r["status"] = "ok" if ok else "failed"
            if not ok:
                r.setdefault("error", "; ".join(r.get("notes") or []) or
                             f"exit {r.get('exit_code')}, no parseable report")
        r["background_cores_before"] = load
        results[name] = r
        log(f"{name}: exit {r.get('exit_code')}, wall {fmt(r.get('wall_s'), 3)} s, CPU {fmt(r.get('cpu_s'), 3)} s, "
            f"peak RSS {fmt(r.get('peak_rss_mib'), 1)} MiB, findings {r.get('findings')}")

    # 4. runs: nextgap first (seconds), then the peers from fastest to slowest
    if "nextgap" in tools:
        attempt("nextgap", run_nextgap, exe, None)
        attempt("nextgap --jobs 1", run_nextgap, exe, 1)
    if "cfn-guard" in tools:
        attempt("cfn-guard", run_cfn_guard, guard)
    if "cfn-lint" in tools:
        attempt("cfn-lint", run_cfn_lint, venv)
    if "checkov" in tools:
        attempt("checkov", run_checkov, venv)

    # 5. report
    rows = [results[k] for k in ("nextgap", "nextgap --jobs 1", "cfn-guard", "cfn-lint", "checkov") if k in results]
    ratio_data, ratio_lines = ratios(results, facts.get("nproc"))
    elapsed = time.monotonic() - T0

    print()
    print("== machine")
    print(f"cores (nproc): {facts['nproc']}   CPU: {facts['cpu_model']}   memory: {facts['mem_total_gib']} GiB")
    print(f"{facts['os']}, Linux {facts['kernel']}, {facts['rustc']}, Python {facts['python']}; "
          f"nextgap at {facts['git_commit']}")
    print("tools: " + "; ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    print(f"== corpus: {corpus}")
    print(f"{len(templates)} templates ({', '.join(f'{v} {k}' for k, v in sorted(by_ext.items()))}), "
          f"{size / 1e6:.1f} MB")
    print()
    print("== results")
    print(table(rows))
    print()
    print("== ratios (nextgap = default --jobs, median of "
          f"{args.repeat} runs; peers run once)")
    for line in ratio_lines:
        print(line)
    notes = []
    for r in rows:
        if r.get("status") == "failed":
            notes.append(f"{r['tool']}: FAILED: {r.get('error')}")
        for n in r.get("notes") or []:
            notes.append(f"{r['tool']}: {n}")
        if r["tool"] == "checkov" and r.get("status") == "ok":
            notes.append(f"checkov: {r.get('parse_failures', '-')} template(s) checkov could not parse; "
                         f"{r.get('check_crashes', 0)} check run(s) crashed (`Failed to run check`, "
                         f"{r.get('stderr_tracebacks', 0)} traceback(s)); {r.get('stderr_error_lines', 0)} "
                         f"ERROR/`Failed to` line(s) on stderr; peak {r.get('tree_peak_procs', '-')} processes")
        if r["tool"] == "cfn-lint" and r.get("status") == "ok":
            notes.append(f"cfn-lint: {r.get('parse_failures', '-')} template(s) failed to parse (E0000); "
                         f"findings by level {r.get('by_level')}")
        if r["tool"] == "nextgap" and r.get("status") == "ok":
            notes.append(f"nextgap: {r.get('files_scanned')} scanned, {r.get('files_skipped')} skipped as not "
                         f"templates, {r.get('files_failed')} failed; {_nextgap_cfg.get('rules_total')} rules "
                         f"({len(_nextgap_cfg.get('rules_off_by_default') or [])} off by default, turned on)")
    busy = [r for r in rows if (r.get("background_cores") or 0) >= 0.25]
    if busy:
        notes.append("other processes kept the CPUs busy during: " + ", ".join(
            f"{r['tool']} ({r['background_cores']:.2f} cores)" for r in busy)
            + " - wall times (and so CPU/wall) are inflated there; CPU seconds much less so")
    if notes:
        print()
        print("== notes")
        for n in notes:
            print("- " + n.replace("\n", "\n  "))
    print()
    print("peak RSS = ru_maxrss: the largest single process of the tool's tree (checkov forks parser workers:"
          " each counts alone). tree PSS = sampled peak of the summed PSS of the whole tree (peers only).")
    print("bg cores = cores kept busy by other processes on the machine during the run (from /proc/stat).")
    print(f"whole bench run: {elapsed:.0f} s")

    record = {
        "schema": 1,
        "started_utc": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "machine": facts,
        "versions": versions,
        "corpus": {"path": str(corpus), "templates": len(templates), "bytes": size, "by_extension": by_ext},
        "settings": {"repeat_nextgap": args.repeat, "timeout_s": args.timeout, "subreaper": subreaper,
                     "nextgap_rules": {k: v for k, v in _nextgap_cfg.items() if k != "cfg"}},
        "install": status,
        "results": {k: {kk: (rnd(vv, 4) if isinstance(vv, float) else vv) for kk, vv in v.items()}
                    for k, v in results.items()},
        "ratios": ratio_data,
        "table": table(rows),
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out_path = args.results_dir / f"iac-{started.astimezone().date().isoformat()}.json"
    out_path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"results: {out_path}")
    ng = results.get("nextgap")
    return 0 if ng and ng.get("status") == "ok" else (1 if "nextgap" in tools else 0)


if __name__ == "__main__":
    sys.exit(main())
