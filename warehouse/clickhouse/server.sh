#!/usr/bin/env bash
# Project-local ClickHouse: start | stop | status | client.
#
# One folder holds everything of the local server: var/clickhouse/ at the repository root, or
# CH_DIR. Its native port is CH_TCP_PORT, else the port it was last started on (its
# config.xml), else 19000 — the same rule the binary and the tests follow
# (warehouse/local.go), so `CH_TCP_PORT=19400 make demo` starts and loads the same server.
# HTTP is off unless CH_HTTP_PORT names a port (for curl); the admin user `default` always
# needs the password generated into admin.password on the first start.
# When CLICKHOUSE_ADDR is set the project uses that server and this script does nothing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${CH_DIR:-$repo/var/clickhouse}
case "$root" in /*) ;; *) root="$PWD/$root" ;; esac
config="$root/config.xml"
pidfile="$root/server.pid"
pwfile="$root/admin.password"
clientconf="$root/client.xml"
errlog="$root/log/server.err.log"

# configured_port is the port of the config the server was last started with.
configured_port() {
  [ -f "$config" ] && sed -n 's#.*<tcp_port>\([0-9]*\)</tcp_port>.*#\1#p' "$config" | head -n 1
}
tcp_port=${CH_TCP_PORT:-$(configured_port || true)}
tcp_port=${tcp_port:-19000}
http_port=${CH_HTTP_PORT:-}

log() { printf 'clickhouse: %s\n' "$*" >&2; }
fail() { log "$@"; exit 1; }

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# client runs clickhouse-client as default with the generated password, read from a client
# config file (mode 0600) rather than the command line, where `ps` would show it.
client() {
  if [ -f "$clientconf" ]; then
    clickhouse-client --config-file="$clientconf" --port "$tcp_port" "$@"
  else
    clickhouse-client --port "$tcp_port" "$@"
  fi
}

# ours says whether the server answering on the port is the one of this folder: its system
# database lives under our data path. Another server on the port (another checkout, a system
# server) has another path or refuses our password.
ours() {
  local path
  path=$(client --query "SELECT data_path FROM system.databases WHERE name = 'system'" 2>/dev/null) || return 1
  [ "${path#"$root/data/"}" != "$path" ]
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

# ensure_password generates the admin password once; it stays across restarts, in a file only
# this user can read (var/ is never committed).
ensure_password() {
  if [ ! -s "$pwfile" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$pwfile")
    log "generated the admin password (已生成管理员密码): $pwfile"
  fi
  chmod 600 "$pwfile"
  (umask 077 && printf '<config>\n  <user>default</user>\n  <password>%s</password>\n</config>\n' "$(cat "$pwfile")" >"$clientconf")
}

# Users are synced on every start; a running server reloads users.xml and users.d/ by itself.
sync_users() {
  local hash
  hash=$(tr -d '\n' <"$pwfile" | sha256sum | cut -d' ' -f1)
  sed -e "s#@ADMIN_SHA256@#$hash#g" "$repo/warehouse/clickhouse/users.xml.in" >"$root/users.xml.tmp"
  mv "$root/users.xml.tmp" "$root/users.xml"
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
  ensure_password
  sync_users
  if running; then
    local was
    was=$(configured_port || true)
    if [ -n "$was" ] && [ "$was" != "$tcp_port" ]; then
      fail "the local server (pid $(cat "$pidfile")) runs on port $was, not $tcp_port (本地服务器已在端口 $was 运行). Use CH_TCP_PORT=$was, or stop it first: $0 stop"
    fi
    # Only errors logged from now on count; old ones are history.
    wait_ready "$(cat "$pidfile")" "$( [ -f "$errlog" ] && wc -c <"$errlog" || echo 0)"
    return
  fi
  local sed_http=(-e "s#@HTTP_PORT@#$http_port#g")
  [ -z "$http_port" ] && sed_http=(-e '/@HTTP_PORT@/d')
  sed -e "s#@ROOT@#$root#g" -e "s#@TCP_PORT@#$tcp_port#g" "${sed_http[@]}" \
    "$repo/warehouse/clickhouse/config.xml.in" >"$config"
  local logged=0
  [ -f "$errlog" ] && logged=$(wc -c <"$errlog")
  log "starting a local server on 127.0.0.1:$tcp_port${http_port:+ (HTTP $http_port)} (data in $root)…"
  rm -f "$pidfile"
  # --daemon forks; the pid file is how `stop` finds it again.
  clickhouse-server --config-file="$config" --pid-file="$pidfile" --daemon
  wait_ready "" "$logged"
}

# wait_ready waits until this folder's server answers. It fails at once, with the log's new
# errors, when the server exits (e.g. "Address already in use": then whatever answers on the
# port is not ours, and "ready" would be a lie).
wait_ready() {
  local pid=$1 logged=$2
  for _ in $(seq 1 120); do
    if ours; then
      log "ready (已就绪) on 127.0.0.1:$tcp_port."
      return 0
    fi
    [ -z "$pid" ] && [ -f "$pidfile" ] && pid=$(cat "$pidfile")
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    if [ -f "$errlog" ] && tail -c +"$((logged + 1))" "$errlog" | grep -q '<Error> Application'; then
      break
    fi
    sleep 0.5
  done
  log "the server of $root did not start (本地服务器未能启动); $errlog says:"
  local errors=""
  [ -f "$errlog" ] && errors=$(tail -c +"$((logged + 1))" "$errlog" | grep -E '<Error>|Exception' | tail -n 5 || true)
  printf '%s\n' "$errors" >&2
  case "$errors" in *"Address already in use"*)
    log "another process holds the port (端口已被占用): choose a free one with CH_TCP_PORT=<port> (and CH_HTTP_PORT), or use that server with CLICKHOUSE_ADDR" ;;
  esac
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
  start) start ;;
  stop) stop ;;
  status) if running && ours; then echo "running on 127.0.0.1:$tcp_port (pid $(cat "$pidfile"), $root)"; else echo "not running"; exit 1; fi ;;
  client) shift; client "$@" ;;
  *) echo "usage: $0 start|stop|status|client [args]" >&2; exit 2 ;;
esac
