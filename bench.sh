#!/usr/bin/env bash
# Runs every benchmark scenario side by side in one run and writes docs/benchmarks.md.
# Usage: ./bench.sh [--scenarios a,b] [--seconds N] [--workers N] [--repeats N] [--subscribers N] [--redis-cluster]
# --redis-cluster runs the scenarios that need no single server of their own (all but queues and real-time) on a Redis
# Cluster of 3 masters + 3 replicas, and writes their sections, named "... (Redis Cluster)", beside the others.
set -euo pipefail
cd "$(dirname "$0")"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v redis-server >/dev/null; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
fi
# The queue scenarios run BullMQ (bench/bullmq, Node.js 20) next to this project's queue and Hangfire.
if ! command -v node >/dev/null; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
(cd bench/bullmq && npm ci --no-audit --no-fund --loglevel=error)
dotnet build OrleansRedis.sln -c Release -nologo -v quiet
# 5 s per variant keeps the whole run under 25 minutes on 2 cores (the queue scenarios repeat each measurement 3
# times over three systems: about half of it); pass --seconds N for longer runs, --repeats N for more repetitions.
dotnet bench/OrleansRedis.Bench/bin/Release/net10.0/OrleansRedis.Bench.dll --seconds 5 --out docs/benchmarks.md "$@"
