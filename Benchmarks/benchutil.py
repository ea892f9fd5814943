"""Helpers the benchmark scripts share (import from a script in Benchmarks/)."""
import os
import socket
import ssl
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    """A free TCP port on 127.0.0.1 (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_all(children, timeout=5):
    """Terminates every child process, then kills those still running after `timeout` s."""
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()


def wait_answer(port, path="/health", tls=False, timeout=10.0):
    """Waits (bounded) until 127.0.0.1:port answers GET path with 200, over TLS (certificate
    not checked) when `tls`; exits the script otherwise."""
    deadline = time.monotonic() + timeout
    context = ssl._create_unverified_context() if tls else None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                s = context.wrap_socket(raw) if context else raw
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"{'https' if tls else 'http'}://127.0.0.1:{port}{path} did not answer 200 within {timeout}s")


def cpu_seconds(pid):
    """User plus system CPU seconds process `pid` has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wrk(url, connections, duration, headers=()):
    """wrk on core 1, one thread: (req/s, requests, whether any answer was not 2xx/3xx, its output)."""
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True)
    requests = rate = None
    errors = "Non-2xx" in out.stdout
    for line in out.stdout.splitlines():
        if "requests in" in line:
            requests = int(line.split()[0])
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
    if requests is None or rate is None:
        raise RuntimeError(f"wrk failed: {out.stdout}{out.stderr}")
    return rate, requests, errors, out.stdout
