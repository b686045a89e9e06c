#!/usr/bin/env bash
# Verification throughput at scale (issue 15): case (b) of verify-load.sh (distinct SM2 credentials,
# never sent before, wrk -t2 -c32) against a node holding 100,000 licences and one holding 10,000,000,
# interleaved over rounds. Uses the databases benchmarks/status-scale.sh wrote (run it first), copies
# them, and issues real credentials into each copy (the scale rows carry none).
# Usage: bash benchmarks/scale-verify.sh [seconds=4] [rounds=3]
set -euo pipefail
seconds="${1:-4}"; rounds="${2:-3}"; count=$(( seconds * 9000 ))
scale=${LT_SCALE_DIR:-/tmp/lt-scale}
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"
sizes=(100000 10000000)
for n in "${sizes[@]}"; do
  [ -f "$scale/cq-$n.db" ] || { echo "run benchmarks/status-scale.sh ${sizes[*]} first" >&2; exit 1; }
done

lt demo csv --from 1 --province cq --type 营业执照 --count $(( count * (rounds + 1) )) --out "$work/sm2.csv" >/dev/null
port=5090
for n in "${sizes[@]}"; do
  cp "$scale/cq-$n.db" "$work/$n.db"
  lt issue batch "$work/sm2.csv" --sqlite "$work/$n.db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
  python3 - "$work/$n.db" "$work" "$count" "$n" <<'PY'
import json, sqlite3, sys
db, work, count, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
texts = [r[0] for r in sqlite3.connect(db).execute("SELECT qr_text FROM licences WHERE qr_text <> '' ORDER BY issued_at, identifier")]
for segment in range(len(texts) // count):
    with open(f"{work}/{n}-{segment}.bodies", "w") as f:
        f.writelines(json.dumps({"qrText": qr}) + "\n" for qr in texts[segment * count:(segment + 1) * count])
PY
  start_node "$port" "$work/$n.db"
  BODIES="$work/$n-0.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD=0 wrk -t2 -c32 -d3s -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port" >/dev/null
  port=$(( port + 1 ))
done

for round in $(seq "$rounds"); do
  port=5090
  for n in "${sizes[@]}"; do
    out=$(BODIES="$work/$n-$round.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD=0 wrk -t2 -c32 -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port")
    echo "round $round, $n licences: $(awk '/Requests\/sec/ {printf "%d requests/s", $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out"), $(awk '/requests in/ {print $1}' <<<"$out") sent of $count"
    port=$(( port + 1 ))
  done
done
