#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of terraform's `pg` backend, used by .ci/run and by the tests.
#
#   scripts/ci/postgres.sh install      # Debian's postgresql, only when its binaries are missing (root + apt-get)
#   scripts/ci/postgres.sh check        # exit 0 when the binaries are here, 3 when not (prints where they are)
#   scripts/ci/postgres.sh start DIR    # new cluster in DIR on 127.0.0.1 and a free port; prints the connection string
#   scripts/ci/postgres.sh stop DIR     # stops that server and removes DIR
#
# The cluster trusts local TCP connections (it lives for one test run, on 127.0.0.1 only) and holds one
# database, `terraform_backend`. PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` user. Exit status 3 means "no PostgreSQL binaries here", so callers can tell it from a failure.
set -euo pipefail

DATABASE=terraform_backend
SUPERUSER=postgres

die() { echo "postgres.sh: $1" >&2; exit "${2:-1}"; }

# Directory holding initdb/pg_ctl: $PG_BIN, else Debian's newest /usr/lib/postgresql/<v>/bin, else PATH.
find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then [[ -x "$PG_BIN/initdb" ]] && { echo "$PG_BIN"; return 0; }; return 1; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

# Runs a server binary as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install() {
  if find_bin >/dev/null; then echo "postgres.sh: PostgreSQL already installed ($(find_bin))" >&2; return 0; fi
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is missing and installing it needs root (apt-get install postgresql)"
  command -v apt-get >/dev/null || die "PostgreSQL is missing and apt-get is not available to install it"
  echo "postgres.sh: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  find_bin >/dev/null || die "apt-get installed postgresql but initdb was not found under /usr/lib/postgresql/*/bin"
}

start() {
  local dir=${1:?usage: postgres.sh start DIR}
  local bin
  bin=$(find_bin) || die "no PostgreSQL binaries (initdb, pg_ctl) found; run 'scripts/ci/postgres.sh install' as root or set PG_BIN" 3
  mkdir -p "$dir"
  [[ -z "$(ls -A "$dir")" ]] || die "$dir is not empty"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (created by Debian's postgresql package)"
    chown postgres: "$dir"
    runuser -u postgres -- test -x "$dir" || die "the postgres user cannot reach $dir: make its parent directories searchable (chmod o+x)"
  fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$dir/initdb.log")"

  # A free port: pick one nobody listens on; if another process takes it first, start fails and we try again.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$SUPERUSER" "$DATABASE" || die "createdb failed"
      echo "$port" >"$dir/port"
      echo "postgres://$SUPERUSER@127.0.0.1:$port/$DATABASE?sslmode=disable"
      return 0
    fi
  done
  die "PostgreSQL did not start (5 ports tried): $(tail -n 5 "$dir/server.log" 2>/dev/null)"
}

stop() {
  local dir=${1:?usage: postgres.sh stop DIR}
  [[ -d "$dir" ]] || return 0
  local bin
  if bin=$(find_bin) && [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || echo "postgres.sh: pg_ctl stop failed; see $dir/server.log" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  check) find_bin || die "no PostgreSQL binaries (initdb, pg_ctl) found; run 'scripts/ci/postgres.sh install' as root or set PG_BIN" 3 ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: postgres.sh install | check | start DIR | stop DIR" 2 ;;
esac
