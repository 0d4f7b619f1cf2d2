#!/usr/bin/env bash
# A/B of hops in front of the same slaves, for finding where a proxy's cost goes: sysbench
# oltp_point_select at 16 threads through haproxy (mode tcp), through NettyRelay (a plain byte
# relay on Netty, in benchmarks.jar: what the JVM and Netty cost before any parsing) and through
# Sluice with each of the given config edits, in interleaved rounds on one sandbox (MySQL 8.0,
# 1 master + 2 slaves). For each run: QPS, and CPU per statement (utime+stime from /proc over
# the middle 11 s of a 15 s run) of the hop, of the two slave mysqlds together and of sysbench,
# and the machine's idle share.
#
# --pin binds each hop's threads to CPUs, one per CPU in turn (haproxy: `nbthread` and
# `cpu-map`; the Java hops: their event-loop threads with taskset after the warm-ups), to see
# what the kernel's thread placement costs each hop on this shared machine. Without it every hop
# runs unbound: Sluice builds that bind by default get --bind-io-threads=off.
#
#   benchmarks/hops.sh [--dir DIR] [--rounds 3] [--io-threads 1] [--pin]
#                      [--sluice "NAME=HOCON-LINE-IN-BACKENDS" ...]   (default: the sandbox's config)
#                      [--jar NAME=PATH ...]   (variant NAME runs that sluice.jar, e.g. a build of an older commit)
#                      [--java-opts "NAME=JVM OPTIONS" ...]   (variant NAME's JVM options, after bin/java-defaults)
#                      [--sluice-only]   (no haproxy or Netty relay runs: the Sluice variants against each other)
#
#   e.g. benchmarks/hops.sh --sluice "per-read=read-affinity = 0" --sluice "sticky=read-affinity = 1s"
#        benchmarks/hops.sh --sluice "before=" --jar before=/tmp/old/sluice.jar --sluice "after="
#        benchmarks/hops.sh --sluice-only --sluice "pooled=" --sluice "adaptive=" --java-opts "adaptive=-Dio.netty.allocator.type=adaptive"
#
# Needs what benchmarks/e2e.sh needs. Everything started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"
DIR=""
ROUNDS=3
IO_THREADS=1
PIN=""
VARIANTS=()
declare -A JARS=() JAVA_OPTS=()
SLUICE_ONLY=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --io-threads) IO_THREADS=$2; shift 2 ;;
    --pin) PIN=1; shift ;;
    --sluice) VARIANTS+=("$2"); shift 2 ;;
    --jar) JARS[${2%%=*}]=${2#*=}; shift 2 ;;
    --java-opts) JAVA_OPTS[${2%%=*}]=${2#*=}; shift 2 ;;
    --sluice-only) SLUICE_ONLY=1; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ ${#VARIANTS[@]} -gt 0 ]] || VARIANTS=("sluice=")
for name in "${!JARS[@]}" "${!JAVA_OPTS[@]}"; do
  printf '%s\n' "${VARIANTS[@]}" | grep -q "^$name=" \
    || { echo "--jar or --java-opts names $name, which no --sluice variant has" >&2; exit 2; }
done
DIR=${DIR:-$(mktemp -d /tmp/sluice-hops.XXXXXX)}
mkdir -p "$DIR/logs"
DIR=$(cd "$DIR" && pwd)
LOGS=$DIR/logs
log() { echo "hops: $*" >&2; }

for tool in sysbench mariadb; do command -v $tool >/dev/null || { echo "missing $tool (see benchmarks/e2e.sh)" >&2; exit 1; }; done
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[[ -x $HAPROXY ]] || { echo "missing haproxy (apt-get install -y haproxy)" >&2; exit 1; }
if [[ -z ${SLUICE_JAR:-} && -z ${BENCH_JAR:-} ]]; then
  log "code: commit $("$ROOT/bin/fresh-jars")" # built first if older than the sources
fi
SLUICE_JAR=${SLUICE_JAR:-$ROOT/proxy-server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
cp "$SLUICE_JAR" "$DIR/sluice.jar"
cp "$BENCH_JAR" "$DIR/benchmarks.jar"

HOP_PID=""
cleanup() {
  [[ -n $HOP_PID ]] && kill "$HOP_PID" 2>/dev/null && wait "$HOP_PID" 2>/dev/null || true
  java -jar "$DIR/sluice.jar" sandbox down --dir "$DIR/sb" >"$LOGS/sandbox-down.log" 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "sandbox up in $DIR/sb"
java -jar "$DIR/sluice.jar" sandbox up --dir "$DIR/sb" >"$LOGS/sandbox-up.log" 2>&1
CONF=$DIR/sb/routing.conf
sandbox_ports "$CONF"
RELAY_PORT=$(free_port)
NETTY_PORT=$(free_port)
relay_config "$RELAY_PORT" >"$DIR/haproxy.cfg"
if [[ -n $PIN ]]; then
  command -v taskset >/dev/null || { echo "--pin needs taskset (util-linux)" >&2; exit 1; }
  mapfile -t CPUS < <(allowed_cpus)
  sed -i "s/^global\$/global\n  nbthread ${#CPUS[@]}\n  cpu-map auto:1\/1-${#CPUS[@]} $(IFS=,; echo "${CPUS[*]}")/" "$DIR/haproxy.cfg"
  grep -q '^  cpu-map ' "$DIR/haproxy.cfg" || { echo "could not add cpu-map to $DIR/haproxy.cfg" >&2; exit 1; }
fi
declare -A VARIANT_JAR=() UNBOUND=() # per variant: its jar; the option that keeps its event loops unbound, when its build binds by default
for v in "${VARIANTS[@]}"; do
  name=${v%%=*}; line=${v#*=}
  jar=$DIR/sluice.jar
  if [[ -n ${JARS[$name]:-} ]]; then
    [[ -f ${JARS[$name]} ]] || { echo "no such jar for $name: ${JARS[$name]}" >&2; exit 2; }
    jar=$DIR/sluice-$name.jar
    cp "${JARS[$name]}" "$jar"
  fi
  VARIANT_JAR[$name]=$jar
  UNBOUND[$name]=""
  [[ -z $PIN ]] && java -jar "$jar" proxy --help 2>&1 | grep -q 'auto|on|off' && UNBOUND[$name]=--bind-io-threads=off
  sed "s|^    slaves = \[|    $line\n    slaves = [|" "$CONF" >"$DIR/sb/$name.conf"
done

SB=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=app --mysql-db=app
  --tables=4 --table-size=10000 --db-ps-mode=disable --threads=16 --skip_trx=on)
log "preparing 4 tables of 10,000 rows"
sysbench oltp_point_select "${SB[@]}" --mysql-port="$MASTER_PORT" prepare >"$LOGS/prepare.log" 2>&1
for port in "${SLAVE_PORTS[@]}"; do
  for _ in $(seq 1 600); do
    [[ $(mariadb -h127.0.0.1 -P"$port" -uroot -N -e "SELECT COUNT(*) FROM app.sbtest4" 2>/dev/null || echo 0) == 10000 ]] && break
    sleep 0.2
  done
done

SLAVE_PIDS=$(pgrep -f "mysqld --defaults-file=$DIR/sb/mysql-slave-" | tr '\n' ' ')
[[ -n $SLAVE_PIDS ]] || { echo "no slave mysqld found under $DIR/sb" >&2; exit 1; }

run() { # name port: two warm-ups (the second reconnects, as a measured run does), then 15 s with CPU measured over 11 s of it
  local name=$1 port=$2 out=$LOGS/$1-$round.txt
  for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
  sysbench oltp_point_select "${SB[@]}" --mysql-port="$port" --time=6 run >/dev/null 2>&1
  sysbench oltp_point_select "${SB[@]}" --mysql-port="$port" --time=4 run >/dev/null 2>&1
  [[ -n $PIN && $name != haproxy ]] && pin_event_loops "$HOP_PID"
  local qps hop slaves sb idle
  read -r qps hop slaves sb idle < <(measured_run "$port" "$out" 15 "$HOP_PID" "$SLAVE_PIDS" oltp_point_select "${SB[@]}")
  printf '| %d | %s | %s | %s | %s | %s | %s %% |\n' "$round" "$name" "$qps" "$hop" "$slaves" "$sb" "$idle"
  kill "$HOP_PID"; wait "$HOP_PID" 2>/dev/null || true; HOP_PID=""
}

echo "| round | hop | QPS | hop µs/stmt | slaves µs/stmt | sysbench µs/stmt | idle |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  if [[ -z $SLUICE_ONLY ]]; then
    "$HAPROXY" -db -f "$DIR/haproxy.cfg" >"$LOGS/haproxy.log" 2>&1 & HOP_PID=$!
    run haproxy "$RELAY_PORT"
    # shellcheck disable=SC2046 # both Java hops run with the proxy's default JVM options
    java $("$ROOT/bin/java-defaults") -cp "$DIR/benchmarks.jar" io.sluice.benchmarks.e2e.NettyRelay "$NETTY_PORT" "$IO_THREADS" \
      $(printf '127.0.0.1:%s ' "${SLAVE_PORTS[@]}") >"$LOGS/netty-relay.log" 2>&1 & HOP_PID=$!
    run netty-relay "$NETTY_PORT"
  fi
  for v in "${VARIANTS[@]}"; do
    name=${v%%=*}
    conf=$DIR/sb/$name.conf
    # shellcheck disable=SC2046,SC2086 # UNBOUND is one option or nothing; JAVA_OPTS are separate words
    java $("$ROOT/bin/java-defaults") ${JAVA_OPTS[$name]:-} -jar "${VARIANT_JAR[$name]}" proxy --config "$conf" --io-threads "$IO_THREADS" ${UNBOUND[$name]} \
      >"$LOGS/sluice-$name.log" 2>&1 & HOP_PID=$!
    run "$name" "$SLUICE_PORT"
  done
done
