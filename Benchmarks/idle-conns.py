#!/usr/bin/env python3
"""idle-conns.py PORT PID [N] — memory cost of idle keep-alive connections.

Opens N (default 10000) TCP connections to 127.0.0.1:PORT, sends one
`GET /health HTTP/1.1` (keep-alive) on each and reads its whole response, then keeps them
all open and idle. Reports the server's resident memory before and after (VmRSS and
RssAnon from /proc/PID/status, summed over PID and all its descendants: nginx workers,
forked children), the difference per connection in KiB, and whether a fresh `/health`
request on a new connection still answers 200 within 1 s while they are held. Then it
checks how many held connections the server kept open (a server that closes idle
connections early shows it here), holds them --hold seconds more, and closes them all.

  Benchmarks/idle-conns.py 8080 $SERVER_PID 10000
  Benchmarks/idle-conns.py --json out.json 18080 $NGINX_MASTER_PID

Notes:
- The per-connection figure counts user-space memory only: kernel socket buffers are
  not in RSS (an idle loopback socket costs the kernel roughly 2-4 KiB more, the same
  for every server).
- Memory a server allocates up front for its connection table (nginx's
  worker_connections array) is already in "before"; report it with --json if it matters.
- This client needs N+50 file descriptors; the soft limit is raised to the hard limit.
  The server needs its own limit raised (ulimit -n before starting it).
- Connections are opened --batch at a time (default 500) so a default listen backlog
  (511) is enough; the opening phase is bounded by --open-timeout (default 120 s).
Exit status: 0 if all N connections got 200, stayed open and the fresh request answered
within 1 s; 1 otherwise (the numbers are still printed).
"""
import argparse
import json
import os
import resource
import selectors
import socket
import sys
import time

REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: idle-conns\r\nAccept: */*\r\n\r\n"


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pid):
    procs = descendants(pid)
    return {
        "pids": procs,
        "rss_kib": sum(status_kib(p, "VmRSS") for p in procs),
        "anon_kib": sum(status_kib(p, "RssAnon") for p in procs),
        "threads": sum(status_kib(p, "Threads") for p in procs),  # count, not KiB
    }


def response_complete(buf):
    """True once buf holds a full HTTP response (Content-Length or chunked); status code."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return False, None
    head = buf[:head_end].decode("latin-1")
    lines = head.split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return True, -1
    length = None
    chunked = False
    for line in lines[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        if k == "content-length":
            length = int(v.strip())
        elif k == "transfer-encoding" and "chunked" in v.lower():
            chunked = True
    body = buf[head_end + 4:]
    if chunked:
        return body.endswith(b"0\r\n\r\n"), status
    if length is None:
        return False, status  # read to close; not expected on keep-alive
    return len(body) >= length, status


def fresh_request(port, timeout):
    t0 = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(max(0.001, timeout - (time.monotonic() - t0)))
            s.sendall(REQUEST)
            buf = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                done, status = response_complete(buf)
                if done:
                    return status, (time.monotonic() - t0) * 1000
                s.settimeout(max(0.001, timeout - (time.monotonic() - t0)))
    except (OSError, socket.timeout):
        pass
    return None, (time.monotonic() - t0) * 1000


def open_connections(port, n, batch, deadline):
    """Open n connections, batch in flight at a time; returns (open sockets, failures, statuses)."""
    sel = selectors.DefaultSelector()
    held, failed = [], 0
    statuses = {}
    pending = 0
    started = 0
    while (started < n or pending) and time.monotonic() < deadline:
        while started < n and pending < batch:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            err = s.connect_ex(("127.0.0.1", port))
            if err not in (0, 115):  # EINPROGRESS
                failed += 1
                s.close()
            else:
                sel.register(s, selectors.EVENT_WRITE, {"buf": b"", "sent": False})
                pending += 1
            started += 1
        for key, ev in sel.select(timeout=0.5):
            s, st = key.fileobj, key.data
            try:
                if not st["sent"]:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        raise OSError("connect failed")
                    s.send(REQUEST)
                    st["sent"] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(65536)
                if not chunk:
                    raise OSError("closed before a full response")
                st["buf"] += chunk
                done, status = response_complete(st["buf"])
                if done:
                    statuses[status] = statuses.get(status, 0) + 1
                    sel.unregister(s)
                    pending -= 1
                    held.append(s)
            except OSError:
                sel.unregister(s)
                s.close()
                pending -= 1
                failed += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
        failed += 1
    sel.close()
    return held, failed, statuses


def still_open(socks):
    """Count held sockets the server has not closed (no EOF/RST waiting to be read)."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    for key, _ in sel.select(timeout=0):
        try:
            if key.fileobj.recv(1, socket.MSG_PEEK) == b"":
                closed += 1
        except OSError:
            closed += 1
    sel.close()
    return len(socks) - closed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("port", type=int)
    p.add_argument("pid", type=int, help="server PID (its descendants are summed too)")
    p.add_argument("n", type=int, nargs="?", default=10000)
    p.add_argument("--batch", type=int, default=500, help="connections being opened at once (default 500)")
    p.add_argument("--settle", type=float, default=1.0, help="seconds to wait before measuring 'after' (default 1)")
    p.add_argument("--hold", type=float, default=0.0, help="seconds to keep holding after the report (default 0)")
    p.add_argument("--open-timeout", type=float, default=120.0)
    p.add_argument("--json", default=None, help="also write the result as JSON to this file")
    a = p.parse_args()

    if not os.path.exists(f"/proc/{a.pid}"):
        sys.exit(f"idle-conns: no process {a.pid}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.n + 50
    if hard != resource.RLIM_INFINITY and hard < want:
        sys.exit(f"idle-conns: need {want} file descriptors, hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    status0, ms0 = fresh_request(a.port, 1.0)
    if status0 != 200:
        sys.exit(f"idle-conns: GET /health on 127.0.0.1:{a.port} did not answer 200 within 1 s (got {status0})")
    time.sleep(0.2)
    before = memory(a.pid)
    t0 = time.monotonic()
    held, failed, statuses = open_connections(a.port, a.n, a.batch, t0 + a.open_timeout)
    open_s = time.monotonic() - t0
    time.sleep(a.settle)
    after = memory(a.pid)
    status1, ms1 = fresh_request(a.port, 1.0)
    alive = still_open(held)
    n_ok = statuses.get(200, 0)
    per_rss = (after["rss_kib"] - before["rss_kib"]) / max(1, len(held))
    per_anon = (after["anon_kib"] - before["anon_kib"]) / max(1, len(held))
    result = {
        "port": a.port, "pid": a.pid, "requested": a.n, "held": len(held), "failed": failed,
        "statuses": statuses, "open_seconds": round(open_s, 2),
        "rss_before_kib": before["rss_kib"], "rss_after_kib": after["rss_kib"],
        "anon_before_kib": before["anon_kib"], "anon_after_kib": after["anon_kib"],
        "kib_per_conn_rss": round(per_rss, 3), "kib_per_conn_anon": round(per_anon, 3),
        "processes": len(after["pids"]), "threads_before": before["threads"], "threads_after": after["threads"],
        "fresh_status": status1, "fresh_ms": round(ms1, 2), "still_open": alive,
    }
    print(f"idle-conns: 127.0.0.1:{a.port} pid {a.pid} ({len(after['pids'])} process(es), "
          f"threads {before['threads']} -> {after['threads']})")
    print(f"  connections: {len(held)}/{a.n} held after 200 ({statuses}), {failed} failed, opened in {open_s:.1f} s")
    print(f"  VmRSS  : {before['rss_kib']} KiB -> {after['rss_kib']} KiB  = {per_rss:.2f} KiB/conn")
    print(f"  RssAnon: {before['anon_kib']} KiB -> {after['anon_kib']} KiB  = {per_anon:.2f} KiB/conn")
    fresh_ok = status1 == 200 and ms1 <= 1000
    print(f"  fresh GET /health while held: {status1} in {ms1:.1f} ms -> {'OK' if fresh_ok else 'FAIL'}")
    print(f"  still open after the check: {alive}/{len(held)}")
    if a.hold > 0:
        time.sleep(a.hold)
        result["still_open_after_hold"] = still_open(held)
        print(f"  still open after {a.hold:g} s more: {result['still_open_after_hold']}/{len(held)}")
    for s in held:
        s.close()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    good = n_ok == a.n and fresh_ok and alive == len(held)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
