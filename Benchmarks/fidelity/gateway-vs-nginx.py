#!/usr/bin/env python3
"""The gateway against nginx as a reverse proxy (issue 7): the same Understudy target behind
`understudy gateway` (ALB semantics) and behind nginx, and the same requests through each,
so users see where nginx's semantics differ from ALB's. Two scenarios:

  1. incident 1, the slow SendMessage: the target stores the message, then answers after
     --delay; the gateway's --idle-timeout and nginx's proxy_read_timeout (the same value)
     cut it short: status, time to the answer and how long after the timeout it came
     (--repeat calls), and whether the messages were stored anyway;
  2. incident 3, the keep-alive race: the target's keep-alive (--target-keepalive) is shorter
     than the gap between two requests on the proxy's pooled connection (--gap), GET and
     POST: the gateway reuses the connection as ALB does (502); nginx notices the target's
     FIN while the connection sits in its cache, and retries idempotent requests that met a
     dead cached connection, so the race stays hidden.

  swift build -c release
  Benchmarks/fidelity/gateway-vs-nginx.py [--idle-timeout 2 --delay 4 --target-keepalive 0.5 --gap 1]
  Benchmarks/fidelity/gateway-vs-nginx.py --idle-timeout 60 --delay 65      # the incident's real numbers

Needs nginx (apt-get install -y nginx-light). Loopback only, free ports, every process stopped
(by PID) at the end.
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_answer(port, path="/", timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nothing answered on 127.0.0.1:{port}{path} within {timeout}s")


class Processes:
    """Started processes, stopped by PID on exit."""

    def __init__(self):
        self.children = []
        self.nginx = []

    def start(self, argv, **kwargs):
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
        self.children.append(child)
        return child

    def stop(self):
        for pid in self.nginx:
            subprocess.run([os.path.join(ROOT, "Benchmarks/nginx-health.sh"), "--stop", pid], stderr=subprocess.DEVNULL)
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()


def send_message(port, queue_url, body="order-42", timeout=120):
    payload = json.dumps({"QueueUrl": queue_url, "MessageBody": body})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    conn.request("POST", "/", body=payload, headers={
        "X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"})
    response = conn.getresponse()
    response.read()
    return response.status, time.monotonic() - started


def visible(admin_port, queue):
    conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=5)
    conn.request("GET", f"/api/queues/{queue}")
    return json.loads(conn.getresponse().read()).get("visible")


def purge(admin_port, queue):
    conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=5)
    conn.request("DELETE", f"/api/queues/{queue}/messages")
    conn.getresponse().read()


def race(port, method, gap):
    """Two requests on one client connection, `gap` seconds apart: the second meets the
    proxy's pooled target connection after the target's keep-alive ran out."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    statuses = []
    for _ in range(2):
        conn.request(method, "/anything", body=b"x" if method == "POST" else None)
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        time.sleep(gap)
    return statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/understudy"))
    parser.add_argument("--idle-timeout", type=float, default=2, help="gateway idle timeout = nginx proxy_read_timeout (s)")
    parser.add_argument("--delay", type=float, default=4, help="SendMessage answers after this many seconds")
    parser.add_argument("--target-keepalive", type=float, default=0.5, help="the race target's keep-alive (s)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between the two race requests")
    parser.add_argument("--repeat", type=int, default=5, help="SendMessage calls through each proxy")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"{args.binary} not found: swift build -c release")
    processes = Processes()
    work = tempfile.mkdtemp(prefix="gateway-vs-nginx.")
    rows = []
    try:
        for name, keepalive, rule in [
            ("slow", 75, f'{{"name":"slow-send","match":{{"sqs_action":"SendMessage"}},"delay":"{args.delay}s","when":"after_effect"}}'),
            ("race", args.target_keepalive, None),
        ]:
            target, admin, gateway, gateway_admin, nginx = (free_port() for _ in range(5))
            config = os.path.join(work, f"{name}.yaml")
            with open(config, "w") as f:
                f.write(f"server: {{listen: ['127.0.0.1:{target}'], keepalive: {{timeout: {keepalive}s}}}}\n")
                f.write(f"admin: {{listen: '127.0.0.1:{admin}'}}\nlog: {{access: false}}\n")
                f.write("sqs: {queues: [{name: jobs}]}\n")
                if rule:
                    f.write(f"faults: {{max_delay: 10m, rules: [{rule}]}}\n")
            processes.start([args.binary, "serve", "--config", config])
            wait_answer(target, "/health")
            idle = f"{args.idle_timeout:g}s"
            processes.start([args.binary, "gateway", "--listen", f"127.0.0.1:{gateway}", "--target", f"127.0.0.1:{target}",
                             "--admin-listen", f"127.0.0.1:{gateway_admin}", "--idle-timeout", idle,
                             "--health-interval", "1s", "--health-timeout", "500ms", "--health-path", "/health"])
            pid = subprocess.run([os.path.join(ROOT, "Benchmarks/nginx-health.sh"), "--proxy", f"127.0.0.1:{target}",
                                  "--proxy-read-timeout", idle, str(nginx), "1"],
                                 capture_output=True, text=True, check=True).stdout.strip()
            processes.nginx.append(pid)
            wait_answer(gateway, "/health")
            wait_answer(nginx, "/health")
            queue_url = f"http://127.0.0.1:{target}/000000000000/jobs"
            for proxy, port in [("gateway", gateway), ("nginx", nginx)]:
                if name == "slow":
                    purge(admin, "jobs")
                    outcomes = [send_message(port, queue_url) for _ in range(args.repeat)]
                    time.sleep(0.2)
                    late = sorted((took - args.idle_timeout) * 1000 for _, took in outcomes)
                    statuses = sorted({str(status) for status, _ in outcomes})
                    rows.append((proxy, f"SendMessage x{args.repeat}, target answers after {args.delay:g}s", "/".join(statuses),
                                 f"{statistics.median(took for _, took in outcomes):.3f}s",
                                 f"after the timeout: +{statistics.median(late):.1f} ms median, +{late[-1]:.1f} ms max; "
                                 f"stored: {visible(admin, 'jobs')} of {args.repeat}"))
                else:
                    for method in ["GET", "POST"]:
                        statuses = race(port, method, args.gap)
                        rows.append((proxy, f"{method} twice, {args.gap:g}s apart, target keep-alive {args.target_keepalive:g}s",
                                     " then ".join(map(str, statuses)), "", ""))
    finally:
        processes.stop()
    width = max(len(row[1]) for row in rows)
    print(f"{'proxy':8} {'request':{width}} {'status':12} {'answered':9} note")
    for proxy, what, status, took, note in rows:
        print(f"{proxy:8} {what:{width}} {status:12} {took:9} {note}")
    print(f"\ngateway: --idle-timeout {args.idle_timeout:g}s (ALB: 504 when no data moves for that long; pooled target "
          "connections reused without looking for a FIN, never retried: the race is a 502)")
    print(f"nginx:   proxy_read_timeout {args.idle_timeout:g}s (504 when the upstream sends nothing between two reads; "
          "cached upstream connections dropped on the target's FIN; proxy_next_upstream retries idempotent requests)")


if __name__ == "__main__":
    sys.exit(main())
