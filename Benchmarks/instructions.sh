#!/usr/bin/env bash
# instructions.sh — user-space instructions per keep-alive GET /health, counted by callgrind.
#
#   Benchmarks/instructions.sh [--binary PATH] [--seconds N] [--connections N] [--with-config FILE]
#
# Unlike req/s or CPU time on a shared machine, an instruction count repeats run to run, so
# it shows whether a change to the hot path helped. Two runs under valgrind --tool=callgrind:
# one with no requests (start-up and shutdown) and one with wrk on N connections for N
# seconds; prints (loaded - idle) / requests, and the top functions of the loaded run.
# Kernel work (the syscalls themselves) is not counted: compare with Benchmarks/http.sh.
# --with-config FILE measures twice, without and with that config (e.g. fault-rules-100.yaml:
# 100 fault rules that do not match /health), and prints what the config adds per request.
# Needs valgrind and wrk (apt-get install -y valgrind wrk). Binds 127.0.0.1 only; stops what
# it starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=.build/release/understudy
seconds=5
connections=8
with_config=""
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --with-config) with_config=$2; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--seconds N] [--connections N] [--with-config FILE]" >&2; exit 2 ;;
  esac
done
for tool in valgrind callgrind_annotate wrk python3; do
  command -v "$tool" >/dev/null || { echo "instructions: $tool not found" >&2; exit 2; }
done
[[ -x $binary ]] || { echo "instructions: no binary at $binary (swift build -c release --product understudy)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-instructions.XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# valgrind cannot read the DWARF 5 the Swift toolchain writes: count a copy without it
# (function names still come from the symbol table).
cp "$binary" "$work/understudy" && strip -g "$work/understudy"

[[ -z $with_config || -r $with_config ]] || { echo "instructions: cannot read $with_config" >&2; exit 2; }

# run LABEL LOAD(yes|no) [CONFIG]: starts the server under callgrind, optionally loads it,
# stops it; sets total (instructions) and requests (served).
run() {
  local label=$1 load=$2 config=${3:-} port
  local config_args=()
  [[ -n $config ]] && config_args=(--config "$config")
  requests=0
  port=$(python3 Benchmarks/free-port.py)
  UNDERSTUDY_SHUTDOWN__DRAIN=0s UNDERSTUDY_LOG__ACCESS=true \
    valgrind --tool=callgrind --callgrind-out-file="$work/$label.out" \
    "$work/understudy" serve "${config_args[@]}" --listen "127.0.0.1:$port" --admin-listen 127.0.0.1:0 >"$work/$label.stdout" 2>"$work/$label.stderr" &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q '"plane":"admin"' "$work/$label.stdout" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "instructions: server died; see stderr:" >&2; tail "$work/$label.stderr" >&2; exit 1; }
    sleep 0.5
  done
  if [[ $load == yes ]]; then
    requests=$(wrk -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/health" | awk '/requests in/ { print $1 }')
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  pid=""
  total=$(callgrind_annotate "$work/$label.out"* 2>/dev/null | awk '/PROGRAM TOTALS/ && !seen { gsub(",", "", $1); print $1; seen = 1 }')
}

# measure [CONFIG]: instructions per request (loaded minus idle run); sets per_request.
measure() {
  local config=${1:-} suffix=${1:+-config}
  run "idle$suffix" no "$config"
  local idle=$total
  run "loaded$suffix" yes "$config"
  local loaded=$total
  per_request=$(( (loaded - idle) / requests ))
  echo "instructions${config:+ with $config}: idle run $idle Ir; loaded run $loaded Ir over $requests requests ($connections connections, ${seconds}s)"
  echo "instructions per request${config:+ with $config}: $per_request"
}

measure
baseline=$per_request
callgrind_annotate "$work/loaded.out"* 2>/dev/null | sed -n "/file:function/,\$p" | sed -n "2,16p" | cut -c1-140 || true
if [[ -n $with_config ]]; then
  measure "$with_config"
  python3 -c "import sys; b, c = int(sys.argv[1]), int(sys.argv[2]); print(f'{sys.argv[3]} adds {c - b} instructions per request: {100 * (c - b) / b:+.2f}% of {b}')" \
    "$baseline" "$per_request" "$with_config"
  callgrind_annotate "$work/loaded-config.out"* 2>/dev/null | sed -n "/file:function/,\$p" | sed -n "2,16p" | cut -c1-140 || true
fi
