#!/usr/bin/env bash
# What target-postgres costs by itself, by kind of input: the same records as Singer RECORD lines (with each
# target setting) or as Singer SDK BATCH messages (jsonl.gz files), with no tap running. An experiment for
# BENCHMARKS.md ("The real pipeline"), not part of `npm run bench`; tap-bookings has no BATCH mode.
#
#   bash bench/experiments/target-postgres-input.sh [RECORDS (20000)] [BATCH_ROWS (10000)]
#
# Needs `npm run build`, scripts/interop-setup.sh (.venv/target-postgres, PostgreSQL in .interop/pg.env),
# GNU time and jq. Prints one line per run: input, settings, wall s, CPU s, peak RSS MB, rows loaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
N=${1:-20000}
BATCH_ROWS=${2:-10000}
TARGET=${VENVS:-$ROOT/.venv}/target-postgres/bin/target-postgres
set -a; . .interop/pg.env; set +a
WORK=$(mktemp -d)
SANDBOX_PID=
cleanup() { [ -z "$SANDBOX_PID" ] || kill "$SANDBOX_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

node bin/tap-bookings.js sandbox --port 0 --records "$N" --seed 42 --booking-types FLIGHT,HOTEL --config-out "$WORK/tap.json" >/dev/null 2>"$WORK/sandbox.log" &
SANDBOX_PID=$!
for _ in $(seq 100); do [ -s "$WORK/tap.json" ] && break; sleep 0.1; done
# The tap's output once: SCHEMA, RECORD and STATE lines.
node bin/tap-bookings.js --config "$WORK/tap.json" > "$WORK/singer.jsonl" 2>/dev/null
# The same records as BATCH files: the RECORD lines' records, BATCH_ROWS per jsonl.gz file, then one BATCH
# message per file in place of the RECORD lines (the SCHEMA first, the last STATE at the end).
grep -m1 '"type":"SCHEMA"' "$WORK/singer.jsonl" > "$WORK/batch.jsonl"
grep '"type":"RECORD"' "$WORK/singer.jsonl" | jq -c .record | split -l "$BATCH_ROWS" -d -a 4 - "$WORK/part-"
for part in "$WORK"/part-*; do
  gzip -1 "$part"; mv "$part.gz" "$part.jsonl.gz"
  printf '{"type":"BATCH","stream":"bookings","encoding":{"format":"jsonl","compression":"gzip"},"manifest":["file://%s"]}\n' "$part.jsonl.gz" >> "$WORK/batch.jsonl"
done
grep '"type":"STATE"' "$WORK/singer.jsonl" | tail -1 >> "$WORK/batch.jsonl"

run() { # input settings-json
  local input=$1 settings=$2 schema="bench_target_input_$$"
  psql -X -q -c "drop schema if exists $schema cascade" >/dev/null 2>&1
  jq -n --argjson s "$settings" --arg schema "$schema" \
    '{host: env.PGHOST, port: (env.PGPORT|tonumber), user: env.PGUSER, password: env.PGPASSWORD, database: env.PGDATABASE, default_target_schema: $schema} + $s' > "$WORK/target.json"
  /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$TARGET" --config "$WORK/target.json" < "$WORK/$input.jsonl" > /dev/null 2> "$WORK/target.log" \
    || { tail -20 "$WORK/target.log" >&2; return 1; }
  read -r wall user sys rss < <(tail -1 "$WORK/time")
  printf '%-7s %-95s wall %6.2f s  CPU %6.2f s  peak RSS %5.0f MB  rows %s  load %s\n' "$input" "$settings" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" \
    "$(psql -X -At -c "select count(distinct uuid) from $schema.bookings")" "$(cut -d' ' -f1 /proc/loadavg)"
  psql -X -q -c "drop schema if exists $schema cascade" >/dev/null 2>&1
}

echo "target-postgres alone, $N records ($(grep -c '"type":"RECORD"' "$WORK/singer.jsonl") RECORD lines; BATCH: $(ls "$WORK"/part-*.jsonl.gz | wc -l) files of up to $BATCH_ROWS)"
run singer '{}'
run singer '{"validate_records": false}'
run singer '{"use_copy": true}'
run singer '{"batch_size_rows": 100000}'
run singer '{"add_record_metadata": false, "activate_version": false}'
run singer '{"validate_records": false, "use_copy": true}'
run singer '{"validate_records": false, "use_copy": true, "batch_size_rows": 100000, "add_record_metadata": false, "activate_version": false}'
run batch '{}'
run batch '{"use_copy": true}'
run batch '{"use_copy": true, "add_record_metadata": false, "activate_version": false}'
