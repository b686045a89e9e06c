#!/usr/bin/env bash
# Load run of POST /api/v1/verify with wrk on loopback (Release build, SQLite, one Chongqing node), all
# cases in one run, interleaved over rounds (issue 15; docs/performance.md):
#   (a)  baseline: /bench/verify-signature reads the same JSON body, reads the same SM2 credential and
#        checks its own signature (Sig_structure) with its issuer key, and answers a body of the same
#        size as /verify's; (a-es) the same for ES256 credentials
#   (b)  /api/v1/verify, distinct SM2 credentials; (c) distinct ES256 credentials
#   (d)  one credential scanned repeatedly; (h) the trivial endpoint /health/live, for (d)'s ratio
#   then (b) and (d) at a constant rate of half their maximum (verify.lua's schedule), for the latency at
#   half load. Each case also prints the bytes the node allocated per request (the runtime's counter on
#   /metrics, dotnet.gc.heap.total_allocated, the one dotnet-counters shows).
# Every (b) and (c) run, paced ones included, gets credentials never sent before (its own segment of
# the corpus, each wrk thread on its own half), and the script proves it with the signature memo's hit
# counter (/bench/memo-hits). Every status list is in memory before the node reports ready.
# Usage: bash benchmarks/verify-load.sh [seconds=10] [rounds=3] [SM2 credentials per run=seconds*12500]
#        (ES256: twice as many per run). Issuing the corpus takes a few minutes. The demo CSV holds at
#        most 1,000,000 rows, so 2 × count × (rounds + 1) must stay within it: for longer runs, shorten
#        them (e.g. 5 3 75000) rather than raise the count.
set -euo pipefail
seconds="${1:-10}"; rounds="${2:-3}"; count="${3:-$(( seconds * 12500 ))}"; port=5070
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"

db="$work/cq.db"
sm2_runs=$(( 2 * rounds + 1 )); es_runs=$(( rounds + 1 ))   # + one segment each for the warm-up
lt demo csv --from 1 --province cq --type 营业执照 --count $(( count * sm2_runs )) --out "$work/sm2.csv" >/dev/null
lt demo csv --from 1 --province cq --type 专业技术资格证书 --count $(( 2 * count * es_runs )) --out "$work/es256.csv" >/dev/null
lt issue batch "$work/sm2.csv" --sqlite "$db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
lt issue batch "$work/es256.csv" --sqlite "$db" --authority 11500000MB1A00033Y --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
python3 - "$db" "$work" "$count" <<'PY'
import json, sqlite3, sys
db, work, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = sqlite3.connect(db).execute("SELECT authority_code, qr_text FROM licences ORDER BY rowid").fetchall()
for name, code, size in (("sm2", "11500000MB1A00011N", count), ("es256", "11500000MB1A00033Y", 2 * count)):
    texts = [qr for authority, qr in rows if authority == code]
    for segment in range(len(texts) // size):
        with open(f"{work}/{name}-{segment}.bodies", "w") as f:
            for qr in texts[segment * size:(segment + 1) * size]:
                f.write(json.dumps({"qrText": qr}) + "\n")
with open(f"{work}/one.bodies", "w") as f:
    f.write(json.dumps({"qrText": rows[0][1]}) + "\n")
PY

start_node "$port" "$db" --Node:BenchmarkEndpoints=true
url="http://127.0.0.1:$port"
size_of() { curl -s -o /dev/null -w '%{size_download}' -H 'Content-Type: application/json' --data-binary @<(head -1 "$1") "$url/api/v1/verify"; }
sm2_bytes=$(size_of "$work/sm2-0.bodies"); es_bytes=$(size_of "$work/es256-0.bodies")
echo "answers of /verify: SM2 $sm2_bytes bytes, ES256 $es_bytes bytes (the baseline answers as many)"
hits() { curl -sf "$url/bench/memo-hits"; }

allocated() { sleep 0.5; curl -sf "$url/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes/ {printf "%.0f", $2}'; }

run() { # label bodies path rate-per-thread(0: as fast as it goes) connections [distinct]
  local before; before=$(hits)
  local bytes; bytes=$(allocated)
  BODIES="$work/$2.bodies" VERIFY_PATH="$3" RATE_PER_THREAD="$4" wrk -t2 -c"$5" -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" "$url" > "$work/$1.out"
  bytes=$(( $(allocated) - bytes ))
  local line; line="$1: $(awk '/Requests\/sec/ {printf "%d requests/s", $2}' "$work/$1.out"), p50 $(awk '$1=="50%" {print $2}' "$work/$1.out"), p99 $(awk '$1=="99%" {print $2}' "$work/$1.out"), $(( bytes / $(awk '/requests in/ {print $1}' "$work/$1.out") / 1024 )) KB allocated per request"
  grep -q "Non-2xx" "$work/$1.out" && line="$line, $(grep -o 'Non-2xx[^\n]*' "$work/$1.out")"
  if [ "${6:-}" = distinct ]; then
    # Two proofs: the memo answered nothing, and fewer requests were sent than the segment holds (the
    # memo starts again empty when full, so its counter alone could miss a repeat).
    local reused=$(( $(hits) - before )) sent; sent=$(awk '/requests in/ {print $1}' "$work/$1.out")
    line="$line, $sent sent of $(wc -l < "$work/$2.bodies"), memo hits $reused"
    if [ "$reused" -ne 0 ] || [ "$sent" -gt $(( $(wc -l < "$work/$2.bodies") * 95 / 100 )) ]; then
      line="$line (NOT DISTINCT: the segment is too small for the rate; raise the third argument)"
    fi
  fi
  echo "$line"
}
rate() { awk '/Requests\/sec/ {print int($2)}' "$work/$1.out"; }

# Warm-up of every path (JIT, connection pools), on segment 0, not reported.
for warm in "sm2-0:/api/v1/verify" "es256-0:/api/v1/verify" "sm2-0:/bench/verify-signature?bytes=$sm2_bytes" "one:/api/v1/verify" "one:/health/live"; do
  BODIES="$work/${warm%%:*}.bodies" VERIFY_PATH="${warm#*:}" RATE_PER_THREAD=0 wrk -t2 -c32 -d3s -s "$root/benchmarks/verify.lua" "$url" >/dev/null
done

for round in $(seq "$rounds"); do
  echo "== round $round"
  b=$(( 2 * round - 1 )); half=$(( 2 * round ))
  run "a-$round" "sm2-$b" "/bench/verify-signature?bytes=$sm2_bytes" 0 32
  run "b-$round" "sm2-$b" /api/v1/verify 0 32 distinct
  run "a-es-$round" "es256-$round" "/bench/verify-signature?bytes=$es_bytes" 0 32
  run "c-$round" "es256-$round" /api/v1/verify 0 32 distinct
  run "h-$round" one /health/live 0 32
  run "d-$round" one /api/v1/verify 0 32
  # Half load: a constant rate of half this round's maximum, over both wrk threads; 32 connections, so
  # a request is never sent late because every connection is busy.
  run "b-half-$round" "sm2-$half" /api/v1/verify $(( $(rate "b-$round") / 4 )) 32 distinct
  run "d-half-$round" one /api/v1/verify $(( $(rate "d-$round") / 4 )) 32
  echo "(b)/(a) = $(( 100 * $(rate "b-$round") / $(rate "a-$round") )) %, (c)/(a-es) = $(( 100 * $(rate "c-$round") / $(rate "a-es-$round") )) %, (d)/(h) = $(( 100 * $(rate "d-$round") / $(rate "h-$round") )) %"
done
