#!/usr/bin/env bash
# Starts a local OrleansRedis cluster: a State Redis (AOF on, noeviction) and N silos (HTTP 8080, 8081, ...).
# Usage: ./run.sh [--silos N]. Ctrl+C (or SIGTERM) stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

SILOS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) SILOS="${2:?--silos needs a number}"; shift 2 ;;
    --silos=*) SILOS="${1#*=}"; shift ;;
    -h|--help) echo "Usage: ./run.sh [--silos N]"; exit 0 ;;
    *) echo "Unknown argument: $1 (usage: ./run.sh [--silos N])" >&2; exit 2 ;;
  esac
done
[[ "$SILOS" =~ ^[1-9][0-9]?$ ]] || { echo "--silos must be a number from 1 to 99" >&2; exit 2; }

REDIS_PORT="${REDIS_PORT:-6379}"
DATA="${ORLEANSREDIS_DATA:-$(pwd)/.data}"   # tests point this at a folder of their own
mkdir -p "$DATA/redis-state" "$DATA/logs"
DATA="$(cd "$DATA" && pwd)"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v redis-server >/dev/null; then
  echo "Installing redis-server ..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
fi

# The admin key protects /admin/*; generated once and kept with the data.
if [ ! -s "$DATA/admin-key" ]; then
  head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$DATA/admin-key"
fi
ADMIN_KEY="$(cat "$DATA/admin-key")"

# Redis and the silos run in sessions of their own (setsid): Ctrl+C in a terminal signals the whole foreground
# process group, and must reach only this script, whose trap stops the silos first and Redis last.
pids=()
redis_pid=""
build_pid=""
cleanup() {
  trap - INT TERM HUP EXIT
  echo
  echo "Stopping ..."
  [ -n "$build_pid" ] && kill -TERM "$build_pid" 2>/dev/null || true
  # Silos first: a silo leaving the cluster writes its Dead status to Redis, so Redis must outlive them. A silo bounds
  # its own stop (7 s at most); the SIGKILL after 9 s is for a silo that hangs anyway.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 9))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "Silo process $pid did not stop; killing it." >&2; kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$redis_pid" ]; then
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  echo "Stopped."
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
trap cleanup EXIT

if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "Port $REDIS_PORT already answers PING: stop that Redis first or set REDIS_PORT." >&2
  exit 1
fi
setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis-state" \
  --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --daemonize no \
  > "$DATA/logs/redis-state.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "Redis did not start; see $DATA/logs/redis-state.log" >&2; exit 1; }
echo "State Redis on 127.0.0.1:$REDIS_PORT (AOF on, noeviction), data in $DATA/redis-state"

echo "Building the silo ..."
# In the background so that a signal ends the wait at once; no build servers, so nothing is left running after a stop.
dotnet build src/OrleansRedis.Silo -c Release -nologo -v quiet --disable-build-servers >"$DATA/logs/build.log" 2>&1 &
build_pid=$!
wait "$build_pid" || { echo "The build failed; see $DATA/logs/build.log" >&2; tail -20 "$DATA/logs/build.log" >&2; exit 1; }
build_pid=""
SILO_DLL="$(pwd)/src/OrleansRedis.Silo/bin/Release/net10.0/OrleansRedis.Silo.dll"

for i in $(seq 0 $((SILOS - 1))); do
  OrleansRedis__Redis__State="127.0.0.1:$REDIS_PORT" \
  OrleansRedis__Cluster__SiloPort=$((11111 + i)) \
  OrleansRedis__Cluster__GatewayPort=$((30000 + i)) \
  OrleansRedis__Http__Port=$((8080 + i)) \
  OrleansRedis__Admin__ApiKey="$ADMIN_KEY" \
  OrleansRedis__Database__ConnectionString="Data Source=$DATA/users.db" \
  ASPNETCORE_ENVIRONMENT=Production \
    setsid dotnet "$SILO_DLL" > "$DATA/logs/silo$i.log" 2>&1 &
  pids+=($!)
done

deadline=$((SECONDS + 120))
for i in $(seq 0 $((SILOS - 1))); do
  until curl -fs "http://127.0.0.1:$((8080 + i))/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "Silo $i exited before it was ready; see $DATA/logs/silo$i.log:" >&2
      tail -20 "$DATA/logs/silo$i.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "Silo $i did not become ready within 120 s; see $DATA/logs/silo$i.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done

echo
echo "OrleansRedis is ready: $SILOS silos."
for i in $(seq 0 $((SILOS - 1))); do
  echo "  silo $i: http://127.0.0.1:$((8080 + i))   (log: $DATA/logs/silo$i.log)"
done
echo "  health:    http://127.0.0.1:8080/health/ready"
echo "  dashboard: http://127.0.0.1:8080/dashboard"
echo "  API docs:  http://127.0.0.1:8080/docs   (OpenAPI: /openapi/v1.json)"
echo "  admin key: $ADMIN_KEY   (header X-Admin-Key)"
echo
echo "Try (README.md has more):"
echo "  curl -i -X POST localhost:8080/ratelimit/demo/alice        # the demo policy: 5 per 10 s, then 429"
echo "  curl -s -X PUT localhost:8080/probe/hello -H 'content-type: application/json' -d '{\"value\":\"world\"}'"
echo "  curl -s localhost:8081/probe/hello"
echo
echo "Ctrl+C stops everything."
wait "${pids[@]}" "$redis_pid"
