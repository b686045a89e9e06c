#!/usr/bin/env bash
# GC settings for a small box (issue 15, item 3; docs/performance.md): the same load, case (b) of
# verify-load.sh (distinct SM2 credentials, wrk -t2 -c32), against nodes that differ only in their GC
# setting, each on its own copy of one database, interleaved over rounds, each run on never-sent
# credentials (the signature memo's hit counter is printed, and must be 0). Reports requests/s, p50,
# p99, gen-0 collections per second and the share of time in GC pauses (from the runtime's own meter
# on /metrics).
# Usage: bash benchmarks/gc-compare.sh [seconds=5] [rounds=3] [rate-per-wrk-thread=0]
#   A rate > 0 sends at that constant rate per wrk thread (verify.lua's schedule): the half-load latency.
#   GC_SETTINGS="name:ENV=value ENV=value;name:…" replaces the settings compared.
set -euo pipefail
seconds="${1:-5}"; rounds="${2:-3}"; rate="${3:-0}"
count=$(( rate > 0 ? seconds * rate * 2 + 2000 : seconds * 9000 ))
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"
# Each setting as NODE_ENV for start_node, which sets the shipped 64 MB gen-0 budget first (0 = the runtime's own).
configs=("default:DOTNET_GCgen0size=0" "gen0-64MB:DOTNET_GCgen0size=0x4000000" "no-DATAS:DOTNET_GCgen0size=0 DOTNET_GCDynamicAdaptationMode=0" "workstation:DOTNET_gcServer=0 DOTNET_GCgen0size=0")
if [ -n "${GC_SETTINGS:-}" ]; then IFS=';' read -r -a configs <<<"$GC_SETTINGS"; fi

db="$work/cq.db"
segments=$(( ${#configs[@]} * rounds + 1 ))
lt demo csv --from 1 --province cq --type 营业执照 --count $(( count * segments )) --out "$work/sm2.csv" >/dev/null
lt issue batch "$work/sm2.csv" --sqlite "$db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
python3 - "$db" "$work" "$count" <<'PY'
import json, sqlite3, sys
db, work, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [r[0] for r in sqlite3.connect(db).execute("SELECT qr_text FROM licences ORDER BY rowid")]
for segment in range(len(texts) // count):
    with open(f"{work}/sm2-{segment}.bodies", "w") as f:
        f.writelines(json.dumps({"qrText": qr}) + "\n" for qr in texts[segment * count:(segment + 1) * count])
PY

port=5080
for config in "${configs[@]}"; do
  name="${config%%:*}"
  cp "$db" "$work/$name.db"
  NODE_ENV="${config#*:}" start_node "$port" "$work/$name.db" --Node:BenchmarkEndpoints=true
  # Warm-up (JIT, pools) on segment 0, not reported.
  BODIES="$work/sm2-0.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD=0 wrk -t2 -c32 -d3s -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port" >/dev/null
  port=$(( port + 1 ))
done

metric() { curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '!found && $1 ~ m {v = $2; found = 1} END {print v}'; }
hits() { curl -sf "http://127.0.0.1:$1/bench/memo-hits"; }
segment=1
for round in $(seq "$rounds"); do
  port=5080
  for config in "${configs[@]}"; do
    name="${config%%:*}"
    # Only the node measured runs: the others are stopped (SIGSTOP) meanwhile, so four resident nodes'
    # timers and collections do not share the two cores with it.
    for i in "${!node_pids[@]}"; do [ "$i" -eq $(( port - 5080 )) ] || kill -STOP "${node_pids[$i]}"; done
    gen0=$(metric "$port" 'dotnet_gc_collections_total.*gen0'); pause=$(metric "$port" '^dotnet_gc_pause_time_seconds_total'); hits0=$(hits "$port")
    out=$(BODIES="$work/sm2-$segment.bodies" VERIFY_PATH=/api/v1/verify RATE_PER_THREAD="$rate" wrk -t2 -c32 -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port")
    gen0_after=$(metric "$port" 'dotnet_gc_collections_total.*gen0'); pause_after=$(metric "$port" '^dotnet_gc_pause_time_seconds_total'); hits1=$(hits "$port")
    rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$out"); p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    awk -v r="$round" -v n="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v g0="$gen0" -v g1="$gen0_after" -v p0="$pause" -v p1="$pause_after" -v s="$seconds" -v h="$(( hits1 - hits0 ))" \
      'BEGIN {printf "round %s, %-18s %6d requests/s, p50 %s, p99 %s, gen-0 %.0f/s, GC pauses %.1f %% of the time, memo hits %d\n", r, n ":", rps, p50, p99, (g1 - g0) / s, 100 * (p1 - p0) / s, h}'
    for i in "${!node_pids[@]}"; do kill -CONT "${node_pids[$i]}"; done
    segment=$(( segment + 1 )); port=$(( port + 1 ))
  done
done
