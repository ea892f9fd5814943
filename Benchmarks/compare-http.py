#!/usr/bin/env python3
"""compare-http.py — a candidate (A) against a peer (B) under wrk, in alternating rounds.

Usage, from the project root (both servers already running):
  Benchmarks/compare-http.py [options] A_URL B_URL [PATH]
  e.g. Benchmarks/compare-http.py --a-pid $US --b-pid $NGX \\
         --labels understudy,nginx http://127.0.0.1:8080 http://127.0.0.1:18080 /health

Scenarios (--scenarios, default ka64,ka256,close64):
  kaN     keep-alive, N connections
  closeN  `-H 'Connection: close'`, N connections: one TCP connection per request
Each round (--rounds, default 5; --duration, default 5 s) runs every scenario on A and on
B back to back, the order alternating (A,B then B,A ...) so slow drift from other load on
the machine hits both alike.
The table shows medians over rounds: req/s, A/B ratio (with the min-max of the
per-round ratios), p99 latency (wrk measures from the request's first byte to the
response's last; connect time is not included), and when --a-pid/--b-pid are given the
server CPU time per request (utime+stime of the process, its threads and its children,
from /proc) — the least noise-sensitive number here — and its ratio "cpu B/A" (B's CPU
per request over A's): with each server saturating its own core, that is what A/B req/s
would be without other load on the machine.

CPU pinning (--pin, default split). This machine has 2 cores and wrk needs one:
  split  wrk runs under `taskset -c 1` with 1 thread; the servers should run on core 0:
         start them under `taskset -c 0` (nginx-health.sh --cpus 0), or pass
         --a-pid/--b-pid and this script pins those processes (all threads and children)
         with `taskset -a -p -c 0`. Each server then has exactly one core and the load
         generator never steals from it, so the ratio measures per-core efficiency.
         Use 1 nginx worker here (2 workers on one core measured the same).
         Other processes on the machine still share core 0: per-round A/B between two
         identical nginx servers ranged 0.4-1.3 on a busy day, while cpu B/A stayed
         within 0.88-1.03. Read both.
         Caveat: one wrk thread on one core tops out near 100-150k req/s on small keep-alive
         responses; the "wrk%" column warns (*) when wrk used >90% of its core, i.e. the
         run may be client-bound and the ratio understates the faster side.
  none   nothing pinned, wrk with 2 threads: server and load generator share both cores,
         as on a developer laptop; use nginx with 2 workers ("use every core" servers).
         Noisier, and wrk's own CPU share decides part of the result.
--client-cpus/--server-cpus override the core lists.

Exit status: 0 when every run completed, 1 when a wrk run failed or produced no requests.
Non-2xx/3xx answers, socket errors and timeouts are counted in the "errors" column;
a result with errors is not a clean result.  `ulimit -n` is raised to the hard limit.
Bounded: every wrk run is killed after duration + 20 s.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT_LUA = os.path.join(HERE, "wrk-report.lua")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a_url", help="candidate base URL, e.g. http://127.0.0.1:8080")
    p.add_argument("b_url", help="peer base URL, e.g. http://127.0.0.1:18080")
    p.add_argument("path", nargs="?", default="/health", help="request path (default /health)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run (default 5)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of keep-alive warm-up per target (default 1)")
    p.add_argument("--scenarios", default="ka64,ka256,close64")
    p.add_argument("--pin", choices=["split", "none"], default="split")
    p.add_argument("--client-cpus", default=None, help="cores for wrk (split default: 1)")
    p.add_argument("--server-cpus", default=None, help="cores for --a-pid/--b-pid (split default: 0)")
    p.add_argument("--threads", type=int, default=None, help="wrk threads (default: 1 split, 2 none)")
    p.add_argument("--timeout", default="2s", help="wrk --timeout (default 2s)")
    p.add_argument("--a-pid", type=int, default=None, help="A's server PID: CPU/req accounting (+ pinning in split mode)")
    p.add_argument("--b-pid", type=int, default=None, help="B's server PID")
    p.add_argument("--labels", default="A,B", help="names for A and B, comma separated")
    p.add_argument("--header", action="append", default=[], help="extra request header for every run (repeatable)")
    p.add_argument("--json", default=None, help="write every run's raw numbers to this file")
    return p.parse_args()


def parse_scenarios(text):
    out = []
    for item in text.split(","):
        m = re.fullmatch(r"(ka|close)(\d+)", item.strip())
        if not m:
            sys.exit(f"compare-http: bad scenario {item!r} (want kaN or closeN)")
        out.append((item.strip(), m.group(1), int(m.group(2))))
    return out


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(children(p))
    return seen


def proc_cpu_ticks(pid):
    """utime+stime of a process (all its threads), in clock ticks; 0 if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def tree_cpu_seconds(pid):
    if pid is None:
        return None
    return sum(proc_cpu_ticks(p) for p in tree(pid)) / CLK_TCK


def machine_busy_seconds():
    """Busy CPU seconds summed over all cores since boot (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK_TCK


def pin_tree(pid, cpus, label):
    for p in tree(pid):
        r = subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(p)], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"compare-http: could not pin {label} pid {p}: {r.stderr.strip()}", file=sys.stderr)


def affinity(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return "?"
    return "?"


def run_wrk(url, conns, close, duration, threads, client_cpus, timeout, headers):
    cmd = []
    if client_cpus is not None:
        cmd += ["taskset", "-c", client_cpus]
    cmd += ["wrk", "-t", str(min(threads, conns)), "-c", str(conns), "-d", f"{duration:g}s",
            "--timeout", timeout, "-s", REPORT_LUA]
    for h in headers:
        cmd += ["-H", h]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(url)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = start + duration + 20
    rusage = None
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            rusage = ru
            break
        if time.monotonic() > deadline:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read()
    proc.stdout.close()
    m = re.search(r"^WRKJSON (\{.*\})$", out, re.M)
    if not m:
        return None, out, 0.0
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
    r["errors"] = r["err_connect"] + r["err_read"] + r["err_write"] + r["err_status"] + r["err_timeout"]
    wrk_cpu = rusage.ru_utime + rusage.ru_stime
    r["wrk_cpu_s"] = wrk_cpu
    r["wall_s"] = wall
    return r, out, wrk_cpu


def fmt_ms(us):
    return f"{us / 1000:.2f}ms"


def main():
    a = parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"compare-http: {tool} not found (apt-get install -y wrk util-linux)")
    labels = (a.labels.split(",") + ["A", "B"])[:2]
    scenarios = parse_scenarios(a.scenarios)
    nofile = raise_nofile()
    need = max(c for _, _, c in scenarios) + 64
    if nofile < need:
        sys.exit(f"compare-http: ulimit -n is {nofile}, need {need}")
    if a.pin == "split":
        client_cpus = a.client_cpus or "1"
        server_cpus = a.server_cpus or "0"
        threads = a.threads or len(client_cpus.split(","))
    else:
        client_cpus = a.client_cpus  # None unless asked
        server_cpus = a.server_cpus
        threads = a.threads or 2
    client_ncpu = len(os.sched_getaffinity(0)) if client_cpus is None else \
        sum((int(r.split("-")[1]) - int(r.split("-")[0]) + 1) if "-" in r else 1 for r in client_cpus.split(","))
    pids = {0: a.a_pid, 1: a.b_pid}
    for i, pid in pids.items():
        if pid is None:
            continue
        if not os.path.exists(f"/proc/{pid}"):
            sys.exit(f"compare-http: {labels[i]} pid {pid} does not exist")
        if server_cpus is not None:
            pin_tree(pid, server_cpus, labels[i])
        print(f"compare-http: {labels[i]} pid {pid} tree {tree(pid)} cpus {affinity(pid)}", file=sys.stderr)
    urls = [a.a_url.rstrip("/") + a.path, a.b_url.rstrip("/") + a.path]
    print(f"compare-http: pin={a.pin} wrk cpus={client_cpus or 'any'} threads={threads} "
          f"rounds={a.rounds} x {a.duration:g}s  A={urls[0]}  B={urls[1]}", file=sys.stderr)

    # fail fast if a target does not answer
    for i, url in enumerate(urls):
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url],
                           capture_output=True, text=True)
        if r.stdout.strip() in ("", "000"):
            sys.exit(f"compare-http: {labels[i]} ({url}) does not answer")
        if not r.stdout.startswith("2"):
            print(f"compare-http: warning: {labels[i]} answers {r.stdout} on {url}", file=sys.stderr)
    if a.warmup > 0:
        for i, url in enumerate(urls):
            run_wrk(url, 64, False, a.warmup, threads, client_cpus, a.timeout, a.header)

    results = {name: ([], []) for name, _, _ in scenarios}
    ok = True
    for rnd in range(a.rounds):
        for si, (name, kind, conns) in enumerate(scenarios):
            order = (0, 1) if (rnd + si) % 2 == 0 else (1, 0)
            for i in order:
                cpu0 = tree_cpu_seconds(pids[i])
                busy0 = machine_busy_seconds()
                r, out, wrk_cpu = run_wrk(urls[i], conns, kind == "close", a.duration, threads,
                                          client_cpus, a.timeout, a.header)
                busy1 = machine_busy_seconds()
                cpu1 = tree_cpu_seconds(pids[i])
                if r is None or r["requests"] == 0:
                    ok = False
                    print(f"compare-http: round {rnd + 1} {name} {labels[i]}: wrk failed:\n{out}", file=sys.stderr)
                    continue
                r["round"] = rnd + 1
                r["server_cpu_s"] = None if cpu0 is None else cpu1 - cpu0
                r["cpu_us_per_req"] = None if cpu0 is None else (cpu1 - cpu0) * 1e6 / r["requests"]
                # CPU used by anything but wrk and this server (needs the server's pid)
                r["other_cpu_cores"] = None if cpu0 is None else \
                    max(0.0, (busy1 - busy0) - wrk_cpu - r["server_cpu_s"]) / r["wall_s"]
                r["wrk_core_share"] = wrk_cpu / r["wall_s"] / client_ncpu
                results[name][i].append(r)
                print(f"  round {rnd + 1} {name:8s} {labels[i]:>12s}: {r['rps']:10.0f} req/s  p99 {fmt_ms(r['p99_us'])}"
                      f"  errors {r['errors']}  wrk {100 * r['wrk_core_share']:.0f}% of its cores"
                      + (f"  server {r['cpu_us_per_req']:.1f} us CPU/req" if r["cpu_us_per_req"] is not None else "")
                      + (f"  other load {r['other_cpu_cores']:.2f} cores" if r["other_cpu_cores"] is not None else ""),
                      file=sys.stderr)

    def med(rows, key):
        vals = [r[key] for r in rows if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    hdr = (f"{'scenario':9s} {labels[0] + ' req/s':>16s} {labels[1] + ' req/s':>16s} {'A/B':>6s} "
           f"{'(rounds)':>13s} {'p99 A':>9s} {'p99 B':>9s} {'cpu us/req A':>12s} {'cpu us/req B':>12s} "
           f"{'cpu B/A':>7s} {'wrk% A/B':>9s} {'errors A/B':>11s}")
    lines = [hdr, "-" * len(hdr)]
    summary = []
    for name, _, _ in scenarios:
        ra, rb = results[name]
        ma, mb = med(ra, "rps"), med(rb, "rps")
        pair = [x["rps"] / y["rps"] for x, y in zip(ra, rb) if y["rps"]]
        ratio = (ma / mb) if ma and mb else None
        ca, cb = med(ra, "cpu_us_per_req"), med(rb, "cpu_us_per_req")
        wa, wb = med(ra, "wrk_core_share"), med(rb, "wrk_core_share")
        flag = lambda w: ("*" if w is not None and w > 0.9 else "")
        lines.append(
            f"{name:9s} {ma or 0:16.0f} {mb or 0:16.0f} {ratio or 0:6.2f} "
            f"{(f'{min(pair):.2f}-{max(pair):.2f}' if pair else '-'):>13s} "
            f"{fmt_ms(med(ra, 'p99_us') or 0):>9s} {fmt_ms(med(rb, 'p99_us') or 0):>9s} "
            f"{(f'{ca:.1f}' if ca is not None else '-'):>12s} {(f'{cb:.1f}' if cb is not None else '-'):>12s} "
            f"{(f'{cb / ca:.2f}' if ca and cb else '-'):>7s} "
            f"{(f'{100 * (wa or 0):.0f}{flag(wa)}/{100 * (wb or 0):.0f}{flag(wb)}'):>9s} "
            f"{sum(r['errors'] for r in ra):>5d}/{sum(r['errors'] for r in rb):<5d}")
        summary.append({"scenario": name, "a_rps": ma, "b_rps": mb, "ratio": ratio, "round_ratios": pair,
                        "a_p99_us": med(ra, "p99_us"), "b_p99_us": med(rb, "p99_us"),
                        "a_cpu_us_per_req": ca, "b_cpu_us_per_req": cb,
                        "cpu_efficiency_ratio": (cb / ca) if ca and cb else None})
    other = [r["other_cpu_cores"] for name in results for side in results[name] for r in side
             if r["other_cpu_cores"] is not None]
    lines.append(f"A={labels[0]} {urls[0]}  B={labels[1]} {urls[1]}  pin={a.pin} wrk-cpus={client_cpus or 'any'} "
                 f"wrk-threads={threads} rounds={a.rounds}x{a.duration:g}s  "
                 + (f"other load during runs (busy CPU not wrk's nor the server's): median "
                    f"{statistics.median(other):.2f} cores, max {max(other):.2f}  " if other else "")
                 + "(* = wrk >90% of its cores: maybe client-bound; cpu B/A = B's server CPU per request over "
                   "A's: above 1 A is the more efficient, the noise-robust estimate of A/B on a saturated core)")
    print("\n".join(lines))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"labels": labels, "urls": urls, "pin": a.pin, "client_cpus": client_cpus,
                       "threads": threads, "summary": summary, "runs": results}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
