#!/usr/bin/env bash
# Runs every fuzz target for $1 seconds (default 600), one after another, and prints the
# executions libFuzzer reports. Usage: fuzz/run-all.sh [seconds]
set -u
cd "$(dirname "$0")"
secs=${1:-600}
for t in cue tocfile playlist cdtext sense mmc_responses; do
  mkdir -p corpus/$t
  cargo fuzz run "$t" --sanitizer none -- -max_total_time="$secs" -print_final_stats=1 >"log-$t.txt" 2>&1
  echo "$t: exit $? $(grep -E 'stat::number_of_executed_units' "log-$t.txt" | tail -1)"
done
