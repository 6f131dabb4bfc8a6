#!/usr/bin/env bash
# npm test several times in a row (5 unless RUNS says otherwise) while two busy loops keep both cores of a 2-core
# machine busy: a test that depends on how fast the machine is fails here. Prints each run's outcome and time, then
# N/RUNS passed; exits non-zero unless every run passed. The busy loops are stopped however the script ends.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
LOGS="$(mktemp -d -t tap-bookings-stress-XXXXXX)"

busy=()
stop_busy() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${busy[@]}" 2>/dev/null
  busy=()
}
trap stop_busy EXIT
trap 'stop_busy; exit 130' INT TERM

for _ in 1 2; do
  node -e 'for(;;){}' &
  busy+=("$!")
done
echo "busy loops: ${busy[*]}; logs in $LOGS" >&2

passed=0
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  if npm test >"$LOGS/run-$run.log" 2>&1; then outcome=passed; passed=$((passed + 1)); else outcome=FAILED; fi
  seconds=$((($(date +%s%N) - start) / 1000000000))
  printf 'run %d/%d: %s in %d s (load average %s)\n' "$run" "$RUNS" "$outcome" "$seconds" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$outcome" = FAILED ]; then grep -E '^\s+● |^Tests:' "$LOGS/run-$run.log" | head -20; fi
done
echo "$passed/$RUNS passed"
[ "$passed" -eq "$RUNS" ]
