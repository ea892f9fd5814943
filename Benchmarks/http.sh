#!/usr/bin/env bash
# http.sh — Understudy against nginx on GET /health, side by side, in one command.
#
#   Benchmarks/http.sh [options] [-- EXTRA SERVE ARGS...]
#
# Builds the release binary as the Docker image ships it (swift build -c release
# --static-swift-stdlib --product understudy), then:
#   1. throughput, p99 and CPU per request (compare-http.py): keep-alive with 64 and 256
#      connections and `Connection: close` with 64, Understudy and nginx in alternating rounds;
#   2. 10,000 idle keep-alive connections (idle-conns.py): RSS per connection, and whether a
#      fresh /health still answers meanwhile; a fresh process of each server;
#   3. exec -> first /health 200 (first-response.py), for each server;
# and prints a summary with the Understudy/nginx ratios. About 3.5 minutes with the defaults.
#
# Options:
#   --no-build         use the existing .build/release/understudy (or --binary PATH)
#   --binary PATH      the understudy binary to measure (default .build/release/understudy)
#   --rounds N         compare-http rounds (default 5)      --duration S   seconds per run (5)
#   --quick            smoke test: 1 round x 2 s, 1,000 idle connections, 3 start-up runs
#   --pin split|none   split (default): Understudy under `taskset -c 0`, nginx 1 worker on
#                      core 0, wrk 1 thread on core 1; none: nothing pinned, nginx 2 workers
#   --workers N        nginx worker_processes (default 1 with split, 2 with none)
#   --conns N          idle connections (default 10000)
#   --skip-http / --skip-idle / --skip-first   leave out a part
#   --keep DIR         keep the raw JSON results in DIR
#   -- ARGS...         appended to `understudy serve` (e.g. -- --config config/x.yaml)
# Understudy runs as
#   understudy serve --listen 127.0.0.1:{port} --admin-listen 127.0.0.1:0 [ARGS...]
# with its default (access log on, to /dev/null). Needs wrk, nginx (apt-get install -y wrk
# nginx-light), curl, python3 and taskset. Binds 127.0.0.1 only; every process it starts is
# stopped on exit, by PID or process group. Exit 1 if a part failed (numbers printed still hold).
# shellcheck disable=SC2317  # the stop_* functions and cleanup run from the EXIT trap
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

usage() { sed -n '2,30p' "$0" >&2; exit 2; }
build=1; binary=".build/release/understudy"; rounds=5; duration=5; pin="split"; workers=""
conns=10000; first_runs=7; skip_http=0; skip_idle=0; skip_first=0; keep=""; extra=()
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    --binary) binary=${2:?}; build=0; shift ;;
    --rounds) rounds=${2:?}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --quick) rounds=1; duration=2; conns=1000; first_runs=3 ;;
    --pin) pin=${2:?}; shift ;;
    --workers) workers=${2:?}; shift ;;
    --conns) conns=${2:?}; shift ;;
    --skip-http) skip_http=1 ;;
    --skip-idle) skip_idle=1 ;;
    --skip-first) skip_first=1 ;;
    --keep) keep=${2:?}; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "http.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
[[ $pin == split || $pin == none ]] || usage
[[ $rounds =~ ^[1-9][0-9]*$ && $conns =~ ^[1-9][0-9]*$ ]] || usage
[[ -n $workers ]] || { [[ $pin == split ]] && workers=1 || workers=2; }

missing=()
for tool in wrk nginx curl python3 taskset setsid; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "http.sh: missing ${missing[*]}: apt-get install -y wrk nginx-light curl python3 util-linux" >&2
  exit 3
fi
if [[ $pin == split ]] && (($(nproc) < 2)); then
  echo "http.sh: --pin split needs 2 cores (wrk on core 1); use --pin none" >&2; exit 2
fi

if ((build)); then
  echo "## building: swift build -c release --static-swift-stdlib --product understudy"
  swift build -c release --static-swift-stdlib --product understudy
fi
[[ -x $binary ]] || { echo "http.sh: no binary at $binary (build it, or drop --no-build)" >&2; exit 2; }
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

# Servers inherit this: 10,000 idle connections need more than the usual 1024 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cpus=(); ngx_cpus=()
if [[ $pin == split ]]; then cpus=(taskset -c 0); ngx_cpus=(--cpus 0); fi
cmd=("$binary" serve --listen '127.0.0.1:{port}' --admin-listen 127.0.0.1:0 "${extra[@]}")
label=understudy
peer=nginx-${workers}w

work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-bench.XXXXXX")
cand_pid=""; ngx_pid=""; helper_pid=""; fail=0

stop_candidate() {
  [[ -n $cand_pid ]] || return 0
  kill -TERM -- "-$cand_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$cand_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$cand_pid" 2>/dev/null || true
  wait "$cand_pid" 2>/dev/null || true
  cand_pid=""
}
stop_nginx() {
  [[ -n $ngx_pid ]] || return 0
  "$here/nginx-health.sh" --stop "$ngx_pid" 2>/dev/null || true
  ngx_pid=""
}
stop_helper() {  # a measuring script still running when we are interrupted, and its children (wrk)
  [[ -n $helper_pid ]] || return 0
  local kids
  kids=$(cat "/proc/$helper_pid/task/$helper_pid/children" 2>/dev/null || true)
  # shellcheck disable=SC2086  # $kids: a list of PIDs
  kill -TERM "$helper_pid" $kids 2>/dev/null || true
  wait "$helper_pid" 2>/dev/null || true
  helper_pid=""
}
cleanup() {
  stop_helper; stop_candidate; stop_nginx
  if [[ -n $keep ]] && mkdir -p "$keep"; then cp "$work"/*.json "$work"/*.txt "$keep"/ 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a measuring script in the background and wait for it, so INT/TERM reach the trap at once.
run_helper() {
  "$@" &
  helper_pid=$!
  local rc=0
  wait "$helper_pid" || rc=$?
  helper_pid=""
  return $rc
}

start_candidate() {  # sets cand_pid, cand_port
  cand_port=$(python3 "$here/free-port.py")
  local c=("${cmd[@]//\{port\}/$cand_port}")
  # setsid: its own process group, so anything it forks is stopped with it
  setsid "${cpus[@]}" "${c[@]}" </dev/null >/dev/null 2>"$work/understudy.stderr" &
  cand_pid=$!
  for _ in $(seq 1 200); do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$cand_port/health"; then return 0; fi
    if ! kill -0 "$cand_pid" 2>/dev/null; then
      echo "http.sh: understudy exited before answering /health: ${c[*]}" >&2
      tail -n 20 "$work/understudy.stderr" >&2 || true
      wait "$cand_pid" 2>/dev/null || true
      cand_pid=""; return 1
    fi
    sleep 0.05
  done
  echo "http.sh: understudy not answering 200 on /health after 10 s: ${c[*]}" >&2
  tail -n 20 "$work/understudy.stderr" >&2 || true
  stop_candidate
  return 1
}
start_nginx() {  # sets ngx_pid, ngx_port
  ngx_port=$(python3 "$here/free-port.py")
  ngx_pid=$("$here/nginx-health.sh" "${ngx_cpus[@]}" "$ngx_port" "$workers" 2>"$work/nginx.stderr") || {
    cat "$work/nginx.stderr" >&2; ngx_pid=""; return 1; }
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
echo "## Benchmarks/http.sh: $label ($commit) vs nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $workers worker(s);" \
     "pin=$pin; $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "## $label: ${cmd[*]}"

if ((!skip_http)); then
  echo
  echo "## /health throughput, p99 and CPU per request (compare-http.py, $rounds round(s) x ${duration}s)"
  if start_candidate && start_nginx; then
    run_helper "$here/compare-http.py" --pin "$pin" --rounds "$rounds" --duration "$duration" \
      --a-pid "$cand_pid" --b-pid "$ngx_pid" --labels "$label,$peer" --json "$work/http.json" \
      "http://127.0.0.1:$cand_port" "http://127.0.0.1:$ngx_port" /health || fail=1
  else
    fail=1
  fi
  stop_candidate; stop_nginx
fi

if ((!skip_idle)); then
  echo
  echo "## $conns idle keep-alive connections (idle-conns.py, fresh processes)"
  echo "# $label"
  if start_candidate; then
    run_helper "$here/idle-conns.py" --json "$work/idle-$label.json" "$cand_port" "$cand_pid" "$conns" || fail=1
  else
    fail=1
  fi
  stop_candidate
  echo "# $peer"
  if start_nginx; then
    run_helper "$here/idle-conns.py" --json "$work/idle-nginx.json" "$ngx_port" "$ngx_pid" "$conns" || fail=1
  else
    fail=1
  fi
  stop_nginx
fi

if ((!skip_first)); then
  echo
  echo "## exec -> first /health 200 (first-response.py, $first_runs runs each)"
  # per-run lines go to a file; a failed run is shown below the median line
  show_first() {
    cat "$work/first-$1.txt" 2>/dev/null || true
    if grep -q FAILED "$work/first-$1.stderr" 2>/dev/null; then grep FAILED "$work/first-$1.stderr" >&2; fi
  }
  run_helper "$here/first-response.py" --port 0 --runs "$first_runs" -- "${cpus[@]}" "${cmd[@]}" \
    >"$work/first-$label.txt" 2>"$work/first-$label.stderr" || fail=1
  show_first "$label"
  p=$(python3 "$here/free-port.py")
  if prefix=$("$here/nginx-health.sh" --conf-only "$p" "$workers" 2>/dev/null); then
    run_helper "$here/first-response.py" --port "$p" --runs "$first_runs" -- "${cpus[@]}" \
      nginx -p "$prefix/" -e "$prefix/error.log" -c nginx.conf -g 'daemon off;' \
      >"$work/first-nginx.txt" 2>"$work/first-nginx.stderr" || fail=1
    rm -rf -- "$prefix"
    show_first nginx
  else
    fail=1
  fi
fi

echo
echo "## summary: $label / $peer"
python3 - "$work" "$label" "$peer" <<'EOF' || true
import json, os, re, sys
work, a, b = sys.argv[1:4]
def load(name):
    try:
        with open(os.path.join(work, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def ratio(x, y):
    return f"{x / y:.2f}" if x and y else "-"
http = load("http.json")
if http:
    print(f"{'scenario':9s} {a + ' req/s':>16s} {b + ' req/s':>14s} {'ratio':>6s} "
          f"{'cpu us/req':>11s} {'nginx':>7s} {'cpu ratio':>9s} {'p99 ' + a:>15s} {'p99 nginx':>10s}")
    for s in http["summary"]:
        ca, cb = s["a_cpu_us_per_req"], s["b_cpu_us_per_req"]
        print(f"{s['scenario']:9s} {s['a_rps'] or 0:16.0f} {s['b_rps'] or 0:14.0f} {ratio(s['a_rps'], s['b_rps']):>6s} "
              f"{(f'{ca:.1f}' if ca else '-'):>11s} {(f'{cb:.1f}' if cb else '-'):>7s} {ratio(ca, cb):>9s} "
              f"{(s['a_p99_us'] or 0) / 1000:13.2f}ms {(s['b_p99_us'] or 0) / 1000:8.2f}ms")
    print("  ratio = understudy req/s over nginx's (>= 1: as fast); cpu ratio = understudy CPU per request"
          " over nginx's (<= 1: as cheap)")
ia, ib = load(f"idle-{a}.json"), load("idle-nginx.json")
if ia or ib:
    def idle(r):
        if not r:
            return "-"
        return (f"{r['kib_per_conn_rss']:.2f} KiB RSS/conn ({r['kib_per_conn_anon']:.2f} anon), "
                f"{r['held']}/{r['requested']} held, {r['still_open']} still open, "
                f"fresh /health {r['fresh_status']} in {r['fresh_ms']:.1f} ms")
    print(f"idle      {a}: {idle(ia)}")
    print(f"          {b}: {idle(ib)}")
def first(side):
    try:
        text = open(os.path.join(work, f"first-{side}.txt")).read()
    except OSError:
        return None
    m = re.search(r"median ([0-9.]+) ms \(min ([0-9.]+), max ([0-9.]+)", text)
    return [float(x) for x in m.groups()] if m else None
fa, fb = first(a), first("nginx")
if fa or fb:
    fmt = lambda f: f"{f[0]:.1f} ms (min {f[1]:.1f}, max {f[2]:.1f})" if f else "-"
    print(f"first-200 {a}: {fmt(fa)}   {b}: {fmt(fb)}   ratio {ratio(fa and fa[0], fb and fb[0])}")
EOF
if ((fail)); then echo "http.sh: a part failed (see above)" >&2; fi
exit "$fail"
