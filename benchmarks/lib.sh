# Shared by benchmarks/e2e.sh and benchmarks/hops.sh (sourced, not run).

cpu_ticks() { # pid...: utime + stime summed over the processes, in clock ticks (fields 14 and 15 after the "(comm)")
  local p total=0
  for p in "$@"; do
    total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
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
