#!/usr/bin/env bash
# Anonymous verification latency during a bounded staff sign-in flood (issue: sign-in abuse contained).
# Two Chongqing nodes on SQLite, started side by side from the same Release build:
#   "off": sign-in limits set out of reach (no per-IP sign-in bucket, no backoff, no lockout): every
#          flood attempt runs PBKDF2, as before the limits existed;
#   "on":  the defaults (60 sign-ins a minute per IP, bursts of 20; backoff after 3, lockout after 10).
# Each round measures, interleaved: verify alone at "off", verify alone at "on", verify during a flood
# at "off", verify during a flood at "on". Verify is paced (a constant 180 requests/s over 2
# connections, verify.lua's schedule, of one credential, the counter's rhythm, not a saturation test). Two floods, each 8 parallel
# connections of wrong passwords under new user names for the same number of seconds, stopping by
# themselves: "paced", each connection pausing 200 ms (about 40 attempts/s offered, twice the flood of the
# report), and "full", as fast as wrk can send. (load-common.sh lifts the general per-IP limit, so only the
# sign-in limits act here.)
# Usage: bash benchmarks/signin-flood.sh [seconds=10] [rounds=3]
set -euo pipefail
seconds="${1:-10}"; rounds="${2:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"

lt demo csv --from 1 --province cq --type 营业执照 --count 10 --out "$work/one.csv" >/dev/null
for side in off on; do
  lt issue batch "$work/one.csv" --sqlite "$work/$side.db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" >/dev/null 2>&1
done
python3 - "$work" <<'PY'
import json, sqlite3, sys
work = sys.argv[1]
qr = sqlite3.connect(f"{work}/on.db").execute("SELECT qr_text FROM licences LIMIT 1").fetchone()[0]
open(f"{work}/one.bodies", "w").write(json.dumps({"qrText": qr}) + "\n")
PY

start_node 5081 "$work/off.db" --Node:SignInPerMinute=1000000 --Node:SignInBurst=1000000 --Node:SignInFreeFailures=1000000 --Node:SignInLockoutAfter=1000000
start_node 5082 "$work/on.db"
port_of() { [ "$1" = off ] && echo 5081 || echo 5082; }

verify() { # label side
  BODIES="$work/one.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD=180 wrk -t1 -c2 -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" \
    "http://127.0.0.1:$(port_of "$2")" > "$work/$1.out"
  awk -v label="$1" '/ 50%/ {p50=$2} / 99%/ {p99=$2} /Requests\/sec/ {rps=$2} END {printf "%-22s verify p50 %8s  p99 %8s  %s req/s\n", label, p50, p99, rps}' "$work/$1.out"
}
flood() { # side pause-ms
  DELAY_MS="$2" wrk -t2 -c8 -d"${seconds}s" -s "$root/benchmarks/signin.lua" "http://127.0.0.1:$(port_of "$1")" > "$work/flood-$1.out"
}

# Warm-up (JIT, the status list in memory), not reported.
for side in off on; do
  BODIES="$work/one.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD=0 wrk -t1 -c2 -d3s -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$(port_of $side)" >/dev/null
done
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  verify "r$round-quiet-off" off
  verify "r$round-quiet-on" on
  for kind in paced:200 full:0; do
    for side in off on; do
      flood "$side" "${kind#*:}" & flood_pid=$!
      verify "r$round-${kind%%:*}-flood-$side" "$side"
      wait "$flood_pid"
      grep -E "flood attempts" "$work/flood-$side.out" | sed "s/^/    /"
    done
  done
done
