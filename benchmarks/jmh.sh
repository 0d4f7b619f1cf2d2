#!/usr/bin/env bash
# Runs every JMH microbenchmark briefly (a few minutes in all) with allocation per operation.
# Extra arguments go to JMH, e.g. `benchmarks/jmh.sh RowForwarding` or `benchmarks/jmh.sh -rf json`.
# The runs are short on purpose: good enough to compare, not to publish to the nanosecond.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
if [[ ! -f $jar ]]; then
  mvn -q -B -o -pl benchmarks package
fi
exec java -jar "$jar" -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc "$@"
