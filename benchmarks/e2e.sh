#!/usr/bin/env bash
# End-to-end benchmark: one sandbox cluster (MySQL 8.0, 1 master + 2 slaves), the same sysbench
# workloads run directly against the master, through a plain TCP relay (haproxy, mode tcp) and
# through Sluice, side by side in one run; then a large result set streamed through Sluice with
# -Xmx128m, and N idle client sessions held open. Prints a markdown table and writes it, with
# every raw log, to DIR.
#
#   benchmarks/e2e.sh [--dir DIR] [--time SECONDS] [--threads "1 16 64"]
#                     [--workloads "oltp_point_select oltp_read_only oltp_read_write"]
#                     [--large-mb 1024] [--idle 10000] [--profile-seconds 30] [--skip-sysbench]
#                     [--syscalls]   (also count system calls per statement with strace -c)
#                     [--io-threads N]  (Sluice's event loops; default: its own, one per core)
#                     [--bind-io-threads [auto|on|off]]  (Sluice's --bind-io-threads; default: its own, auto,
#                                   which binds one loop per CPU when the loops are one per CPU;
#                                   haproxy always keeps its default, unbound)
#                     [--read-affinity D]  (backends.read-affinity for Sluice, e.g. 0 or 1s; default: its own)
#                     [--pairs 8]  (more relay/Sluice runs of point_select at 16 threads, alternating,
#                                   for the median ratio and CPU the targets are judged on; 0: none)
#                     [--latency-rounds 2]  (more direct/relay/Sluice runs of point_select at 1 thread,
#                                   order rotating, for the median added p50; 0: none)
#                     [--warmup 10]  (seconds of each workload through both hops before measuring)
#
# Needs: java 17, sysbench and haproxy (Debian packages; installed here when missing and root),
# the mariadb client, proxy-server/target/sluice.jar and benchmarks/target/benchmarks.jar (built
# when missing or older than the sources, see bin/fresh-jars; SLUICE_JAR/BENCH_JAR run given
# jars instead). The results name the code measured. Only 127.0.0.1 is used; everything started
# here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"
DIR=""
TIME=10
THREADS="1 16 64"
WORKLOADS="oltp_point_select oltp_read_only oltp_read_write"
TABLES=4
TABLE_SIZE=10000
LARGE_MB=1024
IDLE=10000
PROFILE_SECONDS=30
SKIP_SYSBENCH=0
SYSCALLS=0
IO_THREADS=""
BIND_IO_THREADS=""
READ_AFFINITY=""
PAIRS=8
LATENCY_ROUNDS=2
WARMUP=10

while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --time) TIME=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --large-mb) LARGE_MB=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --profile-seconds) PROFILE_SECONDS=$2; shift 2 ;;
    --skip-sysbench) SKIP_SYSBENCH=1; shift ;;
    --syscalls) SYSCALLS=1; shift ;;
    --io-threads) IO_THREADS=$2; shift 2 ;;
    --bind-io-threads) # a mode, or bare as in the proxy's own option: on
      if [[ ${2:-} =~ ^(auto|on|off)$ ]]; then BIND_IO_THREADS=--bind-io-threads=$2; shift 2
      else BIND_IO_THREADS=--bind-io-threads=on; shift; fi ;;
    --read-affinity) READ_AFFINITY=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --latency-rounds) LATENCY_ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
if [[ $PAIRS -gt 0 && $TIME -lt 5 ]]; then
  echo "--pairs measures CPU over the middle of each run: it needs --time of at least 5 (or --pairs 0)" >&2
  exit 2
fi
DIR=${DIR:-$(mktemp -d /tmp/sluice-bench.XXXXXX)}
mkdir -p "$DIR/logs"
DIR=$(cd "$DIR" && pwd)
LOGS=$DIR/logs
RESULTS=$DIR/results.md
CLK_TCK=$(getconf CLK_TCK)

log() { echo "e2e: $*" >&2; }

# ---- prerequisites ------------------------------------------------------------------------

need_packages=()
command -v sysbench >/dev/null || need_packages+=(sysbench)
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || need_packages+=(haproxy)
command -v mariadb >/dev/null || need_packages+=(mariadb-client)
if [[ ${#need_packages[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing: ${need_packages[*]}; run: apt-get install -y ${need_packages[*]}" >&2
    exit 1
  fi
  log "installing ${need_packages[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_packages[@]}" >"$LOGS/apt.log" 2>&1
fi
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

if [[ -z ${SLUICE_JAR:-} && -z ${BENCH_JAR:-} ]]; then
  CODE="commit $("$ROOT/bin/fresh-jars")"
else
  CODE="the jars given: ${SLUICE_JAR:-proxy-server/target/sluice.jar}, ${BENCH_JAR:-benchmarks/target/benchmarks.jar}"
fi
SLUICE_JAR=${SLUICE_JAR:-$ROOT/proxy-server/target/sluice.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
# Private copies: other builds may replace the jars while this runs.
cp "$SLUICE_JAR" "$DIR/sluice.jar"
cp "$BENCH_JAR" "$DIR/benchmarks.jar"

# The idle-connection test needs more than 10,000 descriptors in the proxy and in the client.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- processes we start, and their cleanup ------------------------------------------------

SLUICE_PID=""
HAPROXY_PID=""
IDLE_PID=""
SANDBOX_UP=0

stop_pid() { # pid: TERM, wait up to 20 s, then KILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$IDLE_PID"
  stop_pid "$SLUICE_PID"
  stop_pid "$HAPROXY_PID"
  if [[ $SANDBOX_UP -eq 1 ]]; then
    java -jar "$DIR/sluice.jar" sandbox down --dir "$DIR/sb" >"$LOGS/sandbox-down.log" 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # port pid: up to 60 s for the process to accept on 127.0.0.1:port
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "process $2 exited before listening on $1" >&2; return 1; }
    sleep 0.2
  done
  echo "nothing listens on 127.0.0.1:$1 after 60 s" >&2
  return 1
}

proc_status_kb() { # pid field: VmRSS, VmHWM, ... in kB
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

start_sluice() { # tag, then JVM options (given after bin/java-defaults, as bin/sluice does)
  local tag=$1; shift
  # shellcheck disable=SC2046 # the defaults are separate words
  set -- $("$ROOT/bin/java-defaults") "$@"
  java "$@" -jar "$DIR/sluice.jar" proxy --config "$DIR/sb/routing.conf" ${IO_THREADS:+--io-threads "$IO_THREADS"} $BIND_IO_THREADS \
    >"$LOGS/sluice-$tag.log" 2>&1 &
  SLUICE_PID=$!
  wait_port "$SLUICE_PORT" "$SLUICE_PID" || { tail -20 "$LOGS/sluice-$tag.log" >&2; return 1; }
  log "sluice ($tag, $*${IO_THREADS:+ --io-threads $IO_THREADS}${BIND_IO_THREADS:+ $BIND_IO_THREADS}) pid $SLUICE_PID on $SLUICE_PORT"
}

# ---- the cluster -------------------------------------------------------------------------

log "sandbox up in $DIR/sb"
SANDBOX_UP=1
java -jar "$DIR/sluice.jar" sandbox up --dir "$DIR/sb" >"$LOGS/sandbox-up.log" 2>&1
CONF=$DIR/sb/routing.conf
if [[ -n $READ_AFFINITY ]]; then
  sed -i "s|^    slaves = \[|    read-affinity = $READ_AFFINITY\n    slaves = [|" "$CONF"
  grep -q "read-affinity = $READ_AFFINITY" "$CONF" || { echo "could not set read-affinity in $CONF" >&2; exit 1; }
fi
sandbox_ports "$CONF"
log "master $MASTER_PORT, slaves ${SLAVE_PORTS[*]}, sluice $SLUICE_PORT"

sql() { # port, statement: as root, tab-separated, no headers
  mariadb -h127.0.0.1 -P"$1" -uroot --skip-column-names --batch -e "$2"
}

# ---- the TCP relay: haproxy in mode tcp, no parsing --------------------------------------

RELAY_SLAVES_PORT=$(free_port)
RELAY_MASTER_PORT=$(free_port)
relay_config "$RELAY_SLAVES_PORT" "$RELAY_MASTER_PORT" >"$DIR/haproxy.cfg"
"$HAPROXY" -db -f "$DIR/haproxy.cfg" >"$LOGS/haproxy.log" 2>&1 &
HAPROXY_PID=$!
wait_port "$RELAY_SLAVES_PORT" "$HAPROXY_PID" || { cat "$LOGS/haproxy.log" >&2; exit 1; }
log "haproxy pid $HAPROXY_PID: slaves on $RELAY_SLAVES_PORT, master on $RELAY_MASTER_PORT"

# ---- sysbench ----------------------------------------------------------------------------

# Text protocol (--db-ps-mode=disable): server-side prepared statements pin a Sluice session to
# the master for now, and the literal statements are what the classifier must handle anyway.
SYSBENCH_COMMON=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=app --mysql-password=app
  --mysql-db=app --tables="$TABLES" --table-size="$TABLE_SIZE" --db-ps-mode=disable)

# sysbench prints one percentile; the histogram gives them all. Its buckets are about 1.5 %
# wide, so the percentiles below are that precise. Prints "p50 p95 p99" in ms.
percentiles() {
  awk '
    /Latency histogram/ { on = 1; next }
    on && /^ *[0-9.]+ \|/ { v[n] = $1; c[n] = $NF; total += $NF; n++; next }
    on && n > 0 && !/\|/ { on = 0 }
    END {
      split("0.50 0.95 0.99", q, " ")
      for (k = 1; k <= 3; k++) {
        need = q[k] * total; acc = 0
        for (i = 0; i < n; i++) { acc += c[i]; if (acc >= need) { printf "%s ", v[i]; break } }
      }
      print ""
    }' "$1"
}

# Self samples per top frame of a `jfr print` dump, as "count percent frame", most frequent first.
top_frames() {
  awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); self[$0]++; n++}
       END {for (f in self) printf "%6d %5.1f%%  %s\n", self[f], 100 * self[f] / n, f}' "$1" \
    | sort -rn | sed -n '1,25p'
}

# Samples with each io.sluice method anywhere on the stack (counted once per sample).
inclusive_sluice_frames() {
  awk '/stackTrace = \[/ {inside = 1; delete seen; n++; next}
       inside && /^ *\]/ {inside = 0; next}
       inside && /io\.sluice\./ {f = $0; sub(/^ +/, "", f); sub(/ +line:.*/, "", f); if (!(f in seen)) {seen[f] = 1; incl[f]++}}
       END {for (f in incl) printf "%6d %5.1f%%  %s\n", incl[f], 100 * incl[f] / n, f}' "$1" \
    | sort -rn | sed -n '1,25p'
}

# workload threads target port pid-to-measure (or "") -> one table row, appended to RESULTS
declare -A QPS_OF P50_OF CPU_OF
run_one() {
  local workload=$1 threads=$2 target=$3 port=$4 pid=$5
  local out=$LOGS/$workload-$threads-$target.log
  local extra=()
  [[ $workload != oltp_read_write ]] && extra+=(--skip_trx=on)
  local before=0 after=0
  [[ -n $pid ]] && before=$(cpu_ticks "$pid")
  if ! timeout $((TIME + 120)) sysbench "$workload" "${SYSBENCH_COMMON[@]}" --mysql-port="$port" \
      --threads="$threads" --time="$TIME" --histogram=on --percentile=99 "${extra[@]}" run >"$out" 2>&1; then
    log "sysbench $workload $threads $target FAILED (see $out)"
    printf '| %s | %s | %s | FAILED | | | | | | |\n' "$workload" "$threads" "$target" | tee -a "$RESULTS"
    return 0
  fi
  [[ -n $pid ]] && after=$(cpu_ticks "$pid")
  local queries qps errors p50 p95 p99 cpu="-" ratio="1.00"
  queries=$(awk '/^ *total:/ && !seen {print $2; seen = 1}' "$out")
  qps=$(awk '/^ *queries:/ {gsub(/\(/, "", $3); print $3}' "$out")
  errors=$(awk '/ignored errors:/ {print $3}' "$out")
  read -r p50 p95 p99 < <(percentiles "$out")
  if [[ -n $pid && $(ticks_between "$before" "$after") != - ]]; then
    cpu=$(awk -v t="$(ticks_between "$before" "$after")" -v hz="$CLK_TCK" -v q="$queries" 'BEGIN {printf "%.1f", t / hz / q * 1e6}')
  fi
  local key=$workload/$threads
  QPS_OF[$key/$target]=$qps
  P50_OF[$key/$target]=$p50
  CPU_OF[$key/$target]=$cpu
  [[ $target != direct ]] && ratio=$(awk -v a="$qps" -v b="${QPS_OF[$key/direct]:-0}" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "-"}')
  printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n' \
    "$workload" "$threads" "$target" "$qps" "$ratio" "$p50" "$p95" "$p99" "$cpu" "$errors" | tee -a "$RESULTS"
}

{
  echo "# Sluice end-to-end benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Code: $CODE."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg). Sandbox MySQL 8.0, 1 master + 2 slaves;" \
    "sysbench $(sysbench --version | cut -d' ' -f2), $("$HAPROXY" -v | sed -n 1p | cut -d' ' -f1-3)."
  echo "Sysbench: --tables=$TABLES --table-size=$TABLE_SIZE --time=$TIME --db-ps-mode=disable;" \
    "--skip_trx=on for point_select/read_only. Latency is per sysbench event (one transaction of the workload)."
  echo "direct = the master; relay = haproxy mode tcp (to the two slaves round robin for the read-only" \
    "workloads, to the master for read_write); sluice = the proxy with the sandbox's routing.conf${READ_AFFINITY:+ and read-affinity = $READ_AFFINITY}."
  echo "CPU = utime+stime of the relay/proxy process over the run divided by the statements sysbench sent."
  echo
} | tee "$RESULTS"

if [[ $SKIP_SYSBENCH -eq 0 ]]; then
  log "preparing $TABLES tables of $TABLE_SIZE rows on the master"
  sysbench oltp_read_write "${SYSBENCH_COMMON[@]}" --mysql-port="$MASTER_PORT" prepare >"$LOGS/prepare.log" 2>&1
  for port in "${SLAVE_PORTS[@]}"; do
    for _ in $(seq 1 600); do
      [[ $(sql "$port" "SELECT COUNT(*) FROM app.sbtest$TABLES" 2>/dev/null || echo 0) == "$TABLE_SIZE" ]] && break
      sleep 0.2
    done
  done

  start_sluice main ${SLUICE_JAVA_OPTS:-}
  # Warm-up, not recorded: every workload through both hops for --warmup seconds. The JVM
  # compiles Sluice's paths as they are first used (C2 stays busy for 15-20 s under load, and
  # transactions and writes take paths point selects never do); the measurements are of the
  # proxy as it runs for hours, not of its first seconds.
  for workload in $WORKLOADS; do
    skip_trx=(--skip_trx=on)
    [[ $workload == oltp_read_write ]] && skip_trx=()
    for port in "$SLUICE_PORT" "$RELAY_SLAVES_PORT"; do
      [[ $workload == oltp_read_write && $port == "$RELAY_SLAVES_PORT" ]] && port=$RELAY_MASTER_PORT
      sysbench "$workload" "${SYSBENCH_COMMON[@]}" --mysql-port="$port" --threads=16 --time="$WARMUP" \
        "${skip_trx[@]}" run >"$LOGS/warmup-$workload-$port.log" 2>&1 || true
    done
  done

  {
    echo "| workload | threads | target | QPS | x direct | p50 ms | p95 ms | p99 ms | proxy CPU µs/stmt | errors |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
  } | tee -a "$RESULTS"
  for workload in $WORKLOADS; do
    relay_port=$RELAY_SLAVES_PORT
    [[ $workload == oltp_read_write ]] && relay_port=$RELAY_MASTER_PORT
    for threads in $THREADS; do
      run_one "$workload" "$threads" direct "$MASTER_PORT" ""
      run_one "$workload" "$threads" relay "$relay_port" "$HAPROXY_PID"
      run_one "$workload" "$threads" sluice "$SLUICE_PORT" "$SLUICE_PID"
    done
  done

  # ---- point_select at 16 threads again, relay and Sluice alternating ----------------------
  # On two shared cores one 10 s run of either hop moves by 10-20 % from one run to the next
  # (the servers' CPU per statement moves with it), so one ratio says little: the target is
  # judged on the median of this run's ratio and PAIRS more, each pair back to back, the
  # order alternating so that neither hop always runs second.
  key=oltp_point_select/16
  RATIOS=()
  SLUICE_HOP_CPUS=("${CPU_OF[$key/sluice]:--}")
  RELAY_HOP_CPUS=("${CPU_OF[$key/relay]:--}")
  if [[ -n ${QPS_OF[$key/sluice]:-} && -n ${QPS_OF[$key/relay]:-} ]]; then
    RATIOS+=("$(awk -v s="${QPS_OF[$key/sluice]}" -v r="${QPS_OF[$key/relay]}" 'BEGIN {printf "%.3f", s / r}')")
    if [[ $PAIRS -gt 0 ]]; then
      # Each pair also shows where the two cores went: the CPU per statement of the hop, of the
      # slaves and of sysbench (the machine is saturated, so QPS follows their sum).
      SLAVE_PIDS=$(pgrep -f "mysqld --defaults-file=$DIR/sb/mysql-slave-" | tr '\n' ' ')
      [[ -n $SLAVE_PIDS ]] || log "no slave mysqld found under $DIR/sb: the slaves' CPU will read 0"
      { echo; echo "| pair | relay QPS | sluice QPS | sluice / relay | relay: hop / slaves / sysbench µs/stmt | sluice: hop / slaves / sysbench µs/stmt | idle relay / sluice |"
        echo "|---|---|---|---|---|---|---|"; } | tee -a "$RESULTS"
      printf '| 0 (the table above) | %.0f | %.0f | %.2f | %s / - / - | %s / - / - | - |\n' "${QPS_OF[$key/relay]}" \
        "${QPS_OF[$key/sluice]}" "${RATIOS[0]}" "${CPU_OF[$key/relay]}" "${CPU_OF[$key/sluice]}" | tee -a "$RESULTS"
      pair_run() { # name port hop-pid: sets <name>_qps, <name>_cpu ("hop / slaves / sysbench") and <name>_idle
        local qps hop slaves sb idle
        read -r qps hop slaves sb idle < <(measured_run "$2" "$LOGS/pair-$pair-$1.log" "$TIME" "$3" "$SLAVE_PIDS" \
          oltp_point_select "${SYSBENCH_COMMON[@]}" --threads=16 --skip_trx=on)
        printf -v "$1_qps" '%s' "$qps"; printf -v "$1_cpu" '%s / %s / %s' "$hop" "$slaves" "$sb"; printf -v "$1_idle" '%s' "$idle"
        printf -v "$1_hop" '%s' "$hop"
      }
      for pair in $(seq 1 "$PAIRS"); do
        if (( pair % 2 == 1 )); then
          pair_run sluice "$SLUICE_PORT" "$SLUICE_PID"
          pair_run relay "$RELAY_SLAVES_PORT" "$HAPROXY_PID"
        else
          pair_run relay "$RELAY_SLAVES_PORT" "$HAPROXY_PID"
          pair_run sluice "$SLUICE_PORT" "$SLUICE_PID"
        fi
        pair_ratio=$(awk -v s="${sluice_qps:-0}" -v r="${relay_qps:-0}" 'BEGIN {if (r > 0) printf "%.3f", s / r; else print "0"}')
        RATIOS+=("$pair_ratio")
        SLUICE_HOP_CPUS+=("$sluice_hop")
        RELAY_HOP_CPUS+=("$relay_hop")
        printf '| %d | %.0f | %.0f | %.2f | %s | %s | %s / %s %% |\n' "$pair" "${relay_qps:-0}" "${sluice_qps:-0}" "$pair_ratio" \
          "$relay_cpu" "$sluice_cpu" "$relay_idle" "$sluice_idle" | tee -a "$RESULTS"
      done
    fi
  fi

  # ---- point_select at 1 thread again: the added p50 judged on the median of rounds ---------
  # One 10 s run's p50 moves with the machine's phase as the QPS does; the order of the three
  # targets rotates from round to round.
  key=oltp_point_select/1
  SLUICE_ADDED=()
  RELAY_ADDED=()
  if [[ -n ${P50_OF[$key/sluice]:-} && -n ${P50_OF[$key/direct]:-} && -n ${P50_OF[$key/relay]:-} ]]; then
    added() { awk -v t="$1" -v d="$2" 'BEGIN {printf "%.0f", (t - d) * 1000}'; }
    SLUICE_ADDED+=("$(added "${P50_OF[$key/sluice]}" "${P50_OF[$key/direct]}")")
    RELAY_ADDED+=("$(added "${P50_OF[$key/relay]}" "${P50_OF[$key/direct]}")")
    if [[ $LATENCY_ROUNDS -gt 0 ]]; then
      { echo; echo "| 1-thread round | direct p50 ms | relay p50 ms | sluice p50 ms | added: relay / sluice µs |"
        echo "|---|---|---|---|---|"
        printf '| 0 (the table above) | %s | %s | %s | %s / %s |\n' "${P50_OF[$key/direct]}" "${P50_OF[$key/relay]}" \
          "${P50_OF[$key/sluice]}" "${RELAY_ADDED[0]}" "${SLUICE_ADDED[0]}"; } | tee -a "$RESULTS"
      latency_run() { # target port: sets <target>_p50 from a 1-thread point_select run
        local out=$LOGS/latency-$round-$1.log p50 rest
        sysbench oltp_point_select "${SYSBENCH_COMMON[@]}" --mysql-port="$2" --threads=1 --time="$TIME" \
          --histogram=on --percentile=99 --skip_trx=on run >"$out" 2>&1 || log "sysbench 1-thread $1 FAILED (see $out)"
        read -r p50 rest < <(percentiles "$out")
        printf -v "$1_p50" '%s' "${p50:-}"
      }
      for round in $(seq 1 "$LATENCY_ROUNDS"); do
        case $((round % 3)) in
          1) order="sluice relay direct" ;;
          2) order="relay direct sluice" ;;
          *) order="direct sluice relay" ;;
        esac
        for target in $order; do
          case $target in
            direct) latency_run direct "$MASTER_PORT" ;;
            relay) latency_run relay "$RELAY_SLAVES_PORT" ;;
            sluice) latency_run sluice "$SLUICE_PORT" ;;
          esac
        done
        if [[ -n $direct_p50 && -n $relay_p50 && -n $sluice_p50 ]]; then
          SLUICE_ADDED+=("$(added "$sluice_p50" "$direct_p50")")
          RELAY_ADDED+=("$(added "$relay_p50" "$direct_p50")")
          printf '| %d | %s | %s | %s | %s / %s |\n' "$round" "$direct_p50" "$relay_p50" "$sluice_p50" \
            "${RELAY_ADDED[-1]}" "${SLUICE_ADDED[-1]}" | tee -a "$RESULTS"
        fi
      done
    fi
  fi

  {
    echo
    echo "Load average after the sysbench runs: $(cut -d' ' -f1-3 /proc/loadavg)."
    key=oltp_point_select/16
    if [[ -n ${QPS_OF[$key/sluice]:-} && -n ${QPS_OF[$key/relay]:-} ]]; then
      awk -v s="${QPS_OF[$key/sluice]}" -v r="${QPS_OF[$key/relay]}" -v d="${QPS_OF[$key/direct]}" \
        'BEGIN {printf "point_select, 16 threads: sluice/relay QPS = %.2f in the table; relay/direct = %.2f; sluice/direct = %.2f.\n", s / r, r / d, s / d}'
      printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{v[NR] = $1} END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "point_select, 16 threads: median sluice/relay QPS over %d runs of each = %.2f (target >= 0.9; lowest %.2f, highest %.2f).\n", NR, m, v[1], v[NR]}'
      echo "point_select, 16 threads: proxy CPU per statement: sluice ${CPU_OF[$key/sluice]} µs, relay ${CPU_OF[$key/relay]} µs in the table;" \
        "median over ${#SLUICE_HOP_CPUS[@]} runs of each: sluice $(median "${SLUICE_HOP_CPUS[@]}") µs (target <= 30), relay $(median "${RELAY_HOP_CPUS[@]}") µs."
    fi
    if [[ ${#SLUICE_ADDED[@]} -gt 0 ]]; then
      echo "point_select, 1 thread: p50 added over direct: sluice ${SLUICE_ADDED[0]} µs, relay ${RELAY_ADDED[0]} µs in the table;" \
        "median over ${#SLUICE_ADDED[@]} rounds: sluice $(median "${SLUICE_ADDED[@]}") µs (target <= 50), relay $(median "${RELAY_ADDED[@]}") µs" \
        "(histogram buckets ~1.5 %)."
    fi
  } | tee -a "$RESULTS"

  # ---- profile: JFR on the running proxy during point_select at 16 threads ----------------
  if [[ $PROFILE_SECONDS -gt 0 ]]; then
    jfr_file=$DIR/sluice-point-select-16.jfr
    jcmd "$SLUICE_PID" JFR.start name=bench settings=profile duration="${PROFILE_SECONDS}s" \
      filename="$jfr_file" >"$LOGS/jfr-start.log" 2>&1
    sysbench oltp_point_select "${SYSBENCH_COMMON[@]}" --mysql-port="$SLUICE_PORT" --threads=16 \
      --time="$PROFILE_SECONDS" --skip_trx=on run >"$LOGS/profile-run.log" 2>&1 || true
    for _ in $(seq 1 50); do [[ -s $jfr_file ]] && break; sleep 0.2; done
    sleep 2 # the recording is written when its duration ends
    jfr print --events jdk.ExecutionSample --stack-depth 64 "$jfr_file" >"$LOGS/jfr-samples.txt" 2>&1 || true
    jfr print --events jdk.NativeMethodSample --stack-depth 64 "$jfr_file" >"$LOGS/jfr-native.txt" 2>&1 || true
    {
      echo
      echo "JFR ($PROFILE_SECONDS s, settings=profile) during oltp_point_select at 16 threads: $jfr_file"
      echo "$(grep -c 'jdk.ExecutionSample' "$LOGS/jfr-samples.txt") Java samples," \
        "$(grep -c 'jdk.NativeMethodSample' "$LOGS/jfr-native.txt") native-method samples."
      echo
      echo "Top frames, Java code (self samples):"
      echo '```'
      top_frames "$LOGS/jfr-samples.txt"
      echo '```'
      echo "Top frames, threads in native methods (syscalls: epoll_wait, read, writev):"
      echo '```'
      top_frames "$LOGS/jfr-native.txt"
      echo '```'
      echo "Sluice methods on the stack of Java samples (inclusive):"
      echo '```'
      inclusive_sluice_frames "$LOGS/jfr-samples.txt"
      echo '```'
    } | tee -a "$RESULTS"
  fi

  # ---- system calls per statement (optional: strace slows the traced process a lot, so this
  # runs apart from the timed runs and only the counts mean anything) ------------------------
  if [[ $SYSCALLS -eq 1 ]] && command -v strace >/dev/null; then
    {
      echo
      echo "System calls per statement, oltp_point_select at 16 threads for 5 s under strace -c -f:"
      echo
      echo "| target | statements | syscalls | per statement | top calls |"
      echo "|---|---|---|---|---|"
    } | tee -a "$RESULTS"
    for target in relay sluice; do
      pid=$SLUICE_PID port=$SLUICE_PORT
      [[ $target == relay ]] && pid=$HAPROXY_PID port=$RELAY_SLAVES_PORT
      strace -c -f -p "$pid" -o "$LOGS/strace-$target.txt" 2>/dev/null &
      strace_pid=$!
      sleep 1
      sysbench oltp_point_select "${SYSBENCH_COMMON[@]}" --mysql-port="$port" --threads=16 --time=5 \
        --skip_trx=on run >"$LOGS/strace-run-$target.log" 2>&1 || true
      kill -INT "$strace_pid" 2>/dev/null || true
      wait "$strace_pid" 2>/dev/null || true
      queries=$(awk '/^ *total:/ && !seen {print $2; seen = 1}' "$LOGS/strace-run-$target.log")
      total=$(awk '$NF == "total" {print $4}' "$LOGS/strace-$target.txt")
      top=$(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" {print $4, $NF}' "$LOGS/strace-$target.txt" | sort -rn \
        | sed -n '1,5p' | awk -v q="${queries:-0}" '{printf "%s %.1f, ", $2, (q > 0 ? $1 / q : 0)}')
      awk -v t="$target" -v q="${queries:-0}" -v n="${total:-0}" -v top="$top" \
        'BEGIN {printf "| %s | %d | %d | %.1f | %s |\n", t, q, n, (q > 0 ? n / q : 0), top}' | tee -a "$RESULTS"
    done
  fi
  stop_pid "$SLUICE_PID"
  SLUICE_PID=""
fi

# ---- a large result set through a proxy with a small heap ---------------------------------

# Rows of 1 MiB generated by a slave (no table, nothing stored): LARGE_MB rows in all (at most
# 4096). Two 64-row CTEs joined stay under cte_max_recursion_depth (1000) without a SET.
large_sql="WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 63)
  SELECT REPEAT('x', 1048576) FROM s a, s b WHERE a.n * 64 + b.n < $LARGE_MB"
stream() { # port -> "bytes seconds"
  local start end bytes
  start=$(date +%s.%N)
  bytes=$(mariadb -h127.0.0.1 -P"$1" -uapp -papp --quick --skip-column-names --batch --max-allowed-packet=64M \
    -e "$large_sql" app | wc -c)
  end=$(date +%s.%N)
  echo "$bytes $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')"
}
{
  echo
  echo "## Large result set: $LARGE_MB rows of 1 MiB (mariadb --quick > wc -c), Sluice with -Xmx128m"
  echo
} | tee -a "$RESULTS"
read -r direct_bytes direct_s < <(stream "${SLAVE_PORTS[0]}")
start_sluice large -Xmx128m
rss_before=$(proc_status_kb "$SLUICE_PID" VmRSS)
read -r proxy_bytes proxy_s < <(stream "$SLUICE_PORT" || echo "0 0")
alive=yes; kill -0 "$SLUICE_PID" 2>/dev/null || alive=no
hwm=$(proc_status_kb "$SLUICE_PID" VmHWM 2>/dev/null || echo "?")
{
  echo "| path | bytes received | seconds | MB/s | proxy RSS before | proxy peak RSS (VmHWM) | proxy alive after |"
  echo "|---|---|---|---|---|---|---|"
  awk -v b="$direct_bytes" -v s="$direct_s" 'BEGIN {printf "| direct (slave-0) | %d | %.1f | %.0f | - | - | - |\n", b, s, b / 1048576 / s}'
  awk -v b="$proxy_bytes" -v s="$proxy_s" -v r="$rss_before" -v h="$hwm" -v a="$alive" \
    'BEGIN {printf "| sluice -Xmx128m | %d | %.1f | %.0f | %.0f MB | %.0f MB | %s |\n", b, s, (s > 0 ? b / 1048576 / s : 0), r / 1024, h / 1024, a}'
  [[ $proxy_bytes == "$direct_bytes" ]] || echo "Byte counts differ: the stream through Sluice was cut (see $LOGS/sluice-large.log)."
} | tee -a "$RESULTS"
stop_pid "$SLUICE_PID"
SLUICE_PID=""

# ---- idle client sessions ----------------------------------------------------------------

if [[ $IDLE -gt 0 ]]; then
  {
    echo
    echo "## $IDLE idle client sessions (logged in, then silent), Sluice with -Xmx128m"
    echo
  } | tee -a "$RESULTS"
  start_sluice idle -Xmx128m
  rss_before=$(proc_status_kb "$SLUICE_PID" VmRSS)
  rm -f "$DIR/idle.fifo"
  mkfifo "$DIR/idle.fifo"
  java -Xmx256m -cp "$DIR/benchmarks.jar" io.sluice.benchmarks.e2e.IdleClients 127.0.0.1 "$SLUICE_PORT" app app \
    "$IDLE" 600 <"$DIR/idle.fifo" >"$LOGS/idle-clients.log" 2>&1 &
  IDLE_PID=$!
  exec 7>"$DIR/idle.fifo"
  ready=no
  for _ in $(seq 1 1500); do # up to 300 s to log them all in
    grep -q '^ready' "$LOGS/idle-clients.log" && { ready=yes; break; }
    kill -0 "$IDLE_PID" 2>/dev/null || break
    sleep 0.2
  done
  sleep 2
  rss_idle=$(proc_status_kb "$SLUICE_PID" VmRSS)
  hwm_idle=$(proc_status_kb "$SLUICE_PID" VmHWM)
  fds=$(ls "/proc/$SLUICE_PID/fd" | wc -l)
  q_start=$(date +%s.%N)
  answer=$(mariadb -h127.0.0.1 -P"$SLUICE_PORT" -uapp -papp --skip-column-names --batch \
    -e "SELECT @@server_id" app 2>&1 || true)
  q_ms=$(awk -v a="$q_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b - a) * 1000}')
  echo go >&7
  exec 7>&-
  wait "$IDLE_PID" || true
  IDLE_PID=""
  {
    echo "| sessions logged in | proxy RSS before | proxy RSS with them open | peak RSS | proxy fds | new connection + SELECT @@server_id | idle sessions pinged afterwards |"
    echo "|---|---|---|---|---|---|---|"
    awk -v n="$([[ $ready == yes ]] && echo "$IDLE" || echo "failed: $(tail -1 "$LOGS/idle-clients.log")")" \
      -v r0="$rss_before" -v r1="$rss_idle" -v h="$hwm_idle" -v f="$fds" -v ans="$answer" -v ms="$q_ms" \
      -v ping="$(grep -c '^pinged' "$LOGS/idle-clients.log" || true)" \
      'BEGIN {printf "| %s | %.0f MB | %.0f MB | %.0f MB | %d | server_id %s in %d ms (login included) | %s |\n", n, r0 / 1024, r1 / 1024, h / 1024, f, ans, ms, (ping > 0 ? "all answered" : "no")}'
  } | tee -a "$RESULTS"
  stop_pid "$SLUICE_PID"
  SLUICE_PID=""
fi

log "done; results in $RESULTS, logs in $LOGS"
