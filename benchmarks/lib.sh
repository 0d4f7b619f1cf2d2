# Shared by benchmarks/e2e.sh and benchmarks/hops.sh (sourced, not run).

cpu_ticks() { # pid...: utime + stime summed over the processes, in clock ticks (fields 14 and 15 after the "(comm)")
  # Prints "-" when one of them has exited: on a saturated machine the reads of a window can lag
  # behind a sysbench run of a few seconds, which then ends first.
  local p total=0 stat
  for p in "$@"; do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || { echo "-"; return 0; }
    total=$((total + $(sed 's/^.*) //' <<<"$stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

ticks_between() { # ticks-before ticks-after: the difference, or "-" when either is unknown
  if [[ $1 == - || $2 == - ]]; then echo "-"; else echo $(($2 - $1)); fi
}

free_port() {
  for _ in $(seq 1 200); do
    local p=$((20000 + RANDOM % 10000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

sandbox_ports() { # routing.conf written by 'sluice sandbox up': sets SLUICE_PORT, MASTER_PORT and SLAVE_PORTS
  SLUICE_PORT=$(sed -n 's/^ *listen = "127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$1" | sed -n 1p)
  MASTER_PORT=$(sed -n 's/.*master = {.*address = "127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$1")
  mapfile -t SLAVE_PORTS < <(sed -n 's/.*address = "127\.0\.0\.1:\([0-9]*\)", weight.*/\1/p' "$1")
}

relay_config() { # slaves-port [master-port]: haproxy in mode tcp, round robin over SLAVE_PORTS (and the master on its own port)
  echo "global"
  echo "  maxconn 4000" # sysbench opens at most 64; more would need a higher descriptor limit
  echo "defaults"
  echo "  mode tcp"
  echo "  timeout connect 5s"
  echo "  timeout client 1h"
  echo "  timeout server 1h"
  echo "listen slaves"
  echo "  bind 127.0.0.1:$1"
  echo "  balance roundrobin"
  for i in "${!SLAVE_PORTS[@]}"; do
    echo "  server slave-$i 127.0.0.1:${SLAVE_PORTS[$i]}"
  done
  if [[ -n ${2:-} ]]; then
    echo "listen master"
    echo "  bind 127.0.0.1:$2"
    echo "  server master 127.0.0.1:$MASTER_PORT"
  fi
}

allowed_cpus() { # the CPUs this shell may run on, one per line (its Cpus_allowed_list expanded)
  local range
  for range in $(sed -n 's/^Cpus_allowed_list:\s*//p' /proc/self/status | tr ',' ' '); do
    seq "${range%-*}" "${range#*-}"
  done
}

pin_event_loops() { # pid: binds a JVM hop's event-loop threads to the allowed CPUs, one per CPU in turn
  # Sluice's loops are "sluice-io-*" (its acceptor, an "epollEventLoop" thread, stays unbound);
  # the Netty relay's are "epollEventLoop*" (the kernel keeps 15 characters of a thread's name).
  local pattern='epollEventLoop*' task i=0 cpus
  mapfile -t cpus < <(allowed_cpus)
  grep -qs '^sluice-io-' /proc/"$1"/task/*/comm && pattern='sluice-io-*'
  for task in /proc/"$1"/task/*; do
    # shellcheck disable=SC2053 # the pattern is meant to match as a glob
    if [[ $(cat "$task/comm" 2>/dev/null) == $pattern ]]; then
      taskset -p -c "${cpus[i % ${#cpus[@]}]}" "${task##*/}" >/dev/null || echo "could not bind thread ${task##*/}" >&2
      i=$((i + 1))
    fi
  done
}

measured_run() { # port out seconds hop-pid slave-pids sysbench-args...: one sysbench run of SECONDS, writing its log to OUT
  # Prints "QPS hop slaves sysbench idle": the run's QPS, then the CPU (utime+stime from /proc)
  # per statement in µs of the hop process, of the slave mysqlds together and of sysbench, and
  # the machine's idle share in %, all over the middle of the run (from 2 s in to 2 s before the
  # end), so that connecting and disconnecting are left out.
  local port=$1 out=$2 seconds=$3 hop=$4 slaves=$5
  shift 5
  local window=$((seconds - 4)) hz cores
  ((window >= 1)) || { echo "measured_run: a run of $seconds s is too short to measure (at least 5)" >&2; return 1; }
  hz=$(getconf CLK_TCK); cores=$(nproc)
  sysbench "$@" --mysql-port="$port" --time="$seconds" run >"$out" 2>&1 &
  local sb=$! h0 m0 s0 i0 h1 m1 s1 i1
  sleep 2
  # shellcheck disable=SC2086 # slaves: several pids
  h0=$(cpu_ticks "$hop"); m0=$(cpu_ticks $slaves); s0=$(cpu_ticks $sb); i0=$(awk '/^cpu / {print $5}' /proc/stat)
  sleep "$window"
  # shellcheck disable=SC2086
  h1=$(cpu_ticks "$hop"); m1=$(cpu_ticks $slaves); s1=$(cpu_ticks $sb); i1=$(awk '/^cpu / {print $5}' /proc/stat)
  wait $sb || true
  local qps
  qps=$(sed -n 's/.*queries: .*(\([0-9.]*\) per sec.*/\1/p' "$out")
  local h m s
  h=$(ticks_between "$h0" "$h1"); m=$(ticks_between "$m0" "$m1"); s=$(ticks_between "$s0" "$s1")
  # sysbench gone before the window closed: the window did not cover the run (the script's reads
  # lagged behind it), so none of its CPU figures mean anything; the QPS is sysbench's own.
  [[ $s == - ]] && h=- && m=-
  awk -v q="${qps:-0}" -v h="$h" -v m="$m" -v s="$s" -v i=$((i1 - i0)) -v w="$window" -v hz="$hz" -v c="$cores" '
    function per_statement(t) { return t == "-" ? "-" : sprintf("%.1f", t * us) }
    BEGIN {
      us = q > 0 ? 1e6 / hz / (q * w) : 0
      printf "%.0f %s %s %s %.0f\n", q, per_statement(h), per_statement(m), per_statement(s), 100 * i / (w * hz * c) }'
}

median() { # values...: their median, ignoring '-' (a figure a run could not measure); '-' if none
  printf '%s\n' "$@" | grep -v '^-$' | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
