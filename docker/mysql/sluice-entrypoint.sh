#!/bin/bash
# Entrypoint of the Sluice MySQL image: wraps the official docker-entrypoint.sh.
#
#   1. sluice bootstrap prepare   server_id from the hostname's -N ordinal and MYSQL_ROLE, the
#                                 option file SLUICE_MYSQLD_CNF, MYSQLC_MYSQLD_* overrides,
#                                 a fresh server_uuid for a datadir that has none
#   2. docker-entrypoint.sh       initialises an empty datadir, then runs mysqld (background)
#   3. sluice bootstrap register  once mysqld accepts TCP connections; idempotent on restart
#   4. wait for mysqld, forwarding SIGTERM/SIGINT so `docker stop` shuts it down cleanly
#
# Every setting comes from the environment variables BootstrapEnv defines.
set -euo pipefail

official=/usr/local/bin/docker-entrypoint.sh
log() { echo "sluice-entrypoint: $*" >&2; }

# Anything but the server (a shell, mysqld --help, mysqld --verbose --version) goes straight to
# the official entrypoint, as with the official image.
if [ "${1:-}" != "mysqld" ] || [ "$#" -gt 1 ]; then
  exec "$official" "$@"
fi

role="${MYSQL_ROLE:-}"
case "$role" in
  master|relay|slave) ;;
  *) log "MYSQL_ROLE='$role': set it to master, relay or slave"; exit 1 ;;
esac
datadir="${SLUICE_DATADIR:-/var/lib/mysql}"
port="${MYSQLC_MYSQLD_PORT:-3306}"
timeout="${SLUICE_BOOTSTRAP_TIMEOUT_SECONDS:-300}"

# The official entrypoint initialises exactly when this directory is missing.
if [ -d "$datadir/mysql" ]; then fresh=no; else fresh=yes; fi

child_env=()
if [ "$role" != master ]; then
  # The application database and account are created on the master only and reach replicas
  # through replication. Created here as well, they would be local transactions with the
  # replica's own server_uuid: errant GTIDs that break a later failover, and a clash when
  # the master's CREATE USER replicates.
  child_env+=(-u MYSQL_USER -u MYSQL_DATABASE)
  # For the same reason replicas do not load the time zone tables themselves: the master's
  # copy replicates to them.
  child_env+=(MYSQL_INITDB_SKIP_TZINFO=1)
fi

if [ "$fresh" = yes ] && [ "$role" != master ]; then
  # A replica's option file sets super_read_only, which refuses the official entrypoint's
  # own root account setup. Render it writable for the initialisation only; the init script
  # zz-sluice-final-config.sh renders it again, read-only, before the real server starts.
  MYSQLC_MYSQLD_READ_ONLY=OFF MYSQLC_MYSQLD_SUPER_READ_ONLY=OFF sluice bootstrap prepare
else
  sluice bootstrap prepare
fi

env "${child_env[@]}" "$official" "$@" &
mysqld_pid=$!
register_pid=

signals=0
stop() {
  signals=$((signals + 1))
  log "stopping mysqld (pid $mysqld_pid)"
  if [ -n "$register_pid" ]; then kill -TERM "$register_pid" 2>/dev/null || true; fi
  kill -TERM "$mysqld_pid" 2>/dev/null || true
}
trap stop TERM INT

# The exit status of a background process. `wait` also returns when a trapped signal
# arrives; the process is then still running (stop() has only asked it to end), so wait again.
wait_for() {
  local pid=$1 rc
  while :; do
    local before=$signals
    wait "$pid" && rc=0 || rc=$?
    if [ "$before" -eq "$signals" ]; then return "$rc"; fi
  done
}

# Wait for the real server: the official entrypoint's temporary initialisation server runs
# with --skip-networking, so a TCP answer means initialisation is over. mysqladmin ping
# succeeds even when the login is refused, which is all that is asked here.
deadline=$((SECONDS + timeout))
until mysqladmin --protocol=TCP --host=127.0.0.1 --port="$port" --user=ping --connect-timeout=2 ping >/dev/null 2>&1; do
  if ! kill -0 "$mysqld_pid" 2>/dev/null || [ "$signals" -gt 0 ]; then
    wait_for "$mysqld_pid" && status=0 || status=$?
    log "mysqld exited with status $status before it accepted connections"
    exit "$status"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "mysqld did not accept TCP connections on port $port within ${timeout}s"
    stop
    wait_for "$mysqld_pid" || true
    exit 1
  fi
  sleep 1
done

# register waits for the source itself and does only what is missing on a restart. It runs in
# the background so that a stop request is handled at once, even during a long seeding. If it
# fails, the server is stopped so that the container fails visibly and its restart policy
# retries, instead of leaving an unregistered replica running.
sluice bootstrap register &
register_pid=$!
if ! wait_for "$register_pid"; then
  register_pid=
  if [ "$signals" -eq 0 ]; then
    log "registration failed; stopping mysqld"
    stop
  fi
  wait_for "$mysqld_pid" || true
  exit 1
fi
register_pid=

wait_for "$mysqld_pid" && status=0 || status=$?
exit "$status"
