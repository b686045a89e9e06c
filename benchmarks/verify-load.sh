#!/usr/bin/env bash
# Load run of POST /api/v1/verify with wrk on loopback (Release build, SQLite, one node), all in one run:
#   (a) the bare baseline: /bench/sm2-verify reads the same JSON and does one SM2 verify of the same bytes
#   (b) distinct SM2 credentials  (c) distinct ES256 credentials  (d) one credential scanned repeatedly
#   then (b) and (d) again paced at about half of their maximum, for the latency at half load.
# The corpus of distinct credentials is larger than the requests sent (and each wrk thread walks its own
# half), so the signature memo never hits in (b) and (c); the warm-up uses other bodies.
# Usage: bash benchmarks/verify-load.sh [seconds=10] [SM2 credentials=100000] (ES256: 1.5 times as many)
set -euo pipefail
seconds="${1:-10}"; count="${2:-100000}"; port=5070
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"

db="$work/cq.db"
lt demo csv --province cq --type 营业执照 --count "$count" --out "$work/sm2.csv" >/dev/null
lt demo csv --province cq --type 专业技术资格证书 --count "$(( count * 3 / 2 ))" --out "$work/es256.csv" >/dev/null
lt issue batch "$work/sm2.csv" --sqlite "$db" --authority 11500000MB1A00011N --keys "$root/keys-sample" 2>/dev/null
lt issue batch "$work/es256.csv" --sqlite "$db" --authority 11500000MB1A00033Y --keys "$root/keys-sample" 2>/dev/null
python3 - "$db" "$work" <<'PY'
import json, sqlite3, sys
db, work = sys.argv[1], sys.argv[2]
rows = sqlite3.connect(db).execute("SELECT authority_code, qr_text FROM licences").fetchall()
for name, code in (("sm2", "11500000MB1A00011N"), ("es256", "11500000MB1A00033Y")):
    with open(f"{work}/{name}.bodies", "w") as f:
        for authority, qr in rows:
            if authority == code:
                f.write(json.dumps({"qrText": qr}) + "\n")
with open(f"{work}/one.bodies", "w") as f:
    f.write(json.dumps({"qrText": rows[0][1]}) + "\n")
PY

start_node "$port" "$db" --Node:BenchmarkEndpoints=true

run() { # label bodies path delay-ms connections
  echo "== $1"
  BODIES="$work/$2.bodies" VERIFY_PATH="$3" DELAY_MS="$4" wrk -t2 -c"$5" -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port" \
    | tee "$work/$1.out" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
}
rate() { awk '/Requests\/sec/ {print int($2)}' "$work/$1.out"; }

# Warm-up of every path (JIT, connection pools, the status lists in memory), not reported.
for warm in one:/api/v1/verify sm2:/bench/sm2-verify; do
  BODIES="$work/${warm%%:*}.bodies" VERIFY_PATH="${warm#*:}" DELAY_MS=0 wrk -t2 -c32 -d3s -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port" >/dev/null
done
run a-bare-sm2 sm2 /bench/sm2-verify 0 32
run b-distinct-sm2 sm2 /api/v1/verify 0 32
run c-distinct-es256 es256 /api/v1/verify 0 32
run d-repeated one /api/v1/verify 0 32
echo "(b)/(a) = $(( 100 * $(rate b-distinct-sm2) / $(rate a-bare-sm2) )) %"
# Half load: 16 connections, each pausing so that together they offer about half the maximum.
for case in b-distinct-sm2:sm2 d-repeated:one; do
  name="${case%%:*}"; bodies="${case##*:}"
  pause=$(( 16 * 1000 * 2 / $(rate "$name") - 1 )); [ "$pause" -lt 1 ] && pause=1   # minus ~1 ms of service time
  echo "offering about $(( $(rate "$name") / 2 )) requests/s (16 connections, ${pause} ms pause each):"
  run "$name-half-load" "$bodies" /api/v1/verify "$pause" 16
done
