#!/usr/bin/env python3
"""bench/live harness: `nextgap scan` against Prowler on the same insecure account, emulated by moto.

Run it through `bench/live`. Steps, each isolated so that one tool failing never stops the other:

  1. install moto_server + boto3 and Prowler, each in its own venv in the scratch directory
     (idempotent, pinned by bench/live-*-requirements.txt and live-*-constraints.txt);
  2. build nextgap in release with the `aws` feature (when that fails, say so and still run
     Prowler, so the harness is proven);
  3. start moto_server on 127.0.0.1 with a free port, in its own process group;
  4. seed the insecure account with bench/seed_insecure_account.py (the ground truth);
  5. run Prowler and `nextgap scan` against it, measuring wall, CPU and peak RSS;
  6. print which planted anti-pattern each tool reported, the ratios and the failures, and
     write bench/results/live-<date>.json; stop moto (the whole process group).

Measured as in bench/iac (see bench/README.md): CPU = delta of getrusage(RUSAGE_CHILDREN)
around the run (the harness is a child subreaper and reaps the tool's orphans); peak RSS =
ru_maxrss from wait4 (largest single process); tree PSS = sampled peak of the summed PSS of
the tool's process tree. Besides, the emulator's own CPU seconds during each run and the
requests it served (from moto's access log) are recorded: the work the tool caused but did
not do itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import iac_bench as ib  # noqa: E402  (shared helpers: logging, machine facts, /proc readers)

log, sh, first_line, tail, mib, rnd, fmt = ib.log, ib.sh, ib.first_line, ib.tail, ib.mib, ib.rnd, ib.fmt

DEFAULT_TIMEOUT = 30 * 60
REGION = "us-east-1"
# What nextgap reads (crates/source-aws): Prowler gets the same services unless --prowler-scope all.
PROWLER_SERVICES = ["accessanalyzer", "account", "backup", "cloudtrail", "config", "dynamodb", "ec2",
                    "guardduty", "iam", "macie", "organizations", "rds", "s3", "securityhub"]

# --------------------------------------------------------------------------------------
# ground truth -> the tools' checks
#
# For every planted anti-pattern (ids from seed_insecure_account.py):
#   prowler:  check ids whose FAIL on the planted resource reports it, and whose PASS on it
#             would be a false PASS (a check that judges something else is not listed);
#   prowler_account: of those, the checks Prowler reports on an account-level pseudo-resource
#             (any result of theirs counts, whatever its resource);
#   nextgap:  rule ids, matched on the resource ARN; when none of them exists in the binary
#             (renumbered), any rule of `families` on the resource counts instead.
# Prowler has no check at all for some items: those are "no check".

P_ACCOUNT = {"iam_password_policy_minimum_length_14", "iam_password_policy_reuse_24",
             "iam_password_policy_lowercase", "iam_password_policy_uppercase", "iam_password_policy_number",
             "iam_password_policy_symbol", "iam_password_policy_expires_passwords_within_90_days_or_less",
             "s3_account_level_public_access_blocks", "cloudtrail_multi_region_enabled",
             "cloudtrail_multi_region_enabled_logging_management_events", "config_recorder_all_regions_enabled"}

MAPPING: dict[str, dict] = {
    "IAM-CONSOLE-NO-MFA": dict(prowler=["iam_user_mfa_enabled_console_access"],
                               nextgap=["NG-IAM-263"], families=["IAM-KEYS"]),
    "IAM-TWO-ACTIVE-KEYS": dict(prowler=["iam_user_two_active_access_key"],
                                nextgap=["NG-IAM-262"], families=["IAM-KEYS"]),
    "IAM-ADMIN-ON-USER": dict(prowler=["iam_user_administrator_access_policy",
                                       "iam_policy_attached_only_to_group_or_roles"],
                              nextgap=["NG-IAM-104", "NG-IAM-105", "NG-IAM-100"], families=["IAM-BROAD"]),
    "IAM-ROLE-TRUST-ANY": dict(prowler=[], nextgap=["NG-IAM-107"], families=["IAM-BROAD"]),
    # Prowler's only cross-account trust check (iam_role_cross_account_readonlyaccess_policy) judges
    # whether such a role has ReadOnlyAccess attached, not the missing ExternalId
    "IAM-ROLE-FOREIGN-NO-EXTID": dict(prowler=[], nextgap=["NG-IAM-108"], families=["IAM-BROAD"]),
    "IAM-WEAK-PASSWORD-POLICY": dict(prowler=["iam_password_policy_minimum_length_14",
                                              "iam_password_policy_reuse_24"],
                                     nextgap=["NG-IAM-264"], families=["IAM-KEYS"]),
    "S3-BUCKET-PUBLIC-ACL": dict(prowler=["s3_bucket_public_access", "s3_bucket_public_list_acl"],
                                 nextgap=["NG-S3-056", "NG-S3-057"], families=["GAP-PUBLIC-S3"]),
    "S3-BUCKET-PUBLIC-POLICY": dict(prowler=["s3_bucket_public_access"],
                                    nextgap=["NG-S3-060"], families=["GAP-PUBLIC-S3"]),
    "S3-BUCKET-NO-BPA": dict(prowler=["s3_bucket_level_public_access_block"],
                             nextgap=["NG-S3-059", "NG-S3-058"], families=["GAP-PUBLIC-S3"]),
    "S3-ACCOUNT-NO-BPA": dict(prowler=["s3_account_level_public_access_blocks"],
                              nextgap=["NG-S3-277"], families=["GAP-PUBLIC-S3"]),
    "SG-SSH-WORLD": dict(prowler=["ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"],
                         nextgap=["NG-EC2-001", "NG-EC2-005"], families=["NET-OPEN"]),
    "SG-ALL-PORTS-IPV6": dict(prowler=["ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
                                       "ec2_securitygroup_allow_ingress_from_internet_to_any_port"],
                              nextgap=["NG-EC2-003"], families=["NET-OPEN"]),
    "SG-DEFAULT-OPEN": dict(prowler=["ec2_securitygroup_default_restrict_traffic"],
                            nextgap=["NG-EC2-270"], families=["NET-OPEN"]),
    "EBS-VOLUME-UNENCRYPTED": dict(prowler=["ec2_ebs_volume_encryption"],
                                   nextgap=["NG-EC2-174"], families=["DATA-ENCRYPT"]),
    "EBS-SNAPSHOT-PUBLIC": dict(prowler=["ec2_ebs_public_snapshot"],
                                nextgap=["NG-EC2-278"], families=["GAP-PUBLIC-SNAPSHOT"]),
    "RDS-PUBLIC": dict(prowler=["rds_instance_no_public_access"], nextgap=["NG-RDS-008"], families=["NET-OPEN"]),
    "RDS-NO-BACKUP": dict(prowler=["rds_instance_backup_enabled"], nextgap=["NG-RDS-160"],
                          families=["BACKUP-NONE"]),
    "RDS-NO-DELETION-PROTECTION": dict(prowler=["rds_instance_deletion_protection"], nextgap=["NG-RDS-151"],
                                       families=["OUTAGE-STATEFUL"]),
    "RDS-SNAPSHOT-PUBLIC": dict(prowler=["rds_snapshots_public_access"], nextgap=["NG-RDS-279"],
                                families=["GAP-PUBLIC-SNAPSHOT"]),
    # Prowler: one account-level check for "a multi-region trail is logging in every region"
    "CLOUDTRAIL-SINGLE-REGION": dict(prowler=["cloudtrail_multi_region_enabled",
                                              "cloudtrail_multi_region_enabled_logging_management_events"],
                                     nextgap=["NG-CLOUDTRAIL-051"], families=["GAP-TRAIL"]),
    "CLOUDTRAIL-NOT-LOGGING": dict(prowler=["cloudtrail_multi_region_enabled"], nextgap=["NG-CLOUDTRAIL-050"],
                                   families=["GAP-TRAIL"]),
    "CONFIG-NO-RECORDER": dict(prowler=["config_recorder_all_regions_enabled"], nextgap=["NG-CONFIG-276"],
                               families=["GAP-CONFIG"]),
    "DYNAMODB-NO-PITR": dict(prowler=["dynamodb_tables_pitr_enabled"], nextgap=["NG-DYNAMODB-163"],
                             families=["BACKUP-NONE"]),
    # Prowler reads vault locks but has no check on them (backup_vaults_exist judges existence)
    "BACKUP-VAULT-UNLOCKED": dict(prowler=[], nextgap=["NG-BACKUP-291"], families=["BACKUP-SAME-ACCOUNT"]),
}


# --------------------------------------------------------------------------------------
# installs


def ensure_venv(scratch: Path, name: str, stem: str, bins: list[str], python: str, logs: Path
                ) -> tuple[Path | None, str]:
    """A venv <scratch>/<name> with bench/<stem>-requirements.txt, constrained by -constraints.txt."""
    venv = scratch / name
    req, cons = BENCH / f"{stem}-requirements.txt", BENCH / f"{stem}-constraints.txt"
    pyver = first_line(sh([python, "-c", "import sys; print(sys.version)"]).stdout)
    want = hashlib.sha256(req.read_bytes() + cons.read_bytes() + pyver.encode()).hexdigest()
    stamp = venv / ".nextgap-bench-stamp"
    exes = [venv / "bin" / b for b in bins]
    if stamp.is_file() and stamp.read_text().strip() == want and all(e.exists() for e in exes):
        return venv, "already installed"
    plog = logs / f"pip-{name}.log"
    log(f"installing {req.name} into {venv} (a few minutes, once; log: {plog})")
    if not (venv / "bin" / "python").exists():
        if ib.run_logged([python, "-m", "venv", venv], plog) != 0:
            return None, f"python -m venv failed (see {plog})"
    vpy = venv / "bin" / "python"
    ib.run_logged([vpy, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-U", "pip"], plog)
    pip = [vpy, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    rc = ib.run_logged(pip + ["-r", req, "-c", cons], plog)
    how = f"installed (pinned tree from {cons.name})"
    if rc != 0:
        log(f"pinned tree for {name} did not install (other Python?); retrying with the top-level pins only")
        rc = ib.run_logged(pip + ["-r", req], plog)
        how = f"installed (top-level pins only; {cons.name} did not resolve on this Python)"
    if rc != 0 or not all(e.exists() for e in exes):
        return None, f"pip install failed (see {plog}):\n{tail(plog)}"
    stamp.write_text(want + "\n")
    return venv, how


def build_nextgap(logs: Path) -> tuple[Path | None, str]:
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    exe = target / "release" / "nextgap"
    blog = logs / "nextgap-aws-build.log"
    log(f"cargo build --release -p nextgap --features aws (log: {blog})")
    t0 = time.monotonic()
    rc = ib.run_logged(["cargo", "build", "--release", "-p", "nextgap", "--features", "aws"], blog, cwd=REPO,
                       timeout=2 * 3600)
    if rc != 0 or not exe.exists():
        return None, (f"cargo build --release -p nextgap --features aws failed (exit {rc}; see {blog}):\n"
                      f"{tail(blog, 15)}")
    return exe, f"built with --features aws in {time.monotonic() - t0:.0f} s"


def scan_available(exe: Path) -> str | None:
    """None when `nextgap scan` is compiled in; else why not."""
    r = sh([exe, "scan", "--help"])
    if r.returncode != 0:
        return f"`nextgap scan --help` exited {r.returncode}: {first_line(r.stdout)}"
    if "--endpoint-url" not in (r.stdout or ""):
        return "`nextgap scan` has no --endpoint-url"
    return None


# --------------------------------------------------------------------------------------
# the emulator


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    return data[data.rfind(")") + 2:].split()  # fields from `state` on


class Moto:
    """moto_server in its own process group (it may fork: the group is what gets killed)."""

    def __init__(self, venv: Path, out: Path):
        self.exe = venv / "bin" / "moto_server"
        self.log_path = out / "moto.log"
        self.proc: subprocess.Popen | None = None
        self.port = None
        self.url = None
        self.hz = os.sysconf("SC_CLK_TCK")

    def start(self, timeout: float = 90) -> str | None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_EC2_LOAD_DEFAULT_AMIS="false",
                   AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
        for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            env.pop(k, None)
        self.logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.exe, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                     stdout=self.logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"moto_server exited {self.proc.returncode}:\n{tail(self.log_path, 15)}"
            try:
                with urllib.request.urlopen(self.url + "/moto-api/", timeout=2) as r:
                    if r.status == 200:
                        return None
            except OSError:
                pass
            time.sleep(0.25)
        return f"moto_server did not answer on {self.url} within {timeout:.0f} s:\n{tail(self.log_path, 15)}"

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=30).read()

    def pids(self) -> list[int]:
        if not self.proc:
            return []
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                st = _proc_stat(int(d))
                if st and len(st) > 3 and int(st[2]) == self.proc.pid:  # pgrp
                    out.append(int(d))
        return out

    def cpu_s(self) -> float:
        total = 0
        for p in self.pids():
            st = _proc_stat(p)
            if st:
                total += int(st[11]) + int(st[12])  # utime stime
        return total / self.hz

    def log_offset(self) -> int:
        try:
            self.logf.flush()
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def requests(self, start: int, end: int) -> dict:
        """What moto's access log and tracebacks say about [start, end) of its log."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                text = f.read(max(0, end - start)).decode(errors="replace")
        except OSError:
            return {}
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # werkzeug colours non-200 lines
        codes: dict[str, int] = {}
        for m in re.finditer(r'"[A-Z]+ \S* HTTP/[\d.]+" (\d{3})', text):
            codes[m.group(1)] = codes.get(m.group(1), 0) + 1
        missing = sorted(set(re.findall(r"The (\w+) action has not been implemented", text)))
        return {"requests": sum(codes.values()), "by_status": dict(sorted(codes.items())),
                "server_errors": sum(v for k, v in codes.items() if k.startswith("5")),
                "not_implemented_actions": missing}

    def stop(self) -> None:
        if not self.proc:
            return
        pgid = self.proc.pid
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and self.pids():
                self._reap()
                time.sleep(0.1)
            if not self.pids():
                break
        self._reap()
        self.proc = None
        try:
            self.logf.close()
        except OSError:
            pass

    def _reap(self) -> None:
        # moto itself and any of its workers re-parented to us (we are a subreaper)
        for p in [self.proc.pid] if self.proc else []:
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return


# --------------------------------------------------------------------------------------
# measuring one tool run (bench/iac's method, with the emulator kept out of the tool's tree)


class ToolSampler(threading.Thread):
    """Samples the summed PSS/RSS of the tool's process tree (rooted at its pid)."""

    def __init__(self, root: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop_event = threading.Event()
        self.peak_pss = self.peak_rss = self.peak_procs = self.samples = 0

    def run(self) -> None:
        while not self.stop_event.is_set():
            pids = [self.root] + ib.descendants(self.root)
            pss = rss = 0
            for p in pids:
                a, b = ib._mem_kib(p)
                pss, rss = pss + a, rss + b
            if pss:
                self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
                self.peak_procs = max(self.peak_procs, len(pids))
                self.samples += 1
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


def measure(cmd, *, cwd: Path, env: dict, stdout: Path, stderr: Path, timeout: float, moto: Moto) -> dict:
    cmd = [str(c) for c in cmd]
    keep = set(moto.pids())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    moto_cpu0, moto_off0 = moto.cpu_s(), moto.log_offset()
    machine0 = ib.cpu_times()
    t0 = time.perf_counter()
    try:
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
    except OSError as e:
        return {"exit_code": None, "error": f"could not start: {e}", "cmd": cmd}
    sampler = ToolSampler(proc.pid)
    sampler.start()
    timed_out = threading.Event()

    def on_timeout():
        timed_out.set()
        for p in [proc.pid] + ib.descendants(proc.pid):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass

    timer = threading.Timer(timeout, on_timeout)
    timer.daemon = True
    timer.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    machine1 = ib.cpu_times()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop()
    # orphans of the tool were re-parented to us: reap them (never the emulator)
    notes, orphan_rss, deadline = [], 0, time.monotonic() + 5
    while True:
        left = [p for p in ib.descendants(os.getpid()) if p not in keep and p not in set(moto.pids())]
        if not left:
            break
        for p in left:
            try:
                pid, _, oru = os.wait4(p, os.WNOHANG)
                if pid:
                    orphan_rss = max(orphan_rss, oru.ru_maxrss)
            except ChildProcessError:
                pass
        if time.monotonic() > deadline:
            notes.append(f"killed {len(left)} leftover process(es) after the tool exited")
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                    os.wait4(p, 0)
                except OSError:
                    pass
            break
        time.sleep(0.05)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    moto_cpu = moto.cpu_s() - moto_cpu0
    user, sys_ = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    res = {
        "cmd": cmd, "exit_code": proc.returncode, "timed_out": timed_out.is_set(), "wall_s": wall,
        "user_s": user, "sys_s": sys_, "cpu_s": user + sys_, "cpu_util": (user + sys_) / wall if wall else None,
        "peak_rss_mib": mib(max(ru.ru_maxrss, orphan_rss)),
        "tree_peak_pss_mib": mib(sampler.peak_pss) if sampler.samples else None,
        "tree_peak_rss_sum_mib": mib(sampler.peak_rss) if sampler.samples else None,
        "tree_peak_procs": sampler.peak_procs, "tree_samples": sampler.samples,
        "emulator_cpu_s": moto_cpu, "emulator": moto.requests(moto_off0, moto.log_offset()), "notes": notes,
    }
    if machine0 and machine1 and wall > 0:
        res["background_cores"] = max(0.0, ((machine1[0] - machine0[0]) - (user + sys_) - moto_cpu) / wall)
    if timed_out.is_set():
        notes.append(f"killed after the {timeout:.0f} s timeout")
    return res


def tool_env(endpoint: str, scratch: Path) -> dict:
    """Fake credentials, the emulator as the only endpoint, no AWS config files, no IMDS, and every
    non-loopback HTTP(S) request sent to a dead loopback proxy (no network but loopback)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "BC_")) and k.lower() not in ("http_proxy", "https_proxy", "no_proxy",
                                                                       "all_proxy")}
    empty = scratch / "empty-aws-config"
    empty.write_text("")
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_REGION=REGION, AWS_ENDPOINT_URL=endpoint, AWS_CONFIG_FILE=str(empty),
               AWS_SHARED_CREDENTIALS_FILE=str(empty), AWS_EC2_METADATA_DISABLED="true",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", ALL_PROXY="http://127.0.0.1:9",
               NO_PROXY="127.0.0.1,localhost", CI="true")
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        env[k.lower()] = env[k]
    return env


# --------------------------------------------------------------------------------------
# the tools


class Ctx:
    def __init__(self, args, scratch: Path, moto: Moto, planted: list[dict]):
        self.args, self.scratch, self.moto, self.planted = args, scratch, moto, planted
        self.out = scratch / "live-out"
        self.work = scratch / "work"
        self.out.mkdir(parents=True, exist_ok=True)
        self.work.mkdir(parents=True, exist_ok=True)


def load_json(path: Path):
    try:
        return json.loads(path.read_text(errors="replace") or "null")
    except (OSError, ValueError):
        return None


def prowler_errors(log_file: Path) -> list[str]:
    """Prowler's ERROR/CRITICAL log records, one short line each: `service: Error Operation`."""
    out: dict[str, int] = {}
    try:
        lines = log_file.read_text(errors="replace").splitlines()
    except OSError:
        return []
    text = "\n".join(lines)
    for m in re.finditer(r'"level": "(ERROR|CRITICAL)", "module": "([^"]*)", "message": "([^\n]*)', text):
        module, msg = m.group(2), re.sub(r'"\}\s*$', "", m.group(3))
        msg = re.sub(r"^[\w-]+ -- ", "", msg)  # region
        msg = re.sub(r"\[\d+\]", "", msg)  # line numbers
        op = re.search(r"calling the (\w+) operation", msg)
        err = msg.split(":", 1)[0]
        code = re.search(r"An error occurred \(([^)]*)\)", msg)
        key = f"{module.replace('_service', '')}: {err}" + (f" ({code.group(1)})" if code else "") \
            + (f" {op.group(1)}" if op else (": " + msg.split(":", 1)[1].strip()[:90] if ":" in msg else ""))
        out[key] = out.get(key, 0) + 1
    return [f"{k}" + (f" (x{v})" if v > 1 else "") for k, v in sorted(out.items())]


def run_prowler(ctx: Ctx, venv: Path) -> dict:
    outdir = ctx.out / "prowler"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    logf = ctx.out / "prowler-errors.log"
    logf.unlink(missing_ok=True)
    cmd = [venv / "bin" / "prowler", "aws", "--region", REGION, "-M", "json-ocsf", "-o", outdir, "-F", "prowler",
           "--no-banner", "--no-color", "--ignore-exit-code-3", "--log-level", "ERROR", "--log-file", logf]
    if not ctx.args.prowler_defaults:
        cmd.append("--scan-unused-services")
    if ctx.args.prowler_scope == "services":
        cmd += ["--service"] + PROWLER_SERVICES
    res = measure(cmd, cwd=ctx.work, env=tool_env(ctx.moto.url, ctx.scratch), stdout=ctx.out / "prowler.stdout",
                  stderr=ctx.out / "prowler.stderr", timeout=ctx.args.timeout, moto=ctx.moto)
    res["tool"] = "prowler"
    data = load_json(outdir / "prowler.ocsf.json")
    results = []
    if isinstance(data, list):
        for f in data:
            try:
                results.append({"check": f["metadata"]["event_code"], "status": f["status_code"],
                                "resource": (f.get("resources") or [{}])[0].get("uid", ""),
                                "detail": (f.get("status_detail") or "")[:200]})
            except (KeyError, TypeError, AttributeError):
                continue
    res["results"] = results if isinstance(data, list) else None
    res["findings"] = sum(1 for r in results if r["status"] == "FAIL") if isinstance(data, list) else None
    res["passes"] = sum(1 for r in results if r["status"] == "PASS")
    res["checks_reported"] = len({r["check"] for r in results})
    m = re.search(r"Executing (\d+) checks", (ctx.out / "prowler.stdout").read_text(errors="replace")
                  if (ctx.out / "prowler.stdout").exists() else "")
    res["checks_executed"] = int(m.group(1)) if m else None
    res["errors"] = prowler_errors(logf)
    if res["findings"] is None:
        res["notes"].append(f"no OCSF report; stderr tail:\n{tail(ctx.out / 'prowler.stderr', 10)}")
    return res


_rules_cache: dict = {}


def nextgap_rules(exe: Path) -> dict:
    """{id: {name, family, default_enabled}} from `nextgap rules --format json`."""
    if "rules" not in _rules_cache:
        r = sh([exe, "rules", "--format", "json"])
        try:
            _rules_cache["rules"] = {x["id"]: x for x in json.loads(r.stdout) if isinstance(x, dict) and "id" in x}
        except (ValueError, TypeError):
            _rules_cache["rules"] = {}
    return _rules_cache["rules"]


def nextgap_config(ctx: Ctx, exe: Path) -> Path | None:
    off = [i for i, x in nextgap_rules(exe).items() if x.get("default_enabled") is False]
    if not off:
        return None
    cfg = ctx.scratch / "nextgap-live-all-rules.toml"
    cfg.write_text("[rules]\nenable = [" + ", ".join(json.dumps(i) for i in off) + "]\n")
    return cfg


def run_nextgap(ctx: Ctx, exe: Path) -> dict:
    report = ctx.out / "nextgap.json"
    cfg = nextgap_config(ctx, exe)
    base = [exe, "scan", "--endpoint-url", ctx.moto.url, "--region", REGION, "--format", "json",
            "--fail-on", "never"] + (["--config", cfg] if cfg else ["--no-config"])
    env = tool_env(ctx.moto.url, ctx.scratch)
    runs = []
    for i in range(ctx.args.repeat + 1):  # run 0 is untimed (warm caches); every run keeps its report
        out = ctx.out / f"nextgap-{i}.json"
        r = measure(base + ["-o", out], cwd=ctx.work, env=env, stdout=ctx.out / "nextgap.stdout",
                    stderr=ctx.out / "nextgap.stderr", timeout=ctx.args.timeout, moto=ctx.moto)
        r["report"] = out
        runs.append(r)
        if r.get("exit_code") != 0:
            break
    timed = runs[1:] or runs
    ok = [r for r in timed if r.get("exit_code") == 0]
    pick = ok or timed
    med = sorted(pick, key=lambda r: r.get("wall_s") or 0)[len(pick) // 2]
    res = dict(med)
    res["tool"] = "nextgap"
    res["runs"] = len(timed)
    res["samples"] = [{k: rnd(r.get(k), 4) for k in ("wall_s", "cpu_s", "peak_rss_mib", "emulator_cpu_s")}
                      for r in timed]
    res["peak_rss_mib"] = max((r.get("peak_rss_mib") or 0 for r in pick), default=None)
    res["cmd"] = [str(c) for c in base + ["-o", str(report)]]
    if med.get("report") and Path(med["report"]).exists():
        shutil.copyfile(med["report"], report)
    d = load_json(report)
    if not isinstance(d, dict) or "findings" not in d:
        res["findings"] = None
        res["notes"].append(f"no JSON report (exit {med.get('exit_code')}); stderr tail:\n"
                            f"{tail(ctx.out / 'nextgap.stderr', 10)}")
        return res
    rules = nextgap_rules(exe)
    results = []
    for f in d.get("findings") or []:
        loc = f.get("location") or {}
        results.append({"rule": f.get("rule_id"), "family": f.get("family"), "status": "FAIL",
                        "resource": loc.get("arn") or loc.get("logical_id") or "", "detail": f.get("title", "")})
    fails = {(r["rule"], r["resource"]) for r in results}
    for c in d.get("checks") or []:
        if c.get("status") == "FAIL" and (c.get("rule_id"), c.get("resource")) in fails:
            continue
        results.append({"rule": c.get("rule_id"), "family": c.get("family"), "status": c.get("status"),
                        "resource": c.get("resource", ""), "detail": c.get("reason", "")})
    res["results"] = results
    summary = d.get("summary") or {}
    res["findings"] = summary.get("findings", len(d.get("findings") or []))
    res["check_counts"] = summary.get("checks")
    res["passes"] = (summary.get("checks") or {}).get("pass")
    res["unknown"] = (summary.get("checks") or {}).get("unknown")
    res["rules_total"] = len(rules)
    res["errors"] = [f"{e.get('file')}: {e.get('message')}" for e in d.get("errors") or []]
    res["unknown_reasons"] = sorted({f"{c.get('rule_id')}: {c.get('reason')}" for c in d.get("checks") or []
                                     if c.get("status") == "UNKNOWN"})[:40]
    return res


# --------------------------------------------------------------------------------------
# planted anti-pattern x tool


def _matches(item: dict, resource: str) -> bool:
    return any(n and n in (resource or "") for n in item.get("match") or [item["resource"]])


def verdict(item: dict, tool: str, res: dict | None, known_rules: set[str]) -> dict:
    """found / FALSE PASS / UNKNOWN / not reported / no check, and the checks behind it."""
    if not res or res.get("results") is None:
        return {"verdict": "not run"}
    m = MAPPING.get(item["id"], {})
    if tool == "prowler":
        checks = m.get("prowler") or []
        if not checks:
            return {"verdict": "no check"}
        hits = [r for r in res["results"] if r["check"] in checks
                and (r["check"] in P_ACCOUNT or _matches(item, r["resource"]))]
        key = "check"
    else:
        wanted = [r for r in m.get("nextgap") or [] if r in known_rules]
        families = set(m.get("families") or [])
        hits = [r for r in res["results"] if _matches(item, r["resource"])
                and ((r["rule"] in wanted) if wanted else (r["family"] in families))]
        key = "rule"
    by = {s: sorted({h[key] for h in hits if h["status"] == s}) for s in ("FAIL", "PASS", "UNKNOWN", "MANUAL")}
    if by["FAIL"]:
        return {"verdict": "found", "via": by["FAIL"]}
    if by["PASS"]:
        return {"verdict": "FALSE PASS", "via": by["PASS"],
                "detail": next(h["detail"] for h in hits if h["status"] == "PASS")[:160]}
    if by["UNKNOWN"]:
        return {"verdict": "UNKNOWN", "via": by["UNKNOWN"],
                "detail": next(h["detail"] for h in hits if h["status"] == "UNKNOWN")[:160]}
    if by["MANUAL"]:
        return {"verdict": "manual", "via": by["MANUAL"]}
    return {"verdict": "not reported", "expected": checks if tool == "prowler" else (wanted or sorted(families))}


def short_resource(item: dict) -> str:
    kind = item.get("resource_type", "").split("::")[-1]
    if kind == "Account":
        return "Account"
    name = re.split(r"[:/]", item["resource"])[-1]
    return f"{kind} {name}"


def planted_table(planted: list[dict], verdicts: dict) -> str:
    tools = [t for t in ("prowler", "nextgap") if t in verdicts]
    head = ["planted anti-pattern", "resource"] + [{"prowler": "Prowler", "nextgap": "nextgap"}[t] for t in tools]
    rows = [head]
    for item in planted:
        rows.append([item["id"], short_resource(item)] + [verdicts[t][item["id"]]["verdict"]
                                                                      for t in tools])
    found, false_pass = ["found", ""], ["false PASS", ""]
    for t in tools:
        v = [verdicts[t][i["id"]]["verdict"] for i in planted]
        found.append(f"{v.count('found')}/{len(planted)}")
        false_pass.append(str(v.count("FALSE PASS")))
    rows += [found, false_pass]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    out = []
    for n, r in enumerate(rows):
        if n == len(rows) - 2:
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def perf_table(rows: list[dict]) -> str:
    cols = [("tool", "tool", None), ("wall s", "wall_s", 3), ("CPU s", "cpu_s", 3), ("CPU/wall", "cpu_util", 2),
            ("peak RSS MiB", "peak_rss_mib", 1), ("tree PSS MiB", "tree_peak_pss_mib", 1),
            ("moto CPU s", "emulator_cpu_s", 2), ("API calls", "api_calls", None), ("5xx", "api_5xx", None),
            ("FAIL", "findings", None), ("PASS", "passes", None), ("bg cores", "background_cores", 2),
            ("exit", "exit_code", None)]
    cells = [[c[0] for c in cols]]
    for r in rows:
        r = dict(r, api_calls=(r.get("emulator") or {}).get("requests"),
                 api_5xx=(r.get("emulator") or {}).get("server_errors"))
        cells.append([fmt(r.get(k), nd if nd is not None else 2) for _, k, nd in cols])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/live", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scratch", type=Path,
                    default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nextgap-bench",
                    help="where the venvs are installed and outputs kept (default: %(default)s)")
    ap.add_argument("--tools", default="nextgap,prowler", help="comma-separated subset of nextgap,prowler")
    ap.add_argument("--prowler-scope", choices=("services", "all"), default="services",
                    help="services: the services nextgap reads (default); all: every AWS check")
    ap.add_argument("--prowler-defaults", action="store_true",
                    help="do not pass --scan-unused-services (Prowler then skips unused security groups, VPCs…)")
    ap.add_argument("--repeat", type=int, default=3, help="timed nextgap runs (median reported; default 3)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per tool run (default 1800)")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the venvs")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="SECONDS",
                    help="before each tool, wait up to this long for the CPUs to be idle (default 60; 0: don't)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nextgap")
    ap.add_argument("--nextgap-bin", type=Path, help="benchmark this nextgap binary (implies --no-build)")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    args.repeat = max(1, args.repeat)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if set(tools) - {"nextgap", "prowler"}:
        ap.error(f"unknown tool(s): {', '.join(sorted(set(tools) - {'nextgap', 'prowler'}))}")

    started = dt.datetime.now(dt.timezone.utc)
    subreaper = ib.become_subreaper()
    scratch = args.scratch.resolve()
    logs = scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    facts = ib.machine_facts()
    log(f"machine: {facts['nproc']} cores, {facts['cpu_model']}, {facts['mem_total_gib']} GiB; scratch {scratch}")

    # 1. installs, 2. nextgap
    status: dict[str, dict] = {}
    moto_venv, msg = ensure_venv(scratch, "live-moto-venv", "live-moto", ["moto_server", "python"], args.python, logs)
    if not moto_venv:
        print(f"bench/live: cannot install moto_server: {msg}")
        return 1
    status["moto"] = {"install": msg}
    prowler_venv = exe = None
    if "prowler" in tools:
        prowler_venv, msg = ensure_venv(scratch, "live-prowler-venv", "live-prowler", ["prowler"], args.python, logs)
        status["prowler"] = {"install": msg} if prowler_venv else {"error": msg}
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
        if exe:
            why = scan_available(exe)
            if why:
                exe, msg = None, f"{msg}; but {why}"
        status["nextgap"] = {"install": msg} if exe else {"error": msg}
        if not exe:
            log(f"nextgap: NOT AVAILABLE: {first_line(msg)} - running the rest so the harness is proven")

    versions = {"moto": first_line(sh([moto_venv / "bin" / "python", "-c",
                                       "import moto, boto3; print(moto.__version__, 'boto3', boto3.__version__)"]).stdout)}
    if prowler_venv:
        versions["prowler"] = first_line(sh([prowler_venv / "bin" / "prowler", "--version"]).stdout)
        versions["prowler boto3"] = first_line(sh([prowler_venv / "bin" / "python", "-c",
                                                   "import boto3; print(boto3.__version__)"]).stdout)
    if exe:
        versions["nextgap"] = first_line(sh([exe, "--version"]).stdout)
    for name, v in versions.items():
        log(f"{name}: {v}")

    # 3. emulator, 4. seed
    out = scratch / "live-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    moto = Moto(moto_venv, out)

    def on_signal(signum, _frame):
        moto.stop()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        err = moto.start()
        if err:
            print(f"bench/live: {err}")
            return 1
        log(f"moto_server on {moto.url} (process group {moto.proc.pid})")
        moto.reset()
        t0 = time.perf_counter()
        seed = sh([moto_venv / "bin" / "python", BENCH / "seed_insecure_account.py", moto.url, "--region", REGION,
                   "-o", out / "planted.json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        planted = load_json(out / "planted.json") if seed.returncode == 0 else None
        if not isinstance(planted, list):
            print(f"bench/live: seeding failed (exit {seed.returncode}):\n{(seed.stderr or '')[-2000:]}")
            return 1
        seed_s = time.perf_counter() - t0
        log(f"seeded {len(planted)} anti-patterns in {seed_s:.1f} s" +
            (f" ({first_line(seed.stderr)})" if (seed.stderr or "").strip() else ""))
        unmapped = [p["id"] for p in planted if p["id"] not in MAPPING]
        if unmapped:
            log(f"warning: no tool mapping for {unmapped}")

        ctx = Ctx(args, scratch, moto, planted)
        results: dict[str, dict] = {}

        def attempt(name, fn, *a):
            if "error" in status.get(name, {}):
                results[name] = {"tool": name, "status": "failed", "error": status[name]["error"]}
                log(f"{name}: skipped, {first_line(status[name]['error'])}")
                return
            load = ib.wait_idle(args.wait_idle) if args.wait_idle > 0 else None
            if load is not None and load >= 0.25:
                log(f"machine still busy ({load:.2f} cores used by other processes); running {name} anyway")
            log(f"running {name}")
            try:
                r = fn(ctx, *a)
            except Exception as e:  # a harness bug for one tool must not stop the other
                import traceback
                r = {"tool": name, "status": "failed", "error": f"harness error: {e}\n{traceback.format_exc()}"}
            else:
                ok = r.get("wall_s") is not None and not r.get("timed_out") and r.get("findings") is not None
                if name == "nextgap":
                    ok = ok and r.get("exit_code") == 0
                r["status"] = "ok" if ok else "failed"
                if not ok:
                    r.setdefault("error", "; ".join(r.get("notes") or []) or f"exit {r.get('exit_code')}, no report")
            r["background_cores_before"] = load
            results[name] = r
            e = r.get("emulator") or {}
            log(f"{name}: exit {r.get('exit_code')}, wall {fmt(r.get('wall_s'), 3)} s, CPU {fmt(r.get('cpu_s'), 3)} s, "
                f"peak RSS {fmt(r.get('peak_rss_mib'), 1)} MiB, FAIL {r.get('findings')}, "
                f"{e.get('requests')} API calls ({e.get('server_errors')} 5xx)")

        # nextgap first (seconds), then Prowler
        if "nextgap" in tools:
            attempt("nextgap", run_nextgap, exe)
        if "prowler" in tools:
            attempt("prowler", run_prowler, prowler_venv)
    finally:
        moto.stop()

    # 6. report
    known = set(nextgap_rules(exe)) if exe else set()
    verdicts = {t: {p["id"]: verdict(p, t, results.get(t) if (results.get(t) or {}).get("status") == "ok" else None,
                                      known) for p in planted} for t in ("prowler", "nextgap") if t in tools}
    elapsed = time.monotonic() - ib.T0
    ng, pr = results.get("nextgap") or {}, results.get("prowler") or {}
    ratios: dict = {}
    ratio_lines = []
    if ng.get("status") == "ok" and pr.get("status") == "ok":
        wall = pr["wall_s"] / ng["wall_s"] if ng.get("wall_s") else None
        cpu = pr["cpu_s"] / ng["cpu_s"] if ng.get("cpu_s") else None
        rss = ng["peak_rss_mib"] / pr["peak_rss_mib"] if pr.get("peak_rss_mib") else None
        pss = ng["peak_rss_mib"] / pr["tree_peak_pss_mib"] if pr.get("tree_peak_pss_mib") else None
        ratios = {"wall_prowler_over_nextgap": rnd(wall, 2), "cpu_prowler_over_nextgap": rnd(cpu, 2),
                  "peak_rss_nextgap_over_prowler": rnd(rss, 4), "peak_rss_nextgap_over_prowler_tree_pss": rnd(pss, 4)}
        ratio_lines.append(f"wall  Prowler/nextgap = x{fmt(wall, 1)}  (target >= 10x: "
                           f"{'met' if wall and wall >= 10 else 'NOT met'})")
        ratio_lines.append(f"CPU   Prowler/nextgap = x{fmt(cpu, 1)}")
        ratio_lines.append(f"peak RSS nextgap/Prowler = {fmt(rss, 3)}  (target <= 0.2: "
                           f"{'met' if rss is not None and rss <= 0.2 else 'NOT met'}); vs Prowler's tree PSS = "
                           f"{fmt(pss, 3)}")
    else:
        ratio_lines.append("no ratios: " + "; ".join(f"{t} {'not run' if not r else r.get('status')}"
                                                     for t, r in (("nextgap", ng), ("prowler", pr))))
    planted_by_id = {p["id"]: p for p in planted}
    false_pass = {t: sum(1 for v in verdicts[t].values() if v["verdict"] == "FALSE PASS") for t in verdicts}
    found = {t: sum(1 for v in verdicts[t].values() if v["verdict"] == "found") for t in verdicts}
    ptable = planted_table(planted, verdicts)
    rows = [results[t] for t in ("nextgap", "prowler") if t in results and results[t].get("status") == "ok"]
    ttable = perf_table(rows) if rows else "(no tool measured)"

    print()
    print("== machine")
    print(f"cores (nproc): {facts['nproc']}   CPU: {facts['cpu_model']}   memory: {facts['mem_total_gib']} GiB")
    print(f"{facts['os']}, Linux {facts['kernel']}, {facts['rustc']}, Python {facts['python']}; "
          f"nextgap at {facts['git_commit']}")
    print("versions: " + "; ".join(f"{k} {v}" for k, v in versions.items()))
    scope = "all AWS checks" if args.prowler_scope == "all" else "services " + " ".join(PROWLER_SERVICES)
    print(f"Prowler: {scope}; " + ("its defaults for unused resources" if args.prowler_defaults
                                   else "--scan-unused-services") + f"; region {REGION}")
    print()
    print(f"== planted anti-patterns ({len(planted)}) x tool")
    print(ptable)
    print()
    print("== performance (nextgap: median of "
          f"{args.repeat} timed runs after one untimed; Prowler: one run)")
    print(ttable)
    print()
    print("== ratios")
    for line in ratio_lines:
        print(line)
    print("false PASS: " + ", ".join(f"{t} {n}" for t, n in false_pass.items()))
    notes = []
    for t in ("nextgap", "prowler"):
        r = results.get(t)
        if not r:
            continue
        if r.get("status") == "failed":
            notes.append(f"{t}: FAILED: {r.get('error')}")
        for n in r.get("notes") or []:
            notes.append(f"{t}: {n}")
        e = r.get("emulator") or {}
        if e.get("not_implemented_actions"):
            notes.append(f"{t}: moto has not implemented {len(e['not_implemented_actions'])} action(s) it called: "
                         + ", ".join(e["not_implemented_actions"]))
        if r.get("errors"):
            notes.append(f"{t}: {len(r['errors'])} distinct error(s) logged:\n" + "\n".join(r["errors"]))
        if t == "nextgap" and r.get("unknown_reasons"):
            notes.append("nextgap: UNKNOWN checks:\n" + "\n".join(r["unknown_reasons"]))
        if t == "prowler" and r.get("status") == "ok":
            notes.append(f"prowler: executed {r.get('checks_executed')} checks, {r.get('checks_reported')} reported "
                         f"a result; FAIL {r.get('findings')}, PASS {r.get('passes')}")
    for t, vs in verdicts.items():
        for pid, v in vs.items():
            if v["verdict"] == "FALSE PASS":
                notes.append(f"{t}: FALSE PASS on {pid} by {', '.join(v['via'])}: "
                             + (v.get("detail") or f"PASS without a reason on {planted_by_id[pid]['resource']}"))
            elif v["verdict"] in ("not reported", "UNKNOWN") and t in results:
                notes.append(f"{t}: {pid} {v['verdict']} (" + ", ".join(v.get("via") or v.get("expected") or [])
                             + (f": {v['detail']}" if v.get("detail") else "") + ")")
    busy = [r for r in rows if (r.get("background_cores") or 0) >= 0.25]  # noqa: E501
    if busy:
        notes.append("other processes kept the CPUs busy during: " + ", ".join(
            f"{r['tool']} ({r['background_cores']:.2f} cores)" for r in busy) + " - wall times are inflated there")
    if notes:
        print()
        print("== notes")
        for n in notes:
            print("- " + n.replace("\n", "\n    "))
    print()
    print("verdicts: found = a mapped check FAILed on the planted resource; FALSE PASS = a mapped check PASSed it "
          "and none FAILed; no check = the tool has no check for it; not reported = no mapped check said anything.")
    print("moto CPU s / API calls / 5xx: the emulator's CPU time and the requests it served during the run "
          "(5xx: APIs moto lacks, retried by the SDKs).")
    print(f"whole bench run: {elapsed:.0f} s (seeding {seed_s:.1f} s)")

    def clean(v):
        return {k: (rnd(x, 4) if isinstance(x, float) else x) for k, x in v.items()
                if k not in ("results", "report")}

    record = {
        "schema": 1,
        "started_utc": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "machine": facts,
        "versions": versions,
        "settings": {"region": REGION, "prowler_scope": args.prowler_scope,
                     "prowler_services": PROWLER_SERVICES if args.prowler_scope == "services" else "all",
                     "prowler_scan_unused_services": not args.prowler_defaults, "repeat_nextgap": args.repeat,
                     "timeout_s": args.timeout, "subreaper": subreaper},
        "install": status,
        "planted": planted,
        "mapping": MAPPING,
        "verdicts": verdicts,
        "found": found,
        "false_pass": false_pass,
        "results": {k: clean(v) for k, v in results.items()},
        "tool_results": {k: v.get("results") for k, v in results.items()},
        "ratios": ratios,
        "tables": {"planted": ptable, "performance": ttable},
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    variant = ("-all" if args.prowler_scope == "all" else "") + ("-prowler-defaults" if args.prowler_defaults else "")
    out_path = args.results_dir / f"live-{started.astimezone().date().isoformat()}{variant}.json"
    out_path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"results: {out_path}")
    return 0 if ng.get("status") == "ok" else (1 if "nextgap" in tools else 0)


if __name__ == "__main__":
    sys.exit(main())
