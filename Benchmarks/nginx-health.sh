#!/usr/bin/env bash
# nginx-health.sh — run nginx as the reference peer for Understudy benchmarks.
#
# Start (prints the master PID on stdout, one line; everything else goes to stderr):
#   pid=$(Benchmarks/nginx-health.sh [options] PORT [WORKERS])
#     PORT      127.0.0.1 port to listen on (use ./free-port.py for a free one)
#     WORKERS   worker_processes, default 1 (on one pinned core 1 and 2 workers measure the same)
#   Health mode (default): GET /health -> 200 {"status":"ok"} (application/json),
#     every other path -> 404. access_log off, keepalive_timeout 75s,
#     keepalive_requests 100000000 (effectively unlimited).
#   Proxy mode (--proxy HOST:PORT): every request is proxy_pass'ed to that upstream over
#     HTTP/1.1 with a keep-alive pool (upstream keepalive 512, keepalive_requests
#     100000000, keepalive_timeout 75s), for gateway comparisons. nginx retries an
#     idempotent request on a fresh connection when a pooled one fails before any
#     response byte (proxy_next_upstream default), which hides the keep-alive race.
#
# Options:
#   --proxy HOST:PORT          reverse-proxy mode (see above)
#   --proxy-read-timeout DUR   proxy_read_timeout in proxy mode (nginx default 60s) -> 504
#   --cpus LIST                start nginx under `taskset -c LIST` (master and workers)
#   --worker-connections N     events.worker_connections (default 20480, enough for 10k idle)
#   --reuseport                `listen ... reuseport` (one accept queue per worker)
#   --conf-only                write the prefix and print its path instead of starting;
#                              run it yourself in the foreground with
#                              nginx -p PREFIX -e PREFIX/error.log -c nginx.conf -g 'daemon off;'
#                              and remove PREFIX afterwards
#
# Stop (fast shutdown: SIGTERM, waits up to 5 s, then SIGKILL; removes the temp prefix):
#   Benchmarks/nginx-health.sh --stop PID
# Only a master whose command line names a prefix made by this script is signalled.
# By hand: kill -TERM PID  (graceful: kill -QUIT PID), then rm -rf the prefix shown on stderr.
set -euo pipefail

usage() { sed -n '2,33p' "$0" >&2; exit 2; }

PREFIX_PATTERN='nginx-health.'

stop_master() {
  local pid=$1 cmd prefix
  [[ $pid =~ ^[0-9]+$ ]] || { echo "nginx-health: not a PID: $pid" >&2; exit 2; }
  if [[ ! -r /proc/$pid/cmdline ]]; then
    echo "nginx-health: no process $pid (already stopped)" >&2; return 0
  fi
  cmd=$(tr '\0' '\n' </proc/"$pid"/cmdline)
  prefix=$(awk 'prev=="-p"{print; exit} {prev=$0}' <<<"$cmd")
  if [[ -z $prefix ]]; then
    # nginx rewrites its title to "nginx: master process nginx -p PREFIX ..."
    prefix=$(tr '\0' ' ' </proc/"$pid"/cmdline | sed -n 's/.* -p \([^ ]*\).*/\1/p')
  fi
  if [[ $cmd != *nginx* || $prefix != */${PREFIX_PATTERN}* ]]; then
    echo "nginx-health: PID $pid is not an nginx started by this script; not touching it" >&2
    exit 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    [[ -e /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -e /proc/$pid ]]; then
    echo "nginx-health: $pid still alive after 5 s, sending SIGKILL" >&2
    # its workers die with it (they watch the master), but name them explicitly
    for c in $(pgrep -P "$pid" || true); do kill -KILL "$c" 2>/dev/null || true; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if [[ -d $prefix ]]; then rm -rf -- "${prefix%/}"; fi
  echo "nginx-health: stopped $pid, removed ${prefix%/}" >&2
}

proxy=""; read_timeout="60s"; cpus=""; wconns=20480; reuseport=""; conf_only=0
args=()
while (($#)); do
  case $1 in
    --stop) [[ $# -ge 2 ]] || usage; stop_master "$2"; exit 0 ;;
    --proxy) proxy=${2:?}; shift ;;
    --proxy-read-timeout) read_timeout=${2:?}; shift ;;
    --cpus) cpus=${2:?}; shift ;;
    --worker-connections) wconns=${2:?}; shift ;;
    --reuseport) reuseport=" reuseport" ;;
    --conf-only) conf_only=1 ;;
    -h|--help) usage ;;
    -*) echo "nginx-health: unknown option $1" >&2; usage ;;
    *) args+=("$1") ;;
  esac
  shift
done
((${#args[@]} >= 1 && ${#args[@]} <= 2)) || usage
port=${args[0]}; workers=${args[1]:-1}
[[ $port =~ ^[0-9]+$ && $port -ge 1 && $port -le 65535 ]] || { echo "nginx-health: bad port $port" >&2; exit 2; }
[[ $workers =~ ^[0-9]+$ && $workers -ge 1 ]] || { echo "nginx-health: bad worker count $workers" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx-health: nginx not installed (apt-get install -y nginx-light)" >&2; exit 3; }

hard_nofile=$(ulimit -Hn); [[ $hard_nofile == unlimited ]] && hard_nofile=1048576
rlimit=$(( wconns * 2 + 64 )); (( rlimit > hard_nofile )) && rlimit=$hard_nofile

prefix=$(mktemp -d "${TMPDIR:-/tmp}/${PREFIX_PATTERN}XXXXXX")
mkdir -p "$prefix"/tmp
user_line=""; [[ $(id -u) == 0 ]] && user_line="user root;"   # workers can read the temp prefix

if [[ -n $proxy ]]; then
  [[ $proxy == *:* ]] || { echo "nginx-health: --proxy wants HOST:PORT" >&2; rm -rf "$prefix"; exit 2; }
  site=$(cat <<EOF
    upstream understudy_upstream {
        server $proxy;
        keepalive 512;
        keepalive_requests 100000000;
        keepalive_timeout 75s;
    }
    server {
        listen 127.0.0.1:$port$reuseport;
        location / {
            proxy_pass http://understudy_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_read_timeout $read_timeout;
        }
    }
EOF
)
else
  site=$(cat <<EOF
    server {
        listen 127.0.0.1:$port$reuseport;
        location = /health {
            default_type application/json;
            return 200 '{"status":"ok"}';
        }
        location / {
            default_type application/json;
            return 404 '{"error":"not found"}';
        }
    }
EOF
)
fi

cat >"$prefix/nginx.conf" <<EOF
$user_line
worker_processes $workers;
worker_rlimit_nofile $rlimit;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events {
    worker_connections $wconns;
    use epoll;
}
http {
    access_log off;
    server_tokens off;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
$site
}
EOF

nginx_cmd=(nginx -p "$prefix/" -e "$prefix/error.log" -c nginx.conf)
if ! "${nginx_cmd[@]}" -t >"$prefix/configtest.log" 2>&1; then
  cat "$prefix/configtest.log" >&2; rm -rf "$prefix"; exit 1
fi
if ((conf_only)); then
  echo "nginx-health: foreground: ${nginx_cmd[*]} -g 'daemon off;'" >&2
  echo "$prefix"
  exit 0
fi

launcher=(); [[ -n $cpus ]] && launcher=(taskset -c "$cpus")
"${launcher[@]}" "${nginx_cmd[@]}" </dev/null >"$prefix/stdout.log" 2>&1 || {
  cat "$prefix/stdout.log" "$prefix/error.log" >&2 2>/dev/null; rm -rf "$prefix"; exit 1; }

pid=""
for _ in $(seq 1 100); do
  if [[ -s $prefix/nginx.pid ]]; then pid=$(<"$prefix/nginx.pid"); break; fi
  sleep 0.05
done
[[ -n $pid ]] || { echo "nginx-health: no pid file after 5 s" >&2; cat "$prefix/error.log" >&2; rm -rf "$prefix"; exit 1; }

# health mode: wait for a 200 on /health; proxy mode: wait for any answer (the upstream may be down)
curl_check=(curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/health")
[[ -n $proxy ]] && curl_check=(curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/")
for _ in $(seq 1 100); do
  if "${curl_check[@]}"; then
    echo "nginx-health: pid $pid, $workers worker(s), 127.0.0.1:$port${proxy:+ -> $proxy}${cpus:+, cpus $cpus}, prefix $prefix; stop: $0 --stop $pid" >&2
    echo "$pid"
    exit 0
  fi
  sleep 0.05
done
echo "nginx-health: 127.0.0.1:$port not answering after 5 s; stopping" >&2
cat "$prefix/error.log" >&2 || true
stop_master "$pid"
exit 1
