#!/usr/bin/env bash
# Local ClickHouse cluster for development and tests: one ZooKeeper and four servers,
# 2 shards × 2 replicas, all on 127.0.0.1 with ports of their own (docs: README "Cluster mode").
#   start | stop | status                 the whole cluster (start also writes var/cluster/deploy.yaml)
#   node-stop N | node-kill N | node-start N   one server (N = 1…4), for fault tests
#   zk-stop | zk-start                    ZooKeeper alone
#   client N [args]                       clickhouse-client on node N
# Data and logs live under var/cluster/ at the repository root. Ports: ZooKeeper CLUSTER_ZK_PORT
# (12181); node N: native 1950N, HTTP 1860N, interserver 1970N (CLUSTER_TCP_BASE, CLUSTER_HTTP_BASE,
# CLUSTER_INTERSERVER_BASE + N).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
root="$repo/var/cluster"
zk_port=${CLUSTER_ZK_PORT:-12181}
tcp_base=${CLUSTER_TCP_BASE:-19500}
http_base=${CLUSTER_HTTP_BASE:-18600}
is_base=${CLUSTER_INTERSERVER_BASE:-19700}
nodes=(1 2 3 4)
shard_of=([1]=01 [2]=01 [3]=02 [4]=02)

log() { printf 'cluster: %s\n' "$*" >&2; }

install_zookeeper() {
  [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    log "ZooKeeper is not installed. 未安装 ZooKeeper。 Install it as root:  apt-get install -y zookeeper"
    exit 1
  fi
  log "installing Debian's zookeeper (正在安装 ZooKeeper)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zookeeper >/dev/null
}

zk_running() { [ -f "$root/zk/zk.pid" ] && kill -0 "$(cat "$root/zk/zk.pid")" 2>/dev/null; }
# Serving, not only running: "ruok" answers while ZooKeeper still loads its data, and a server
# started then fails its first sessions; an 18.16 DDL worker that lost its session may later run a
# shard's ON CLUSTER ALTER on both replicas and hang that migration for 180 s (README).
zk_answers() { (exec 3<>/dev/tcp/127.0.0.1/"$zk_port" && printf srvr >&3 && cat <&3) 2>/dev/null | grep -q '^Mode: '; }

zk_start() {
  install_zookeeper
  mkdir -p "$root/zk/data"
  if zk_running && zk_answers; then return 0; fi
  cat >"$root/zk/zoo.cfg" <<EOF
tickTime=2000
dataDir=$root/zk/data
clientPortAddress=127.0.0.1
clientPort=$zk_port
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat,mntr
EOF
  # java itself is the backgrounded process, so \$! is ZooKeeper's pid (cluster-notes).
  java -Xmx256m -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
    org.apache.zookeeper.server.ZooKeeperServerMain "$root/zk/zoo.cfg" >"$root/zk/zk.log" 2>&1 </dev/null &
  echo $! >"$root/zk/zk.pid"
  for _ in $(seq 1 120); do
    if zk_answers; then log "ZooKeeper ready on 127.0.0.1:$zk_port."; return 0; fi
    sleep 0.25
  done
  log "ZooKeeper did not answer within 30 s; see $root/zk/zk.log"
  exit 1
}

zk_stop() {
  if zk_running; then
    pid=$(cat "$root/zk/zk.pid")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$root/zk/zk.pid"
}

node_dir() { echo "$root/n$1"; }
tcp_port() { echo $((tcp_base + $1)); }
node_running() { local p="$(node_dir "$1")/server.pid"; [ -f "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; }
node_answers() { client "$1" --query 'SELECT 1' >/dev/null 2>&1; }

# The admin (default user) password, generated once as server.sh does for the local server:
# in var/cluster/admin.password (mode 0600), its hash in every node's users.xml, and in
# <remote_servers>, where the Distributed tables log in to the other nodes with it.
pwfile="$root/admin.password"
clientconf="$root/client.xml"
ensure_password() {
  mkdir -p "$root"
  if [ ! -s "$pwfile" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$pwfile")
    log "generated the admin password (已生成管理员密码): $pwfile"
  fi
  chmod 600 "$pwfile"
  (umask 077 && printf '<config>\n  <user>default</user>\n  <password>%s</password>\n</config>\n' "$(cat "$pwfile")" >"$clientconf")
}

client() {
  local n=$1
  shift
  clickhouse-client --config-file="$clientconf" --port "$(tcp_port "$n")" "$@"
}

node_configure() {
  local n=$1 dir hash auth
  dir=$(node_dir "$n")
  hash=$(tr -d '\n' <"$pwfile" | sha256sum | cut -d' ' -f1)
  auth="<user>default</user><password>$(cat "$pwfile")</password>"
  mkdir -p "$dir"/{data,tmp,log,user_files,format_schemas,users.d,config.d}
  # The single server's own config, then the cluster part on top of it (config.d is merged).
  sed -e "s#@ROOT@#$dir#g" -e "s#@TCP_PORT@#$(tcp_port "$n")#g" -e "s#@HTTP_PORT@#$((http_base + n))#g" \
    "$repo/warehouse/clickhouse/config.xml.in" >"$dir/config.xml"
  sed -e "s#@INTERSERVER_PORT@#$((is_base + n))#g" -e "s#@SHARD@#${shard_of[$n]}#g" -e "s#@REPLICA@#n$n#g" \
    -e "s#@ZK_PORT@#$zk_port#g" -e "s#@AUTH@#$auth#g" \
    -e "s#@TCP1@#$(tcp_port 1)#g" -e "s#@TCP2@#$(tcp_port 2)#g" -e "s#@TCP3@#$(tcp_port 3)#g" -e "s#@TCP4@#$(tcp_port 4)#g" \
    "$repo/warehouse/clickhouse/cluster.xml.in" >"$dir/config.d/cluster.xml"
  sed -e "s#@ADMIN_SHA256@#$hash#g" "$repo/warehouse/clickhouse/users.xml.in" >"$dir/users.xml"
  chmod 600 "$dir/config.d/cluster.xml"
  for f in "$repo"/warehouse/clickhouse/users.d/*.xml "$repo"/warehouse/clickhouse/cluster.d/*.xml; do
    [ -e "$f" ] && cp "$f" "$dir/users.d/"
  done
  return 0
}

node_start() {
  local n=$1 dir
  dir=$(node_dir "$n")
  node_configure "$n"
  if node_running "$n" && node_answers "$n"; then return 0; fi
  # A pid file whose process is gone means the node crashed. Its last insert may be on disk but
  # not in ZooKeeper; with small tables that one part is "too many unexpected parts" and the
  # server refuses to start. The flag (read once at start-up, then removed by the server) lets
  # it detach such parts and fetch the truth from its shard partner.
  if [ -f "$dir/server.pid" ]; then
    log "node $n did not stop cleanly (节点 $n 非正常停止): restoring its replicated tables from their replicas."
    mkdir -p "$dir/data/flags"
    touch "$dir/data/flags/force_restore_data"
    rm -f "$dir/server.pid"
  fi
  clickhouse-server --config-file="$dir/config.xml" --pid-file="$dir/server.pid" --daemon
}

node_wait() {
  local n=$1
  for _ in $(seq 1 120); do
    if node_answers "$n"; then return 0; fi
    sleep 0.5
  done
  log "node $n did not answer within 60 s; see $(node_dir "$n")/log/server.err.log:"
  tail -n 20 "$(node_dir "$n")/log/server.err.log" >&2 || true
  exit 1
}

# node_stop N [signal]: SIGTERM closes the ZooKeeper session at once, so the node can rejoin
# right away; SIGKILL leaves the session to expire (10 s), as a crash does.
node_stop() {
  local n=$1 sig=${2:-TERM} pidfile pid
  pidfile="$(node_dir "$n")/server.pid"
  if ! node_running "$n"; then return 0; fi  # a stale pid file stays: node_start reads it as a crash
  pid=$(cat "$pidfile")
  kill -s "$sig" "$pid"
  for _ in $(seq 1 120); do
    # A killed node keeps its pid file, as after a crash, so that node_start knows.
    kill -0 "$pid" 2>/dev/null || { [ "$sig" = KILL ] || rm -f "$pidfile"; return 0; }
    sleep 0.25
  done
  log "node $n ($pid) did not stop in 30 s; killing it."
  kill -9 "$pid" 2>/dev/null || true
  # the pid file stays: the next start treats this as the crash it is
}

write_deploy() {
  local addrs=""
  for n in "${nodes[@]}"; do addrs="$addrs${addrs:+, }127.0.0.1:$(tcp_port "$n")"; done
  cat >"$root/deploy.yaml" <<EOF
# Written by warehouse/clickhouse/cluster.sh for the local cluster; SAFETYDW_DEPLOY points here.
mode: cluster
cluster: safetydw
nodes_cluster: safetydw_nodes
addrs: [$addrs]
zookeeper: 127.0.0.1:$zk_port
password_file: $pwfile
EOF
}

start() {
  if ! command -v clickhouse-server >/dev/null 2>&1; then
    CLICKHOUSE_ADDR='' "$repo/warehouse/clickhouse/server.sh" install
  fi
  ensure_password
  zk_start
  for n in "${nodes[@]}"; do node_start "$n"; done
  for n in "${nodes[@]}"; do node_wait "$n"; done
  write_deploy
  log "ready (已就绪): 2 shards × 2 replicas on 127.0.0.1:$(tcp_port 1)–$(tcp_port 4); SAFETYDW_DEPLOY=$root/deploy.yaml"
}

stop() {
  for n in "${nodes[@]}"; do node_stop "$n"; done
  zk_stop
  log "stopped."
}

status() {
  local ok=0
  if zk_running && zk_answers; then echo "zookeeper: running on 127.0.0.1:$zk_port"; else echo "zookeeper: not running"; ok=1; fi
  for n in "${nodes[@]}"; do
    if node_running "$n" && node_answers "$n"; then echo "n$n: running on 127.0.0.1:$(tcp_port "$n")"; else echo "n$n: not running"; ok=1; fi
  done
  return $ok
}

node_arg() {
  case "${1:-}" in 1|2|3|4) echo "$1" ;; *) echo "node must be 1, 2, 3 or 4 (节点编号)" >&2; exit 2 ;; esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  node-start) n=$(node_arg "${2:-}"); ensure_password; node_start "$n"; node_wait "$n" ;;
  node-stop) n=$(node_arg "${2:-}"); node_stop "$n" TERM ;;
  node-kill) n=$(node_arg "${2:-}"); node_stop "$n" KILL ;;
  zk-start) zk_start ;;
  zk-stop) zk_stop ;;
  client) n=$(node_arg "${2:-}"); shift 2; client "$n" "$@" ;;
  *) echo "usage: $0 start|stop|status|node-start N|node-stop N|node-kill N|zk-start|zk-stop|client N [args]" >&2; exit 2 ;;
esac
