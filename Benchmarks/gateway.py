#!/usr/bin/env python3
"""gateway.py — the gateway's overhead against nginx as a reverse proxy, side by side.

One Understudy target (GET /health), reached three ways in alternating rounds: directly, through
`understudy gateway`, and through nginx (Benchmarks/nginx-health.sh --proxy: upstream keep-alive
pool, access log off). Two measurements:

  paced      `understudy load` at a fixed --rate over --connections keep-alive connections (an
             open loop, so p99 is latency, not queueing): p50/p90/p99 per path, the p99 each
             proxy adds over the direct path, and each proxy's CPU per request;
  saturated  wrk, 1 thread, 64 connections, as fast as it goes through each proxy: req/s and
             CPU per request (--skip-saturated leaves it out).

Layout (2 cores): target, gateway and nginx (1 worker) pinned to core 0, the load generator to
core 1, as ../shared/bench does; each proxy shares core 0 with the target in the same way.
The gateway writes its ALB access log (to /dev/null) unless --no-gateway-log.

  swift build -c release --product understudy
  Benchmarks/gateway.py [--rate 5000] [--connections 64] [--duration 10] [--rounds 3]

Loopback only, free ports, every process stopped (by PID) at the end. Exit 1 if a run failed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from benchutil import ROOT, TICKS, free_port, stop_all, wait_answer


def cpu_seconds(pids):
    """utime + stime of the processes and their children (nginx's workers)."""
    total = 0
    family = set(pids)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) in family or int(fields[1]) in family:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def paced(binary, port, rate, connections, duration):
    out = subprocess.run(["taskset", "-c", "1", binary, "load", f"http://127.0.0.1:{port}/health",
                          "--connections", str(connections), "--rate", str(rate), "--duration", f"{duration}s",
                          "--timeout", "5s", "--json"], capture_output=True, text=True)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    summary = next((line for line in lines if line.get("event") == "load_finished"), None)
    if summary is None:
        raise RuntimeError(f"load failed: {out.stderr.strip()}")
    return summary


def saturated(port, duration):
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c64", f"-d{duration}s", f"http://127.0.0.1:{port}/health"],
                         capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            requests = next(int(l.split()[0]) for l in out.stdout.splitlines() if "requests in" in l)
            return float(line.split()[1]), requests
    raise RuntimeError(f"wrk failed: {out.stdout}{out.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/understudy"))
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-saturated", action="store_true")
    parser.add_argument("--no-gateway-log", action="store_true")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"{args.binary} not found: swift build -c release --product understudy")
    target, gateway, gateway_admin, nginx = (free_port() for _ in range(4))
    children, nginx_pid, failed = [], None, False
    env = dict(os.environ, UNDERSTUDY_LOG__ACCESS="false", UNDERSTUDY_GATEWAY__LOG__ACCESS=str(not args.no_gateway_log).lower())
    try:
        children.append(subprocess.Popen(["taskset", "-c", "0", args.binary, "serve", "--listen", f"127.0.0.1:{target}",
                                          "--admin-listen", "127.0.0.1:0"], env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_answer(target)
        children.append(subprocess.Popen(["taskset", "-c", "0", args.binary, "gateway", "--listen", f"127.0.0.1:{gateway}",
                                          "--target", f"127.0.0.1:{target}", "--admin-listen", f"127.0.0.1:{gateway_admin}",
                                          "--health-path", "/health"], env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        nginx_pid = subprocess.run([os.path.join(ROOT, "Benchmarks/nginx-health.sh"), "--cpus", "0", "--proxy",
                                    f"127.0.0.1:{target}", str(nginx), "1"],
                                   capture_output=True, text=True, check=True).stdout.strip()
        wait_answer(gateway)
        wait_answer(nginx)
        paths = {"direct": (target, None), "gateway": (gateway, [children[1].pid]), "nginx": (nginx, [int(nginx_pid)])}
        results = {name: {"p50": [], "p90": [], "p99": [], "cpu_us": [], "target_cpu_us": []} for name in paths}
        # warm-up: connections, pools, caches
        for name, (port, _) in paths.items():
            paced(args.binary, port, args.rate, args.connections, 2)
        for round_index in range(args.rounds):
            order = list(paths) if round_index % 2 == 0 else list(reversed(list(paths)))
            for name in order:
                port, pids = paths[name]
                before = cpu_seconds(pids) if pids else 0
                target_before = cpu_seconds([children[0].pid])
                summary = paced(args.binary, port, args.rate, args.connections, args.duration)
                after = cpu_seconds(pids) if pids else 0
                target_after = cpu_seconds([children[0].pid])
                done = summary["responses"]
                if summary["statuses"].get("200", 0) != done or done == 0:
                    failed = True
                latency = summary["latency_ms"]
                for key in ("p50", "p90", "p99"):
                    results[name][key].append(latency[key])
                if pids:
                    results[name]["cpu_us"].append((after - before) * 1e6 / max(done, 1))
                results[name]["target_cpu_us"].append((target_after - target_before) * 1e6 / max(done, 1))
                print(f"round {round_index + 1} {name:8} {done / summary['elapsed_ms'] * 1000:8.0f} req/s  "
                      f"p50 {latency['p50']:.3f} ms  p99 {latency['p99']:.3f} ms  statuses {summary['statuses']}"
                      + (f"  proxy cpu {results[name]['cpu_us'][-1]:.1f} us/req" if pids else ""), file=sys.stderr)
        med = {name: {key: statistics.median(values) if values else None for key, values in r.items()} for name, r in results.items()}
        print(f"\npaced: {args.rate} req/s over {args.connections} connections, {args.rounds} x {args.duration}s, medians")
        print(f"{'path':8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'+p99 ms':>8} {'proxy us/req':>13} {'target us/req':>14}")
        for name in paths:
            m = med[name]
            added = "" if name == "direct" else f"{m['p99'] - med['direct']['p99']:8.3f}"
            cpu = "" if m["cpu_us"] is None else f"{m['cpu_us']:13.1f}"
            print(f"{name:8} {m['p50']:8.3f} {m['p90']:8.3f} {m['p99']:8.3f} {added:>8} {cpu:>13} {m['target_cpu_us']:14.1f}")
        ratio = med["gateway"]["cpu_us"] / med["nginx"]["cpu_us"]
        print(f"gateway/nginx CPU per proxied request: {ratio:.2f}x; added p99: gateway {med['gateway']['p99'] - med['direct']['p99']:.3f} ms, "
              f"nginx {med['nginx']['p99'] - med['direct']['p99']:.3f} ms")
        if not args.skip_saturated:
            print("\nsaturated: wrk -t1 -c64, 5 s, alternating, medians")
            rows = {"gateway": [], "nginx": []}
            for round_index in range(args.rounds):
                for name in (["gateway", "nginx"] if round_index % 2 == 0 else ["nginx", "gateway"]):
                    port, pids = paths[name]
                    before = cpu_seconds(pids)
                    rps, requests = saturated(port, 5)
                    rows[name].append((rps, (cpu_seconds(pids) - before) * 1e6 / max(requests, 1)))
            for name, values in rows.items():
                print(f"{name:8} {statistics.median(v[0] for v in values):10.0f} req/s  "
                      f"{statistics.median(v[1] for v in values):6.1f} us CPU/req")
            g = statistics.median(v[1] for v in rows["gateway"])
            n = statistics.median(v[1] for v in rows["nginx"])
            print(f"gateway/nginx CPU per proxied request (saturated): {g / n:.2f}x")
    finally:
        if nginx_pid:
            subprocess.run([os.path.join(ROOT, "Benchmarks/nginx-health.sh"), "--stop", nginx_pid], stderr=subprocess.DEVNULL)
        stop_all(children)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
