#!/usr/bin/env python3
"""delay-fidelity.py — how exactly 10,000 concurrent delayed requests come back on time.

    Benchmarks/delay-fidelity.py [--binary PATH] [--connections 10000] [--rate 5000]
                                 [--delay 1] [--peer httpbin|none] [--json FILE]

Opens --connections connections at up to --rate per second, each sending one
`GET /delay/{delay}` as soon as it is connected, and measures each request's latency from
its send to its last response byte: the arrival time is the kernel's receive timestamp
(SO_TIMESTAMPNS), so this client's own lag in reading does not count against the server. Reports the overshoot (latency minus the delay): p50,
p99 and max, plus errors, and the server's thread count and RSS, sampled every 50 ms during
the run (its process and its children). Runs Understudy, then the peer, python httpbin
(PyPI `httpbin`) under gunicorn with one gevent worker, in one invocation: the same client,
the same pinning (servers on core 0, this client on core 1), one after the other.
Needs `pip install httpbin gunicorn gevent` for the peer. Binds 127.0.0.1 only, picks free
ports and stops every process it starts.
"""
import argparse
import errno
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import struct
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)   # Linux; the control message has the same type
CMSG_SPACE = socket.CMSG_SPACE(16)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def process_tree(pid):
    """pid and its descendants (gunicorn's workers)."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            children = []
        pids += children
        frontier += children
    return pids


def sample(pid):
    """(threads, rss KiB) over the process tree."""
    threads = rss = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("Threads:"):
                        threads += int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return threads, rss


def wait_ready(port, path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1."):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


class Request:
    __slots__ = ("sock", "sent_at", "buffer", "done_at", "error", "state")

    def __init__(self, sock):
        self.sock = sock
        self.sent_at = None
        self.done_at = None
        self.buffer = bytearray()
        self.error = None
        self.state = "connecting"


def complete(buffer):
    """True once a whole Content-Length or chunked response is in `buffer`."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    head = bytes(buffer[:head_end]).lower()
    body = len(buffer) - head_end - 4
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return body >= int(line.split(b":", 1)[1])
    if b"transfer-encoding: chunked" in head:
        return buffer.endswith(b"0\r\n\r\n")
    return False


def load(port, path, connections, rate, pid, timeout):
    """Runs the clients; returns latencies (s), errors, and the peak threads and RSS."""
    selector = selectors.DefaultSelector()
    request_bytes = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    requests, opened, finished = [], 0, 0
    start = time.monotonic()
    deadline = start + connections / rate + timeout
    peak_threads = peak_rss = 0
    next_sample = start
    while finished < connections and time.monotonic() < deadline:
        now = time.monotonic()
        # Open connections on schedule: at most `rate` per second since the start.
        due = min(connections, int((now - start) * rate) + 1)
        while opened < due:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            request = Request(sock)
            code = sock.connect_ex(("127.0.0.1", port))
            if code not in (0, errno.EINPROGRESS):
                request.error = os.strerror(code)
                finished += 1
                sock.close()
            else:
                selector.register(sock, selectors.EVENT_WRITE, request)
            requests.append(request)
            opened += 1
        if now >= next_sample:
            threads, rss = sample(pid)
            peak_threads, peak_rss = max(peak_threads, threads), max(peak_rss, rss)
            next_sample = now + 0.05
        for key, events in selector.select(timeout=0.001):
            request = key.data
            sock = request.sock
            if request.state == "connecting":
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    request.error = os.strerror(code)
                else:
                    try:
                        request.sent_at = time.time_ns()
                        sock.send(request_bytes)
                        request.state = "waiting"
                        selector.modify(sock, selectors.EVENT_READ, request)
                        continue
                    except OSError as error:
                        request.error = str(error)
                selector.unregister(sock)
                sock.close()
                finished += 1
                continue
            arrived = None
            try:
                data, ancillary, _, _ = sock.recvmsg(65536, CMSG_SPACE)
                for level, kind, payload in ancillary:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                        seconds, nanoseconds = struct.unpack("qq", payload[:16])
                        arrived = seconds * 1_000_000_000 + nanoseconds
            except OSError as error:
                data, request.error = b"", str(error)
            if data:
                request.buffer += data
                if not complete(request.buffer):
                    continue
                request.done_at = arrived if arrived is not None else time.time_ns()
            elif request.error is None:
                request.error = "closed before a full response"
            selector.unregister(sock)
            sock.close()
            finished += 1
    for request in requests:
        if request.done_at is None and request.error is None:
            request.error = "timed out"
            try:
                selector.unregister(request.sock)
            except (KeyError, ValueError):
                pass
            request.sock.close()
    latencies = [(r.done_at - r.sent_at) / 1e9 for r in requests if r.done_at is not None]
    statuses = {}
    for r in requests:
        if r.done_at is not None:
            status = bytes(r.buffer[9:12]).decode(errors="replace")
            statuses[status] = statuses.get(status, 0) + 1
    errors = {}
    for r in requests:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    return latencies, statuses, errors, peak_threads, peak_rss


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_server(label, command, port, path, args, env=None):
    print(f"{label}: {' '.join(command)}", file=sys.stderr)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
                               env=env, preexec_fn=raise_nofile)
    try:
        if not wait_ready(port, "/get"):
            log.seek(0)
            sys.exit(f"delay-fidelity: {label} did not answer on port {port}: {log.read().decode(errors='replace')[-2000:]}")
        idle_threads, idle_rss = sample(process.pid)
        latencies, statuses, errors, threads, rss = load(port, path, args.connections, args.rate, process.pid,
                                                         timeout=args.delay + 30)
        overshoot = [1000 * (latency - args.delay) for latency in latencies]
        return {
            "server": label, "completed": len(latencies), "statuses": statuses, "errors": errors,
            "p50_ms": percentile(overshoot, 0.50), "p99_ms": percentile(overshoot, 0.99),
            "max_ms": max(overshoot) if overshoot else float("nan"),
            "min_ms": min(overshoot) if overshoot else float("nan"),
            "threads_idle": idle_threads, "threads_peak": threads,
            "rss_idle_mib": idle_rss / 1024, "rss_peak_mib": rss / 1024,
        }
    finally:
        stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--binary", default=os.path.join(HERE, "..", ".build", "release", "understudy"))
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=5_000, help="new connections per second, at most")
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--peer", choices=["httpbin", "none"], default="httpbin")
    parser.add_argument("--server-cpus", default="0")
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()

    limit = raise_nofile()
    if limit < args.connections + 100:
        sys.exit(f"delay-fidelity: open-file limit {limit} is below {args.connections} connections")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"delay-fidelity: no binary at {args.binary} (swift build -c release --product understudy)")
    if args.client_cpu >= 0 and args.client_cpu < os.cpu_count():
        os.sched_setaffinity(0, {args.client_cpu})
    delay_text = f"{args.delay:g}"
    path = f"/delay/{delay_text}"
    results = []

    port = free_port()
    env = dict(os.environ, UNDERSTUDY_LOG__ACCESS="false")
    results.append(run_server("understudy", ["taskset", "-c", args.server_cpus, args.binary, "serve",
                                             "--listen", f"127.0.0.1:{port}", "--admin-listen", "127.0.0.1:0"],
                              port, path, args, env))
    if args.peer == "httpbin":
        port = free_port()
        results.append(run_server("httpbin", ["taskset", "-c", args.server_cpus, sys.executable, "-m", "gunicorn",
                                              "-k", "gevent", "-w", "1", "--worker-connections", str(args.connections + 100),
                                              "--backlog", "4096", "--timeout", "120", "-b", f"127.0.0.1:{port}",
                                              "httpbin:app"], port, path, args))

    print(f"{args.connections} connections at up to {args.rate:g}/s, GET {path}; overshoot = latency - {delay_text} s")
    print(f"{'server':<11} {'done':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'threads':>8} {'RSS MiB':>8}  errors / statuses")
    for r in results:
        print(f"{r['server']:<11} {r['completed']:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} "
              f"{r['threads_peak']:>8} {r['rss_peak_mib']:>8.1f}  {r['errors'] or '-'} {r['statuses']}")
    if len(results) == 2 and results[0]["p99_ms"] > 0:
        print(f"httpbin / understudy: p99 overshoot x{results[1]['p99_ms'] / results[0]['p99_ms']:.1f}, "
              f"max x{results[1]['max_ms'] / max(results[0]['max_ms'], 0.001):.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0 if all(r["completed"] == args.connections for r in results[:1]) else 1


if __name__ == "__main__":
    sys.exit(main())
