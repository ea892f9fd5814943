#!/usr/bin/env python3
"""events.py — what the admin plane's event stream costs the data plane, and whether a
subscriber keeps up.

Understudy (`serve`, one data loop, on core 0) under wrk (-c64 keep-alive GET /health, on
core 1), in alternating rounds, with:

  baseline    (with --baseline BINARY) another build, no subscriber: what the per-request
              event bookkeeping costs, build against build
  none        no subscriber
  subscriber  one GET /api/events reader that takes everything (core 1): events/s, KiB/s
  stuck       one subscriber that never reads, open for the round; after the rounds, one more
              is left under load until it is dropped (backlog over 1 MiB): how long that took,
              and the data plane's req/s meanwhile
  browser     (with --browser) the dashboard in headless chromium (selenium, core 1, nice 10
              so wrk keeps most of the core): the req/s it shows against wrk's

Prints medians of req/s and CPU µs per request (the server's utime+stime over its requests)
and each variant's ratio to `none`. Loopback only, free ports, every process stopped.
Needs wrk and taskset; --browser needs chromium, chromedriver and selenium.

    Benchmarks/events.py [--binary .build/release/understudy] [--baseline OTHER] [--rounds 3]
                         [--duration 5] [--connections 64] [--browser]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from benchutil import ROOT, cpu_seconds, free_port, stop_all, wait_answer, wrk


class Reader(threading.Thread):
    """An SSE subscriber that reads everything and counts events and bytes."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /api/events HTTP/1.1\r\nHost: b\r\n\r\n")
        self.bytes = 0
        self.events = 0
        self.running = True

    def run(self):
        tail = b""
        while self.running:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                return
            if not data:
                return
            self.bytes += len(data)
            chunk = tail + data
            self.events += chunk.count(b"\nevent: ")
            tail = chunk[-8:]

    def stop(self):
        self.running = False
        self.sock.close()


class Stuck:
    """A subscriber that never reads (a small receive buffer, so its backlog builds at once)."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(b"GET /api/events HTTP/1.1\r\nHost: b\r\n\r\n")

    def stop(self):
        self.sock.close()


def dropped(admin_port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=5).read().decode()
    for line in text.splitlines():
        if 'reason="slow_subscriber"' in line and line.startswith("understudy_http_connections_closed_total"):
            return int(float(line.split()[-1]))
    return 0


class Browser:
    """The dashboard in headless chromium; `rps()` reads the requests per second it shows."""

    def __init__(self, admin_port):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800"):
            options.add_argument(argument)
        # chromedriver and chromium inherit the niceness: wrk keeps most of core 1
        service = Service("/usr/bin/chromedriver", popen_kw={"preexec_fn": lambda: os.nice(10)})
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.get(f"http://127.0.0.1:{admin_port}/")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.attribute("stream-status", "data-state") != "live":
            time.sleep(0.1)

    def attribute(self, testid, name):
        return self.driver.execute_script(
            f'const e = document.querySelector(\'[data-testid="{testid}"]\'); return e && e.getAttribute("{name}")')

    def rps(self):
        value = self.attribute("rps", "data-value")
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    def stop(self):
        self.driver.quit()


def start(binary, folder, name):
    data, admin = free_port(), free_port()
    config = os.path.join(folder, f"{name}.yaml")
    with open(config, "w") as f:
        f.write(f'server: {{listen: "127.0.0.1:{data}", loops: 1}}\nadmin: {{listen: "127.0.0.1:{admin}"}}\n'
                "log: {access: false}\n")
    process = subprocess.Popen(["taskset", "-c", "0", binary, "serve", "--config", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_answer(data)
    wait_answer(admin, "/api/state")
    return process, data, admin


def measure(process, port, connections, duration):
    before = cpu_seconds(process.pid)
    rate, requests, errors, _ = wrk(f"http://127.0.0.1:{port}/health", connections, duration)
    used = cpu_seconds(process.pid) - before
    if errors:
        raise SystemExit("wrk saw non-2xx answers")
    return rate, used * 1e6 / max(requests, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/understudy"))
    parser.add_argument("--baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    if os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})   # readers and the browser share wrk's core, not the server's
    folder = tempfile.mkdtemp(prefix="understudy-events-")
    children = []
    try:
        server, data_port, admin_port = start(args.binary, folder, "head")
        children.append(server)
        baseline = None
        if args.baseline:
            baseline = start(args.baseline, folder, "baseline")
            children.append(baseline[0])
        variants = (["baseline"] if baseline else []) + ["none", "subscriber", "stuck"] + (["browser"] if args.browser else [])
        results = {name: {"rate": [], "cpu": [], "events": [], "kib": [], "shown": []} for name in variants}
        drops_before = dropped(admin_port)
        for round_index in range(args.rounds):
            order = variants if round_index % 2 == 0 else list(reversed(variants))
            for name in order:
                result = results[name]
                if name == "baseline":
                    rate, cpu = measure(baseline[0], baseline[1], args.connections, args.duration)
                elif name == "subscriber":
                    reader = Reader(admin_port)
                    reader.start()
                    time.sleep(0.2)
                    start_bytes, start_events = reader.bytes, reader.events
                    rate, cpu = measure(server, data_port, args.connections, args.duration)
                    result["events"].append((reader.events - start_events) / args.duration)
                    result["kib"].append((reader.bytes - start_bytes) / 1024 / args.duration)
                    reader.stop()
                elif name == "stuck":
                    stuck = Stuck(admin_port)
                    rate, cpu = measure(server, data_port, args.connections, args.duration)
                    stuck.stop()
                elif name == "browser":
                    browser = Browser(admin_port)
                    shown = []
                    sampler_stop = threading.Event()

                    def sample():
                        time.sleep(2)
                        while not sampler_stop.wait(0.5):
                            value = browser.rps()
                            if value:
                                shown.append(value)
                    sampler = threading.Thread(target=sample, daemon=True)
                    sampler.start()
                    rate, cpu = measure(server, data_port, args.connections, args.duration)
                    sampler_stop.set()
                    sampler.join()
                    browser.stop()
                    if shown:
                        result["shown"].append(statistics.median(shown))
                else:
                    rate, cpu = measure(server, data_port, args.connections, args.duration)
                result["rate"].append(rate)
                result["cpu"].append(cpu)
                print(f"round {round_index + 1} {name:10s} {rate:10.0f} req/s {cpu:6.2f} µs/req", flush=True)
        drops = dropped(admin_port) - drops_before
        # A stuck subscriber under load until it is dropped (bounded at 120 s).
        stuck = Stuck(admin_port)
        started = time.monotonic()
        stuck_rates = []
        while dropped(admin_port) == drops_before + drops and time.monotonic() - started < 120:
            stuck_rates.append(measure(server, data_port, args.connections, 1)[0])
        drop_seconds = time.monotonic() - started if dropped(admin_port) > drops_before + drops else None
        stuck.stop()

        none_rate = statistics.median(results["none"]["rate"])
        none_cpu = statistics.median(results["none"]["cpu"])
        print(f"\nmedians of {args.rounds} rounds, wrk -c{args.connections} {args.duration}s GET /health, one data loop on core 0:")
        print(f"{'variant':10s} {'req/s':>10s} {'ratio':>6s} {'µs/req':>7s} {'ratio':>6s}  notes")
        for name in variants:
            result = results[name]
            rate, cpu = statistics.median(result["rate"]), statistics.median(result["cpu"])
            notes = ""
            if result["events"]:
                notes = f"subscriber got {statistics.median(result['events']):.0f} events/s, {statistics.median(result['kib']):.0f} KiB/s"
            if name == "stuck":
                notes = (f"dropped after {drop_seconds:.0f} s of load (req/s meanwhile: median {statistics.median(stuck_rates):.0f})"
                         if drop_seconds else "a stuck subscriber was not dropped within 120 s")
            if result["shown"]:
                notes = f"the dashboard showed {statistics.median(result['shown']):.0f} req/s"
            print(f"{name:10s} {rate:10.0f} {rate / none_rate:6.2f} {cpu:7.2f} {cpu / none_cpu:6.2f}  {notes}")
    finally:
        stop_all(children)


if __name__ == "__main__":
    sys.exit(main())
