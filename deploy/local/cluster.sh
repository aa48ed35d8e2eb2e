#!/usr/bin/env bash
# A real UploadProxy cluster on this machine: a throwaway PostgreSQL, SILOS silo processes and one gateway.
#
#   deploy/local/cluster.sh up     # build, start everything, print the gateway's URL
#   deploy/local/cluster.sh down   # stop everything and delete the database
#
# Settings (environment): SILOS (2), GATEWAY_PORT (5000), PG_PORT (55432), PG_OPTIONS (extra server settings,
# "-c name=value …"), and the product's own
# CLOUDINARY_*, NOTION_*, Cluster__*, Sessions__* variables, passed through to every process.
# Each process writes deploy/local/.run/<name>.pid and <name>.log, so one silo can be killed on purpose:
#   kill -9 "$(cat deploy/local/.run/silo-1.pid)"
# PostgreSQL runs as PG_USER, which may not be able to enter the checkout (a clone under /root, say), so its data
# folder, socket and log live in a temp folder that user owns. .run/pg.dir records where; .run/postgres.log links
# to its log; `down` deletes it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="$here/.run"
silos="${SILOS:-2}"
gateway_port="${GATEWAY_PORT:-5000}"
pg_port="${PG_PORT:-55432}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_user="${PG_USER:-postgres}"
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=uploadproxy"
pg_dir="" # the temp folder PostgreSQL runs in, once up has made it

# PostgreSQL's tools run as its user, from its own folder: the caller's working directory may be closed to that user.
as_pg() { (cd "${pg_dir:-/}" && if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi); }

start() { # name, then the command; leaves .run/<name>.pid and .run/<name>.log
  local name="$1"; shift
  nohup "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

wait_for() { # url, seconds
  for _ in $(seq 1 "$2"); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

up() {
  if [ -d "$run" ]; then echo "cluster.sh: already up ($run exists); run 'down' first" >&2; exit 1; fi
  mkdir -p "$run/data"
  trap 'echo "cluster.sh: up failed; see $run/*.log, then run \"$0 down\" to clean up" >&2' ERR
  echo "building…"
  dotnet build "$root/src/Silo" -c Release -v quiet -nologo >/dev/null
  dotnet build "$root/src/Gateway" -c Release -v quiet -nologo >/dev/null

  echo "starting PostgreSQL on 127.0.0.1:$pg_port…"
  pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/uploadproxy-cluster-pg.XXXXXX")"
  echo "$pg_dir" >"$run/pg.dir"
  if [ "$(id -u)" -eq 0 ]; then
    id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"
    chown "$pg_user" "$pg_dir"
  fi
  ln -s "$pg_dir/postgres.log" "$run/postgres.log"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c autovacuum_naptime=1s ${PG_OPTIONS:-}" start >/dev/null
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres uploadproxy
  "$root/deploy/sql/apply.sh" "host=127.0.0.1 port=$pg_port user=postgres dbname=uploadproxy" >/dev/null

  export Cluster__Clustering=AdoNet Cluster__ConnectionString="$connection" UPLOADPROXY_DATA_DIR="$run/data"
  for i in $(seq 1 "$silos"); do
    Cluster__SiloPort=$((11110 + i)) Cluster__GatewayPort=$((29999 + i)) \
      start "silo-$i" dotnet "$root/src/Silo/bin/Release/net10.0/UploadProxy.Silo.dll"
  done
  start gateway dotnet "$root/src/Gateway/bin/Release/net10.0/UploadProxy.Gateway.dll" --urls "http://127.0.0.1:$gateway_port"

  if wait_for "http://127.0.0.1:$gateway_port/health/ready" 90; then
    echo "$silos silo(s) and a gateway are up; logs and pids in $run"
    echo "gateway: http://127.0.0.1:$gateway_port"
  else
    echo "cluster.sh: the gateway did not become ready; see $run/*.log" >&2
    exit 1
  fi
}

down() {
  [ -d "$run" ] || { echo "cluster.sh: not up"; return 0; }
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -s "$run/pg.dir" ]; then
    pg_dir="$(cat "$run/pg.dir")"
    if [ -d "$pg_dir" ]; then
      as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$pg_dir"
    fi
  fi
  rm -rf "$run"
  echo "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
