#!/usr/bin/env python3
"""first-response.py [options] -- CMD [ARGS...] — time from exec to the first `GET /health` 200.

Starts CMD (fork+exec, in its own session), then polls 127.0.0.1:PORT with
`GET /health HTTP/1.1` — connect, and on "connection refused" retry every --interval ms —
until one answers 200; prints the milliseconds from just before the exec to the end of
that 200 response. Then stops the server it started (SIGTERM to its process group, SIGKILL
after 5 s), waits for the port to be free, and repeats: --runs times (default 7), printing
the median, min and max.

  Benchmarks/first-response.py --port 8080 -- .build/release/understudy serve --listen 127.0.0.1:8080 --admin-listen 127.0.0.1:0
  Benchmarks/first-response.py --port 0 -- .build/release/understudy serve --listen 127.0.0.1:{port} --admin-listen 127.0.0.1:0
    ({port} in the command is replaced by --port, or by a free port when --port is 0)
  nginx: prefix=$(Benchmarks/nginx-health.sh --conf-only 18080) &&
    Benchmarks/first-response.py --port 18080 -- nginx -p $prefix/ -e $prefix/error.log \\
      -c nginx.conf -g 'daemon off;' ; rm -rf $prefix

Measure a release build's binary directly, not `swift run` (that would time the build
system). The command must stay in the foreground (no daemonizing); its stdout and stderr
go to /dev/null unless --show-output. The first run is usually slower (cold page cache):
--warmup runs (default 1) are made and not counted.
Exit status: 0 when every counted run reached 200 within --timeout (default 10 s).
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def try_health(port):
    """One attempt: None if nothing listens yet, else the status code (0 if unparsable)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1.0)
    except (ConnectionRefusedError, socket.timeout, OSError):
        return None
    try:
        s.settimeout(1.0)
        s.sendall(REQUEST)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        try:
            status = int(buf.split(b"\r\n", 1)[0].split()[1])
        except (IndexError, ValueError):
            return 0
        # read the rest so the time covers the whole response
        head_end = buf.find(b"\r\n\r\n")
        while head_end < 0:
            chunk = s.recv(4096)
            if not chunk:
                return status
            buf += chunk
            head_end = buf.find(b"\r\n\r\n")
        length = 0
        for line in buf[:head_end].split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip())
        while len(buf) - head_end - 4 < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return status
    except (OSError, socket.timeout):
        return 0
    finally:
        s.close()


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the session we created: only our processes
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # children that outlived the leader (e.g. nginx workers) are in the same group
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.02)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def one_run(cmd, port, timeout, interval, show_output):
    out = None if show_output else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    try:
        attempts = 0
        while True:
            status = try_health(port)
            attempts += 1
            elapsed = (time.perf_counter() - t0) * 1000
            if status == 200:
                return elapsed, attempts, None
            if proc.poll() is not None:
                return None, attempts, f"server exited with {proc.returncode} before answering 200"
            if elapsed > timeout * 1000:
                return None, attempts, f"no 200 within {timeout:g} s (last status {status})"
            time.sleep(interval / 1000)  # refused, or answered but not 200 yet: poll again
    finally:
        stop(proc)
        deadline = time.monotonic() + 10
        while not port_free(port) and time.monotonic() < deadline:
            time.sleep(0.05)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    split = argv.index("--")
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True, help="port the server listens on; 0 = pick one, use {port} in CMD")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per run (default 10)")
    p.add_argument("--interval", type=float, default=1.0, help="ms between polls (default 1)")
    p.add_argument("--show-output", action="store_true")
    a = p.parse_args(argv[:split])
    cmd = argv[split + 1:]
    if not cmd:
        sys.exit("first-response: no command after --")
    port = a.port or free_port()
    cmd = [c.replace("{port}", str(port)) for c in cmd]
    if not port_free(port):
        sys.exit(f"first-response: 127.0.0.1:{port} is already in use")
    times, failures = [], 0
    for i in range(a.warmup + a.runs):
        ms, attempts, err = one_run(cmd, port, a.timeout, a.interval, a.show_output)
        counted = i >= a.warmup
        tag = f"run {i - a.warmup + 1}" if counted else "warm-up"
        if err:
            print(f"  {tag}: FAILED: {err}", file=sys.stderr)
            if counted:
                failures += 1
            continue
        print(f"  {tag}: {ms:.1f} ms ({attempts} polls)", file=sys.stderr)
        if counted:
            times.append(ms)
    if times:
        print(f"first-response: exec -> first /health 200 on 127.0.0.1:{port}: median {statistics.median(times):.1f} ms "
              f"(min {min(times):.1f}, max {max(times):.1f}, {len(times)} runs, {failures} failed)  cmd: {' '.join(cmd)}")
    else:
        print(f"first-response: no run reached 200 ({failures} failed)  cmd: {' '.join(cmd)}")
    return 0 if failures == 0 and times else 1


if __name__ == "__main__":
    sys.exit(main())
