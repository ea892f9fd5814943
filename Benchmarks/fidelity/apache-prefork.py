#!/usr/bin/env python3
"""Fidelity check (issue 6): the restart-loop incident against Apache httpd prefork and against
Understudy's prefork model, with the same MaxRequestWorkers, KeepAliveTimeout,
MaxKeepAliveRequests and ListenBacklog, the same `understudy load` pool and the same
`understudy probe`. Prints, per server and setting, when the first probe check failed and
how many failed. The two should tell the same story.

  apt-get install -y apache2            # Debian's httpd; this script writes its own config
  swift build -c release
  Benchmarks/fidelity/apache-prefork.py [--workers 5 --keepalive 10 --fixed-keepalive 1 ...]

Loopback only, free ports, every process stopped (by PID) at the end; about 4 x --duration.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = "/usr/lib/apache2/modules"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def start_apache(workdir, port, args, keepalive):
    htdocs = os.path.join(workdir, "htdocs")
    os.makedirs(htdocs, exist_ok=True)
    os.chmod(workdir, 0o755)
    with open(os.path.join(htdocs, "health"), "w") as f:
        f.write('{"status":"ok"}')
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    conf = os.path.join(workdir, "httpd.conf")
    with open(conf, "w") as f:
        f.write(f"""ServerRoot {workdir}
ServerName localhost
Listen 127.0.0.1:{port}
LoadModule mpm_prefork_module {MODULES}/mod_mpm_prefork.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
{user}PidFile {workdir}/httpd.pid
ErrorLog {workdir}/error.log
DocumentRoot {htdocs}
<Directory {htdocs}>
  Require all granted
</Directory>
StartServers {args.workers}
MinSpareServers {args.workers}
MaxSpareServers {args.workers}
ServerLimit {args.workers}
MaxRequestWorkers {args.workers}
MaxConnectionsPerChild 0
ListenBacklog {args.backlog}
KeepAlive On
KeepAliveTimeout {keepalive}
MaxKeepAliveRequests {args.max_requests}
Timeout 60
""")
    binary = shutil.which("apache2") or "/usr/sbin/apache2"
    process = subprocess.Popen([binary, "-f", conf, "-DFOREGROUND"], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(workdir, "stderr.log"), "w"), start_new_session=True)
    return process


def start_understudy(workdir, port, args, keepalive):
    # Apache's MaxKeepAliveRequests N counts keep-alive reuses (http_protocol.c,
    # ap_set_keepalive: `left = keep_alive_max - keepalives`), so a connection carries N + 1
    # requests; server.keepalive.max_requests counts requests (as nginx's keepalive_requests).
    max_requests = args.max_requests + 1 if args.max_requests > 0 else 0
    conf = os.path.join(workdir, "understudy.yaml")
    with open(conf, "w") as f:
        f.write(f"""server:
  listen: "127.0.0.1:{port}"
  model: prefork
  workers: {args.workers}
  backlog: {args.backlog}
  defer_accept: true
  keepalive: {{enabled: true, timeout: {keepalive}s, max_requests: {max_requests}}}
admin:
  listen: "127.0.0.1:0"
log:
  access: false
""")
    return subprocess.Popen([args.binary, "serve", "--config", conf], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(workdir, "stderr.log"), "w"), start_new_session=True)


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_round(server, keepalive, args):
    """One server, one keep-alive setting: load and probe side by side; returns a summary."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix=f"fidelity-{server}-")
    target = start_apache(workdir, port, args, keepalive) if server == "apache" else start_understudy(workdir, port, args, keepalive)
    try:
        if not wait_healthy(port):
            sys.exit(f"{server} did not answer /health on port {port}; see {workdir}")
        url = f"http://127.0.0.1:{port}/health"
        duration = f"{args.duration}s"
        started = time.monotonic()
        load = subprocess.Popen([args.binary, "load", url, "--connections", str(args.connections), "--rate", str(args.rate),
                                 "--duration", duration, "--json"], stdout=subprocess.PIPE, text=True)
        probe = subprocess.Popen([args.binary, "probe", url, "--interval", f"{args.probe_interval}s",
                                  "--timeout", f"{args.probe_timeout}s", "--healthy-threshold", "2",
                                  "--unhealthy-threshold", "2", "--duration", duration, "--json"],
                                 stdout=subprocess.PIPE, text=True)
        checks, transitions = [], []

        def read_probe():
            for line in probe.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                event["_at"] = time.monotonic() - started
                if event.get("event") == "check":
                    checks.append(event)
                elif event.get("event") == "transition":
                    transitions.append(event)

        reader = threading.Thread(target=read_probe)
        reader.start()
        load_out, _ = load.communicate(timeout=args.duration + 60)
        probe.wait(timeout=args.duration + 60)
        reader.join()
        load_summary = {}
        for line in load_out.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "load_finished":
                load_summary = event
        failed = [c for c in checks if not c.get("passed")]
        unhealthy = next((t["_at"] for t in transitions if t.get("to") == "unhealthy"), None)
        return {
            "server": server, "keepalive": keepalive, "checks": len(checks), "failed": len(failed),
            "first_failure_s": failed[0]["_at"] if failed else None,
            "first_unhealthy_s": unhealthy,
            "errors": sorted({c.get("error", str(c.get("status"))) for c in failed}),
            "probe_exit": probe.returncode,
            "load": {k: load_summary.get(k) for k in ("requests", "statuses", "errors", "connections_opened", "server_closes")},
        }
    finally:
        stop(target)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/understudy"))
    parser.add_argument("--workers", type=int, default=5, help="MaxRequestWorkers / server.workers")
    parser.add_argument("--keepalive", type=int, default=10, help="KeepAliveTimeout (s) of the incident")
    parser.add_argument("--fixed-keepalive", type=int, default=1, help="KeepAliveTimeout (s) of the fix")
    parser.add_argument("--max-requests", type=int, default=500, help="MaxKeepAliveRequests")
    parser.add_argument("--backlog", type=int, default=511, help="ListenBacklog")
    parser.add_argument("--connections", type=int, default=8, help="the load balancer's pooled connections")
    parser.add_argument("--rate", type=float, default=2, help="requests per second over the pool")
    parser.add_argument("--duration", type=int, default=30, help="seconds per round")
    parser.add_argument("--probe-interval", type=float, default=2)
    parser.add_argument("--probe-timeout", type=float, default=1)
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    if not shutil.which("apache2") and not os.path.exists("/usr/sbin/apache2"):
        sys.exit("apache2 not found: apt-get install -y apache2")
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: swift build -c release")
    gap = args.connections / args.rate
    print(f"prefork, {args.workers} workers, MaxKeepAliveRequests {args.max_requests}, ListenBacklog {args.backlog}; "
          f"load: {args.connections} pooled connections, {args.rate:g} req/s (one request per connection every {gap:g} s); "
          f"probe: every {args.probe_interval:g} s, timeout {args.probe_timeout:g} s, unhealthy after 2 failures; "
          f"{args.duration} s per round")
    results = []
    for keepalive in (args.keepalive, args.fixed_keepalive):
        for server in ("apache", "understudy"):
            result = run_round(server, keepalive, args)
            results.append(result)
            first = "-" if result["first_failure_s"] is None else f"{result['first_failure_s']:.1f}s"
            unhealthy = "-" if result["first_unhealthy_s"] is None else f"{result['first_unhealthy_s']:.1f}s"
            print(f"{server:10} KeepAliveTimeout {keepalive:>3}s  checks {result['checks']:>3}  failed {result['failed']:>3}  "
                  f"first failure {first:>6}  unhealthy at {unhealthy:>6}  errors {','.join(result['errors']) or '-'}  "
                  f"probe exit {result['probe_exit']}  load {json.dumps(result['load'])}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
