#!/usr/bin/env python3
"""tls.py — TLS and gzip against nginx, side by side, same certificate, alternating rounds.

Understudy (`serve`, one event loop) and nginx (1 worker), each pinned to core 0 with wrk on
core 1, answer GET /health with the same small JSON body, and GET /big.json with the same
64 KiB JSON document (Understudy: a fault rule's `respond`; nginx: a file). Three measurements,
each `--rounds` times, alternating which server goes first:

  handshakes  wrk -c16 with `Connection: close`: every request a new TLS connection (a full
              handshake; TLS 1.3, ECDSA P-256), so req/s is new TLS connections per second;
  keepalive   wrk -c64 over TLS keep-alive connections: req/s;
  gzip        wrk -c16 with `Accept-Encoding: gzip` over plain HTTP, /big.json compressed at
              level 6 by both (nginx gzip_comp_level 6): req/s and MB/s of JSON.

CPU per request comes from /proc for the server process (nginx: its worker). Prints the
medians and each ratio Understudy/nginx (higher is better for req/s).

  swift build -c release --product understudy
  Benchmarks/tls.py [--rounds 3] [--duration 5]

Loopback only, free ports, every process stopped (by PID) at the end. Needs openssl, wrk
and nginx. Exit 1 if a run failed (a non-2xx answer, or a body of the wrong size).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchutil import ROOT, cpu_seconds, free_port, stop_all, wait_answer, wrk


def body_64k():
    """A 64 KiB JSON document, varied enough that it compresses like real data (about 7:1)."""
    items, index = [], 0
    while True:
        items.append({"id": index, "sku": f"SKU-{index * 7919 % 100000:05d}", "name": f"item {index}",
                      "price": round(index * 1.37 % 500, 2), "tags": ["a", "b", "c"][: index % 3 + 1],
                      "in_stock": index % 4 != 0})
        if len(json.dumps(items)) > 64 * 1024:
            items.pop()
            break
        index += 1
    document = json.dumps(items)
    return document + " " * (64 * 1024 - len(document))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/understudy"))
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for tool in ("openssl", "wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            raise SystemExit(f"{tool} not found (apt-get install -y openssl wrk nginx-light)")
    if not os.path.exists(args.binary):
        raise SystemExit(f"{args.binary} not found: swift build -c release --product understudy")
    work = tempfile.mkdtemp(prefix="understudy-tls-bench.")
    os.chmod(work, 0o755)   # nginx's workers (nobody, when started as root) read the body file
    children, failed = [], False
    try:
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
        body = body_64k()
        with open(os.path.join(work, "big.json"), "w") as f:
            f.write(body)
        ports = {name: {"http": free_port(), "https": free_port()} for name in ("understudy", "nginx")}

        config = os.path.join(work, "understudy.yaml")
        with open(config, "w") as f:
            json.dump({"server": {"listen": [f"127.0.0.1:{ports['understudy']['http']}"], "loops": 1},
                       "admin": {"listen": "127.0.0.1:0"},
                       "faults": {"rules": [{"name": "big", "match": {"path": "/big.json"},
                                             "respond": {"status": 200, "body": body,
                                                         "headers": {"Content-Type": "application/json"}}}]},
                       "log": {"access": False},
                       "compression": {"level": 6},
                       "tls": {"listen": [f"127.0.0.1:{ports['understudy']['https']}"], "cert": cert, "key": key}}, f)
        understudy = subprocess.Popen(["taskset", "-c", "0", args.binary, "serve", "--config", config],
                                      stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "understudy.err"), "w"))
        children.append(understudy)

        prefix = os.path.join(work, "nginx")
        os.makedirs(os.path.join(prefix, "logs"))
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(f"""worker_processes 1;
pid {prefix}/nginx.pid;
events {{ worker_connections 20480; }}
http {{
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    gzip on;
    gzip_types application/json;
    gzip_comp_level 6;
    gzip_min_length 1024;
    gzip_vary on;
    server {{
        listen 127.0.0.1:{ports['nginx']['http']};
        listen 127.0.0.1:{ports['nginx']['https']} ssl;
        location = /health {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
        location = /big.json {{ default_type application/json; alias {work}/big.json; }}
    }}
}}
""")
        nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-p", prefix, "-e", os.path.join(prefix, "error.log"),
                                  "-c", os.path.join(prefix, "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children.append(nginx)
        try:
            for name in ports:
                wait_answer(ports[name]["http"], tls=False)
                wait_answer(ports[name]["https"], tls=True)
        except SystemExit:
            for log in (os.path.join(work, "understudy.err"), os.path.join(prefix, "error.log")):
                if os.path.exists(log):
                    print(f"{log}:\n{open(log).read()}", file=sys.stderr)
            raise
        worker = int(subprocess.run(["pgrep", "-P", str(nginx.pid)], capture_output=True, text=True).stdout.split()[0])
        servers = {"understudy": understudy.pid, "nginx": worker}

        tests = {
            "handshakes": lambda p: (f"https://127.0.0.1:{p['https']}/health", 16, ["Connection: close"]),
            "keepalive": lambda p: (f"https://127.0.0.1:{p['https']}/health", 64, []),
            "gzip": lambda p: (f"http://127.0.0.1:{p['http']}/big.json", 16, ["Accept-Encoding: gzip"]),
        }
        results = {test: {name: {"rps": [], "cpu": []} for name in servers} for test in tests}
        for test, make in tests.items():
            for name in servers:   # warm-up
                url, connections, headers = make(ports[name])
                wrk(url, connections, 1, headers)
            for round_index in range(args.rounds):
                order = list(servers) if round_index % 2 == 0 else list(reversed(list(servers)))
                for name in order:
                    url, connections, headers = make(ports[name])
                    before = cpu_seconds(servers[name])
                    rate, requests, errors, output = wrk(url, connections, args.duration, headers)
                    used = cpu_seconds(servers[name]) - before
                    if errors:
                        failed = True
                        print(f"{test} {name}: errors\n{output}", file=sys.stderr)
                    results[test][name]["rps"].append(rate)
                    results[test][name]["cpu"].append(used * 1e6 / max(requests, 1))
                    print(f"round {round_index + 1} {test:10} {name:10} {rate:10.0f} req/s  "
                          f"{results[test][name]['cpu'][-1]:7.1f} us CPU/req", file=sys.stderr)

        # The gzip answers are really compressed, and to about the same size.
        sizes = {}
        for name in servers:
            out = subprocess.run(["curl", "-s", "-H", "Accept-Encoding: gzip", "-o", "/dev/null", "-w", "%{size_download}",
                                  f"http://127.0.0.1:{ports[name]['http']}/big.json"], capture_output=True, text=True)
            sizes[name] = int(out.stdout or 0)
            if not 0 < sizes[name] < len(body) // 2:
                failed = True

        print(f"\nmedians of {args.rounds} x {args.duration}s; body {len(body)} bytes, gzip answer: "
              + ", ".join(f"{name} {size} bytes" for name, size in sizes.items()))
        print(f"{'test':11} {'understudy req/s':>17} {'nginx req/s':>12} {'ratio':>6}   {'understudy us/req':>18} {'nginx us/req':>13}")
        for test in tests:
            u, n = results[test]["understudy"], results[test]["nginx"]
            ur, nr = statistics.median(u["rps"]), statistics.median(n["rps"])
            print(f"{test:11} {ur:17.0f} {nr:12.0f} {ur / nr:6.2f}   {statistics.median(u['cpu']):18.1f} "
                  f"{statistics.median(n['cpu']):13.1f}")
        gz = statistics.median(results["gzip"]["understudy"]["rps"])
        print(f"gzip: understudy compresses {gz * len(body) / 1e6:.0f} MB/s of JSON on one core")
    finally:
        stop_all(children)
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
