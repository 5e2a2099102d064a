#!/usr/bin/env bash
# Installs (if absent) and starts a Redis server on 127.0.0.1 for the distributed-crawl tests.
# Prints the URL tests use as ZWGK_TEST_REDIS_URL. Safe to run twice.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >/dev/null
fi
PORT=${ZWGK_REDIS_PORT:-63790}
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --daemonize yes \
    --logfile /tmp/zwgk-redis.log >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "redis://127.0.0.1:$PORT/0"
