#!/usr/bin/env bash
# sqs.sh — Understudy against moto_server on the SQS API (AWS JSON 1.0), side by side, in one command.
#
#   Benchmarks/sqs.sh [options] [-- EXTRA SERVE ARGS...]
#
# Builds the release binary (swift build -c release --static-swift-stdlib --product understudy,
# as http.sh), starts Understudy and `moto_server -H 127.0.0.1 -p PORT` on free ports, and
# measures, in alternating rounds (Understudy then moto, then moto then Understudy, ...):
#   send    SendMessage (sqs-send.lua, the shared ../shared/bench script): sent messages/s
#   batch   SendMessageBatch of 10 entries (sqs-send-batch.lua): messages/s and requests/s
#   recv    ReceiveMessage (10, VisibilityTimeout 60) then DeleteMessageBatch of the handles
#           (sqs-receive-delete.lua) on a queue pre-filled by sqs-fill.py: deleted messages/s
#   health  Understudy's GET /health, keep-alive, same wrk settings (wrk-report.lua): the
#           figure SendMessage is held to (SendMessage/health >= 0.5)
# Every run gets a fresh queue (CreateQueue with boto3; deleted after) and is checked with
# GetQueueAttributes: every counted 200 must have stored (send, batch) or removed (recv) its
# messages, else MISMATCH. After each run the script waits until the server's CPU is idle
# (moto works through its backlog for many seconds), so no run measures the previous one.
# Prints one line per run (stderr), then a table per workload: messages/s, requests/s, p99,
# server CPU us per request and per message, wrk's share of its core, checks; the ratio
# Understudy/moto; and SendMessage/health. About 4 minutes with the defaults (moto's drain).
#
# Options:
#   --no-build         use the existing .build/release/understudy (or --binary PATH)
#   --binary PATH      the understudy binary to measure (default .build/release/understudy)
#   --rounds N         rounds (default 3)                --duration S   seconds per run (5)
#   --quick            smoke test: 1 round x 2 s
#   --peer moto|none   none: Understudy alone (no moto_server)
#   --workloads LIST   comma-separated subset of send,batch,recv,health (default all)
#   --conns N          wrk connections (default 64)      --body-size N  message body chars (64)
#   --fill N           messages put in Understudy's queue before each recv run
#                      (default 200000 x duration: it must outlast the run)
#   --peer-fill N      the same for moto (default 300: moto's ReceiveMessage costs O(queue))
#   --check-dups       recv: also fail a run when a MessageId is received twice (costs wrk
#                      ~13 us per request, so off by default; see sqs-receive-delete.lua)
#   --pin split|none   split (default): servers on core 0 (taskset), wrk 1 thread on core 1;
#                      none: nothing pinned, wrk 2 threads
#   --keep DIR         keep every run's raw results (runs.jsonl, wrk output) in DIR
#   -- ARGS...         appended to `understudy serve`
# Understudy runs as
#   understudy serve --listen 127.0.0.1:{port} --admin-listen 127.0.0.1:0 [ARGS...]
# with its defaults (access log on, stdout to /dev/null) except sqs.max_messages, raised by
# environment so long runs are not refused with OverLimit. Needs wrk, curl, taskset, python3
# with boto3, and moto[server] unless --peer none. Binds 127.0.0.1 only; every process it
# starts is stopped on exit, by PID. Exit 1 if a run failed or a check found a MISMATCH.
# shellcheck disable=SC2317  # stop_* and cleanup run from the EXIT trap
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

usage() { sed -n '2,45p' "$0" >&2; exit 2; }
build=1; binary=".build/release/understudy"; rounds=3; duration=5; pin="split"; peer="moto"
workloads="send,batch,recv,health"; conns=64; body=64; fill=""; peer_fill=300; check_dups=0; keep=""; extra=()
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    --binary) binary=${2:?}; build=0; shift ;;
    --rounds) rounds=${2:?}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --quick) rounds=1; duration=2 ;;
    --peer) peer=${2:?}; shift ;;
    --workloads) workloads=${2:?}; shift ;;
    --conns) conns=${2:?}; shift ;;
    --body-size) body=${2:?}; shift ;;
    --fill) fill=${2:?}; shift ;;
    --peer-fill) peer_fill=${2:?}; shift ;;
    --check-dups) check_dups=1 ;;
    --pin) pin=${2:?}; shift ;;
    --keep) keep=${2:?}; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "sqs.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
for n in "$rounds" "$duration" "$conns" "$body" "$peer_fill" ${fill:+"$fill"}; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "sqs.sh: not a positive integer: $n" >&2; usage; }
done
[[ $pin == split || $pin == none ]] || usage
[[ $peer == moto || $peer == none ]] || usage
[[ -n $fill ]] || fill=$((200000 * duration))
want() { [[ ",$workloads," == *",$1,"* ]]; }
for w in ${workloads//,/ }; do
  [[ $w =~ ^(send|batch|recv|health)$ ]] || { echo "sqs.sh: unknown workload $w" >&2; usage; }
done

missing=()
for tool in wrk curl python3 taskset setsid timeout; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ $peer == none ]] || command -v moto_server >/dev/null || missing+=("moto_server (pip install 'moto[server]')")
python3 -c 'import boto3' 2>/dev/null || missing+=("python3 boto3 (pip install boto3)")
if ((${#missing[@]})); then
  echo "sqs.sh: missing ${missing[*]}; apt-get install -y wrk curl python3 util-linux coreutils" >&2
  exit 3
fi
if [[ $pin == split ]] && (($(nproc) < 2)); then
  echo "sqs.sh: --pin split needs 2 cores (wrk on core 1); use --pin none" >&2; exit 2
fi

if ((build)); then
  echo "## building: swift build -c release --static-swift-stdlib --product understudy"
  swift build -c release --static-swift-stdlib --product understudy
fi
[[ -x $binary ]] || { echo "sqs.sh: no binary at $binary (build it, or drop --no-build)" >&2; exit 2; }
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
client=(); server=(); threads=2
if [[ $pin == split ]]; then client=(taskset -c 1); server=(taskset -c 0); threads=1; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-sqs.XXXXXX")
us_pid=""; moto_pid=""; wrk_pid=""; fill_pid=""; fail=0

stop_group() {  # SIGTERM to a server's process group (setsid made it the leader), SIGKILL after 5 s
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "$wrk_pid" "$fill_pid"; do  # timeout(1) passes the signal on to wrk
    [[ -n $pid ]] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  stop_group "$us_pid"; us_pid=""
  stop_group "$moto_pid"; moto_pid=""
  if [[ -n $keep ]] && mkdir -p "$keep"; then cp -r "$work"/. "$keep"/ 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# sqs_admin create URL NAME | count URL QUEUE_URL | finish URL QUEUE_URL (count, then delete)
sqs_admin() {
  python3 - "$@" <<'EOF'
import sys
import boto3
from botocore.config import Config
op, endpoint = sys.argv[1], sys.argv[2]
c = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test",
                 config=Config(retries={"max_attempts": 1}, read_timeout=120))
if op == "create":
    print(c.create_queue(QueueName=sys.argv[3])["QueueUrl"])
else:
    a = c.get_queue_attributes(QueueUrl=sys.argv[3], AttributeNames=["ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])["Attributes"]
    print(int(a["ApproximateNumberOfMessages"]) + int(a.get("ApproximateNumberOfMessagesNotVisible", 0))
          + int(a.get("ApproximateNumberOfMessagesDelayed", 0)))
    if op == "finish":
        c.delete_queue(QueueUrl=sys.argv[3])
EOF
}

cpu_ticks() {  # utime+stime, in clock ticks, of a process (all threads) and its children
  local total=0 p rest f todo=("$1")
  while ((${#todo[@]})); do
    p=${todo[0]}; todo=("${todo[@]:1}")
    rest=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    read -ra f <<<"${rest##*)}"
    total=$((total + f[11] + f[12]))
    # shellcheck disable=SC2207
    todo+=($(cat "/proc/$p/task/$p/children" 2>/dev/null || true))
  done
  echo "$total"
}
wait_idle() {  # wait_idle PID MAX_S: until the server used < 3% CPU over 0.5 s; prints seconds waited
  local pid=$1 max=$2 a b half=0 tck
  tck=$(getconf CLK_TCK)
  while ((half < 2 * max)); do
    a=$(cpu_ticks "$pid"); sleep 0.5; b=$(cpu_ticks "$pid")
    (((b - a) * 1000 / tck <= 15)) && break
    half=$((half + 1))
  done
  echo "$((half / 2)).$((half % 2 * 5))"
}

start_understudy() {  # sets us_pid, us_url
  local port
  port=$(python3 "$here/free-port.py")
  # setsid: its own process group, so anything it forks is stopped with it
  UNDERSTUDY_SQS__MAX_MESSAGES=100000000 setsid "${server[@]}" "$binary" serve --listen "127.0.0.1:$port" \
    --admin-listen 127.0.0.1:0 "${extra[@]}" </dev/null >/dev/null 2>"$work/understudy.stderr" &
  us_pid=$!; us_url="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do
    curl -fs -o /dev/null --max-time 1 "$us_url/health" && return 0
    kill -0 "$us_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "sqs.sh: understudy did not answer /health:" >&2; tail -n 20 "$work/understudy.stderr" >&2 || true
  exit 1
}
start_moto() {  # sets moto_pid, moto_url
  local port
  port=$(python3 "$here/free-port.py")
  setsid "${server[@]}" moto_server -H 127.0.0.1 -p "$port" </dev/null >"$work/moto.log" 2>&1 &
  moto_pid=$!; moto_url="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null --max-time 1 "$moto_url/moto-api/" && return 0
    kill -0 "$moto_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "sqs.sh: moto_server did not start:" >&2; tail -n 20 "$work/moto.log" >&2 || true
  exit 1
}

# run_wrk OUT SCRIPT URL [NAME=VALUE...] — one wrk run on the client core, in the background so a
# signal reaches the trap at once; wrk's user+sys seconds (from `times`) go to OUT.cpu
run_wrk() {
  local out=$1 script=$2 url=$3 rc=0; shift 3
  times >"$out.times0"
  env "$@" timeout $((duration + 30)) "${client[@]}" wrk -t "$threads" -c "$conns" -d "${duration}s" \
    --timeout 5s -s "$script" "$url" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  times >"$out.times1"
  awk 'FNR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += (FILENAME ~ /times1$/ ? 1 : -1) * (a[1] * 60 + a[2]) } }
       END { printf "%.3f\n", s }' "$out.times0" "$out.times1" >"$out.cpu"
  return $rc
}

# run_one WORKLOAD TARGET ROUND — one measured run; appends a JSON line to runs.jsonl
run_one() {
  local workload=$1 target=$2 round=$3 url pid qurl="" n=0 script stored=0 out cpu0 cpu1 cpu2 busy
  local fill_json="{}" fill_check=""
  if [[ $target == understudy ]]; then url=$us_url; pid=$us_pid; else url=$moto_url; pid=$moto_pid; fi
  out="$work/$workload-$target-$round.out"
  if [[ $workload != health ]]; then
    qurl=$(sqs_admin create "$url" "bench-$$-$round-$workload") || { echo "sqs.sh: CreateQueue failed on $target" >&2; fail=1; return 0; }
  fi
  case $workload in
    send) script="$here/sqs-send.lua" ;;
    batch) script="$here/sqs-send-batch.lua" ;;
    health) script="$here/wrk-report.lua" ;;
    recv)
      script="$here/sqs-receive-delete.lua"
      if [[ $target == understudy ]]; then n=$fill; else n=$peer_fill; fi
      "${client[@]}" python3 "$here/sqs-fill.py" --body-size "$body" "$qurl" "$n" >"$out.fill" 2>&1 &
      fill_pid=$!
      wait "$fill_pid" || fill_check="fill failed: $(tail -n 1 "$out.fill")"
      fill_pid=""
      fill_json=$(sed -n 's/^FILLJSON //p' "$out.fill"); fill_json=${fill_json:-"{}"}
      if [[ -z $fill_check ]]; then
        stored=$(sqs_admin count "$url" "$qurl")
        ((stored == n)) || fill_check="fill stored $stored of $n"
      fi
      wait_idle "$pid" 300 >/dev/null
      ;;
  esac
  cpu0=$(cpu_ticks "$pid")
  if [[ $workload == health ]]; then
    run_wrk "$out" "$script" "$url/health" || true
  else
    run_wrk "$out" "$script" "$url/" SQS_QUEUE_URL="$qurl" SQS_BODY_SIZE="$body" SQS_CHECK_DUPS="$check_dups" || true
  fi
  cpu1=$(cpu_ticks "$pid")
  busy=$(wait_idle "$pid" 300)
  cpu2=$(cpu_ticks "$pid")
  if [[ -n $qurl ]]; then
    stored=$(sqs_admin finish "$url" "$qurl") || stored=-1
  fi
  python3 - "$workload" "$target" "$round" "$out" "$stored" "$n" "$fill_json" "$fill_check" \
    "$cpu0" "$cpu1" "$cpu2" "$(getconf CLK_TCK)" "$conns" "$busy" <<'EOF' >>"$work/runs.jsonl" || fail=1
import json, sys
(workload, target, rnd, out, stored, n, fill_json, fill_check, cpu0, cpu1, cpu2, tck, conns, busy) = sys.argv[1:]
stored, n, conns, tck = int(stored), int(n), int(conns), int(tck)
text = open(out).read()
tag = "WRKJSON " if workload == "health" else "SQSJSON "
line = next((l[len(tag):] for l in text.splitlines() if l.startswith(tag)), None)
wrk_cpu = float(open(out + ".cpu").read())
rec = {"workload": workload, "target": target, "round": int(rnd), "checks": "ok", "notes": []}
failed = []
if line is None:
    rec.update(checks="FAILED", notes=["wrk failed: " + " | ".join(text.strip().splitlines()[-3:])])
    print(json.dumps(rec)); sys.stderr.write(f"  round {rnd} {workload:6s} {target:11s} FAILED: {rec['notes'][0]}\n")
    sys.exit(0)
j = json.loads(line)
dur = j["duration_us"] / 1e6
errs = j["err_connect"] + j["err_read"] + j["err_write"] + j["err_timeout"]
requests = j["requests"]
bad = j.get("bad", j.get("err_status", 0))
if workload == "health":
    msgs = 0
    if requests == 0 or j["err_status"] or j["err_connect"] or j["err_read"] or j["err_write"]:
        failed.append("ERRORS")
elif workload == "send":
    msgs = j["ok"]
    if not msgs <= stored <= msgs + conns + bad + errs:
        failed.append("MISMATCH")
    rec["notes"].append(f"stored {stored} (+{stored - msgs})")
elif workload == "batch":
    msgs = j["messages"]
    if not msgs <= stored <= msgs + j["batch"] * (conns + bad + errs):
        failed.append("MISMATCH")
    rec["notes"].append(f"stored {stored} (+{stored - msgs})")
else:
    msgs = j["deleted"]
    low, high = n - msgs - j["outstanding"], n - msgs
    if fill_check:
        failed.append("FILL")
        rec["notes"].append(fill_check)
    elif not low <= stored <= high:
        failed.append("MISMATCH")
    if j["dups"] > 0:
        failed.append("DUPLICATES")
        rec["notes"].append(f"{j['dups']} MessageIds received twice")
    if j["delete_failed"]:
        failed.append("DELETE-FAILED")
    rec["notes"].append(f"fill {n}, left {stored} (expected {low}..{high})")
    rec["notes"].append(f"receives {j['receives']} ({j['received']} msgs, {j['empty']} empty), deletes {j['deletes']}")
    if j["empty"]:
        rec["notes"].append("queue ran dry")
    if j["delete_failed"]:
        rec["notes"].append(f"{j['delete_failed']} delete entries Failed")
    rec["fill"] = n
    rec["fill_run"] = json.loads(fill_json)
if failed:
    rec["checks"] = "+".join(failed)
if bad or errs:
    rec["notes"].append(f"bad {bad}, socket errors/timeouts {errs}" + (f": {j['bad_sample']}" if j.get("bad_sample") else ""))
# server CPU from the start of the run until it was idle again, over the requests it served:
# those answered plus, at most, one per connection still waiting when wrk stopped
cpu_all = (int(cpu2) - int(cpu0)) / tck
served = requests + conns
# messages the server really took in or removed: what the queue count says
msgs_served = {"send": stored, "batch": stored, "recv": n - stored}.get(workload, 0)
rec.update(msgs_per_s=msgs / dur, req_per_s=requests / dur, p99_us=j["p99_us"], requests=requests, messages=msgs,
           duration_s=dur, cpu_s=cpu_all, cpu_s_during=(int(cpu1) - int(cpu0)) / tck, busy_after_s=float(busy),
           cpu_us_per_req=cpu_all * 1e6 / served, cpu_us_per_msg=(cpu_all * 1e6 / msgs_served) if msgs_served > 0 else None,
           wrk_cpu_pct=100 * wrk_cpu / dur, srv_cpu_pct=100 * (int(cpu1) - int(cpu0)) / tck / dur, raw=j)
if float(busy) > 0:
    rec["notes"].append(f"server busy {busy}s after wrk stopped")
print(json.dumps(rec))
rate = f"{rec['msgs_per_s']:9.0f} msgs/s" if workload != "health" else " " * 16
sys.stderr.write(f"  round {rnd} {workload:6s} {target:11s} {rate} {rec['req_per_s']:9.0f} req/s  p99 {j['p99_us'] / 1000:8.1f} ms"
                 f"  cpu {rec['cpu_us_per_req']:9.1f} us/req  srv {rec['srv_cpu_pct']:3.0f}%  wrk {rec['wrk_cpu_pct']:3.0f}%  {rec['checks']}"
                 f"  {'; '.join(rec['notes'])}\n")
EOF
  grep -q '"checks": "ok"' <(tail -n 1 "$work/runs.jsonl") || fail=1
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
moto_version=""
[[ $peer == none ]] || moto_version=$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo "?")
echo "## Benchmarks/sqs.sh: understudy ($commit)${moto_version:+ vs moto_server $moto_version}; pin=$pin;" \
     "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "## $rounds round(s) x ${duration}s, $conns connections, $threads wrk thread(s);" \
     "recv fill: understudy $fill${moto_version:+, moto $peer_fill}; duplicate check $( ((check_dups)) && echo on || echo off)"

start_understudy
targets=(understudy)
if [[ $peer == moto ]]; then start_moto; targets+=(moto); fi
echo "## understudy pid $us_pid on $us_url${moto_pid:+; moto_server pid $moto_pid on $moto_url}"
: >"$work/runs.jsonl"

for ((r = 1; r <= rounds; r++)); do
  order=("${targets[@]}")
  if ((r % 2 == 0 && ${#targets[@]} == 2)); then order=("${targets[1]}" "${targets[0]}"); fi
  # /health runs right next to Understudy's SendMessage: before it in odd rounds, after it in even ones
  health_before=0; health_after=0
  if want health; then
    if ! want send || ((r % 2)); then health_before=1; else health_after=1; fi
  fi
  for workload in send batch recv; do
    for t in "${order[@]}"; do
      [[ $workload == send && $t == understudy ]] || { want "$workload" && run_one "$workload" "$t" "$r"; continue; }
      if ((health_before)); then run_one health understudy "$r"; fi
      if want send; then run_one send understudy "$r"; fi
      if ((health_after)); then run_one health understudy "$r"; fi
    done
  done
done

echo
python3 - "$work/runs.jsonl" "$conns" "$threads" "$duration" "$rounds" "$pin" <<'EOF' || fail=1
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
conns, threads, duration, rounds, pin = sys.argv[2:7]
names = {"understudy": "understudy", "moto": "moto_server"}

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def fmt(x, spec, unit=""):
    width = int(spec.split(".")[0] or 0) + len(unit)
    return format(x, spec) + unit if x is not None else format("-", f">{width}")

def row(name, rs, rate=True):
    ms = [r for r in rs if "req_per_s" in r]
    bad = [r["checks"] for r in rs if r["checks"] != "ok"]
    cells = [f"{name:11s}",
             fmt(med([r["msgs_per_s"] for r in ms]), "9.0f") if rate else " " * 9,
             fmt(med([r["req_per_s"] for r in ms]), "9.0f"),
             fmt(med([r["p99_us"] / 1000 for r in ms if r["requests"]]), "8.1f", "ms"),
             fmt(med([r["cpu_us_per_req"] for r in ms]), "11.1f"),
             fmt(med([r["cpu_us_per_msg"] for r in ms]), "11.1f") if rate else " " * 11,
             fmt(med([r["srv_cpu_pct"] for r in ms]), "4.0f", "%"),
             fmt(max([r["wrk_cpu_pct"] for r in ms], default=None), "4.0f", "%"),
             f" {'all ok' if not bad else bad[0]:10s}",
             ", ".join(f"{r['msgs_per_s' if rate else 'req_per_s']:.0f}" for r in ms)]
    print(" ".join(cells))

header = (f"{'target':11s} {'msgs/s':>9s} {'req/s':>9s} {'p99':>10s} {'cpu us/req':>11s} {'cpu us/msg':>11s}"
          f" {'srv%':>5s} {'wrk%':>5s}  {'checks':10s} per run")
titles = {"send": "SendMessage: msgs/s = 200s carrying a MessageId",
          "batch": "SendMessageBatch, 10 entries: msgs/s = MessageIds in 200s with all 10 (req/s x 10)",
          "recv": "ReceiveMessage (10, VisibilityTimeout 60) + DeleteMessageBatch: msgs/s = messages received and deleted"}
medians = {}
for w in ("send", "batch", "recv"):
    rows = [r for r in runs if r["workload"] == w]
    if not rows:
        continue
    print(f"## {titles[w]}")
    print(header)
    for t in ("understudy", "moto"):
        rs = [r for r in rows if r["target"] == t]
        if rs:
            row(names[t], rs)
            medians[(w, t)] = med([r["msgs_per_s"] for r in rs if "msgs_per_s" in r])
    if w == "recv":
        for t in ("understudy", "moto"):
            rs = [r for r in rows if r["target"] == t and "fill" in r]
            if rs:
                dry = sum(1 for r in rs if r["raw"]["empty"])
                print(f"  {names[t]}: queue pre-filled with {rs[0]['fill']} messages per run"
                      f" ({med([r['fill_run'].get('seconds') for r in rs]) or 0:.1f} s to fill);"
                      f" receives that found no message: {', '.join(str(r['raw']['empty']) for r in rs)}"
                      + (" -- the queue ran dry: raise --fill" if dry and t == "understudy" else ""))
    a, b = medians.get((w, "understudy")), medians.get((w, "moto"))
    if a is not None and b is not None:
        pairs = {}
        for r in rows:
            if "msgs_per_s" in r:
                pairs.setdefault(r["round"], {})[r["target"]] = r["msgs_per_s"]
        per = [p["understudy"] / p["moto"] for p in pairs.values() if len(p) == 2 and p["moto"] > 0]
        ratio = f"{a / b:.0f}x" if b else "n/a (moto's median is 0 messages/s)"
        span = f" (per round {min(per):.0f}-{max(per):.0f})" if len(per) > 1 else ""
        ca = med([r.get("cpu_us_per_req") for r in rows if r["target"] == "understudy"])
        cb = med([r.get("cpu_us_per_req") for r in rows if r["target"] == "moto"])
        print(f"understudy/moto msgs/s: {ratio}{span}; moto's CPU per request over understudy's: "
              f"{fmt(cb / ca if ca and cb else None, '.0f')}x")
    print()

health = [r for r in runs if r["workload"] == "health"]
if health:
    print("## Understudy GET /health, keep-alive, same wrk settings (wrk-report.lua): req/s")
    print(header)
    row("health", health, rate=False)
    hs = [r for r in health if "req_per_s" in r]
    h = med([r["req_per_s"] for r in hs])
    send = {r["round"]: r["msgs_per_s"] for r in runs
            if r["workload"] == "send" and r["target"] == "understudy" and "msgs_per_s" in r}
    per = [send[r["round"]] / r["req_per_s"] for r in hs if r["round"] in send and r["req_per_s"]]
    s = medians.get(("send", "understudy"))
    if s is not None and h:
        span = f" (per round {min(per):.2f}-{max(per):.2f})" if len(per) > 1 else ""
        print(f"SendMessage/health: {s / h:.2f}{span}; the issue asks for >= 0.50:"
              f" {'met' if s / h >= 0.5 else 'NOT met'} in this run")
    print()

print(f"{conns} connections, {threads} wrk thread(s), {rounds} round(s) x {duration}s, pin={pin}. Medians over rounds.")
print("cpu us/req: server CPU (all threads, /proc) from the run's start until the server was idle again, over requests"
      " answered + connections; cpu us/msg: the same over messages the queue count shows stored or removed;"
      " srv%: share of a core the server used during the run (below 100: other load took the rest);"
      " wrk%: the load generator's share of its core (highest run)")
for r in runs:
    if r["checks"] != "ok":
        print(f"check failed: round {r['round']} {r['workload']} {names[r['target']]}: {r['checks']}: {'; '.join(r['notes'])}")
EOF
if ((fail)); then echo "sqs.sh: a run failed or a check found a MISMATCH (see above)" >&2; fi
exit "$fail"
