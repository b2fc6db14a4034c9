#!/usr/bin/env bash
# Project-local ClickHouse: start | stop | status | client.
# Data and logs live under var/clickhouse/ at the repository root; ports come from
# CH_TCP_PORT (19000) and CH_HTTP_PORT (18123) so a system server on 9000 is never touched.
# When CLICKHOUSE_ADDR is set the project uses that server and this script does nothing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
root="$repo/var/clickhouse"
tcp_port=${CH_TCP_PORT:-19000}
http_port=${CH_HTTP_PORT:-18123}
pidfile="$root/server.pid"

log() { printf 'clickhouse: %s\n' "$*" >&2; }

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

answers() {
  clickhouse-client --port "$tcp_port" --query 'SELECT 1' >/dev/null 2>&1
}

install_server() {
  command -v clickhouse-server >/dev/null 2>&1 && command -v clickhouse-client >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    log "clickhouse-server is not installed. 未安装 clickhouse-server。"
    log "Install it as root:  apt-get install -y clickhouse-server clickhouse-client"
    log "or point the project at a server:  export CLICKHOUSE_ADDR=host:9000"
    exit 1
  fi
  log "installing Debian's clickhouse-server (正在安装 ClickHouse)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clickhouse-server clickhouse-client >/dev/null
}

# Users are synced on every start; a running server reloads users.xml and users.d/ by itself.
sync_users() {
  cp "$repo/warehouse/clickhouse/users.xml" "$root/users.xml"
  for f in "$repo"/warehouse/clickhouse/users.d/*.xml; do
    [ -e "$f" ] && cp "$f" "$root/users.d/"
  done
  return 0
}

start() {
  if [ -n "${CLICKHOUSE_ADDR:-}" ]; then
    log "CLICKHOUSE_ADDR=$CLICKHOUSE_ADDR is set: using that server, not starting a local one."
    return 0
  fi
  install_server
  mkdir -p "$root"/{data,tmp,log,user_files,format_schemas,users.d}
  sync_users
  if running && answers; then
    return 0
  fi
  sed -e "s#@ROOT@#$root#g" -e "s#@TCP_PORT@#$tcp_port#g" -e "s#@HTTP_PORT@#$http_port#g" \
    "$repo/warehouse/clickhouse/config.xml.in" >"$root/config.xml"
  log "starting a local server on 127.0.0.1:$tcp_port (data in var/clickhouse)…"
  # --daemon forks; the pid file is how `stop` finds it again.
  clickhouse-server --config-file="$root/config.xml" --pid-file="$pidfile" --daemon
  for _ in $(seq 1 120); do
    if answers; then
      log "ready (已就绪)."
      return 0
    fi
    sleep 0.5
  done
  log "the server did not answer within 60 s; see $root/log/server.err.log:"
  tail -n 20 "$root/log/server.err.log" >&2 || true
  exit 1
}

stop() {
  if ! running; then
    log "not running."
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "stopped."; rm -f "$pidfile"; return 0; }
    sleep 0.5
  done
  log "server $pid did not stop in 30 s; killing it."
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case "${1:-}" in
  install) install_server ;;
  start) start ;;
  stop) stop ;;
  status) if running && answers; then echo "running on 127.0.0.1:$tcp_port (pid $(cat "$pidfile"))"; else echo "not running"; exit 1; fi ;;
  client) shift; exec clickhouse-client --port "$tcp_port" "$@" ;;
  *) echo "usage: $0 start|stop|status|install|client [args]" >&2; exit 2 ;;
esac
