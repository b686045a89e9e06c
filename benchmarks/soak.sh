#!/usr/bin/env bash
# Soak run (issue 7): mixed load on one Chongqing node (Release, SQLite) — verify 90 %, issue 8 %,
# revoke 2 % — first unpaced for 20 s to find the maximum, then 20 s paced to learn how long a request
# itself takes, then paced at about 70 % of the maximum for the given time, sampling the node's memory
# (RSS) every 30 s. Prints errors (non-2xx, socket errors).
# Usage: bash benchmarks/soak.sh [seconds=600]
set -euo pipefail
seconds="${1:-600}"; port=5071
source "$(dirname "${BASH_SOURCE[0]}")/load-common.sh"

db="$work/cq.db"
lt demo csv --from 1 --province cq --type 营业执照 --count 60000 --out "$work/corpus.csv" >/dev/null
lt issue batch "$work/corpus.csv" --sqlite "$db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
key=$(lt apikey create --role authority --name soak --authority 11500000MB1A00011N --sqlite "$db" 2>/dev/null)
python3 - "$db" "$work" <<'PY'
import json, sqlite3, sys
db, work = sys.argv[1], sys.argv[2]
rows = sqlite3.connect(db).execute("SELECT identifier, qr_text, licence_json FROM licences ORDER BY identifier").fetchall()
with open(f"{work}/verify.bodies", "w") as f:
    for _, qr, _ in rows[:40000]:
        f.write(json.dumps({"qrText": qr}) + "\n")
# Separate licences to revoke in the maximum run, the calibration and the soak, each revoked once.
for name, part in (("max", rows[40000:43000]), ("calibration", rows[43000:46000]), ("soak", rows[46000:])):
    with open(f"{work}/revoke-{name}.ids", "w") as f:
        for identifier, _, _ in part:
            f.write(identifier + "\n")
licence = json.loads(rows[0][2])
issue = {"typeCode": licence["typeCode"], "number": licence["number"], "holder": {"name": licence["holder"]["name"], "codeType": licence["holder"]["codeType"], "code": licence["holder"]["code"]},
         "areaCode": licence["areaCode"], "validFrom": licence["validFrom"], "validTo": licence["validTo"], "attributes": licence["attributes"]}
open(f"{work}/issue.json", "w").write(json.dumps(issue, ensure_ascii=False))
PY

start_node "$port" "$db"

soak() { # seconds delay-ms connections revoke-list
  BODIES="$work/verify.bodies" REVOKE="$work/revoke-$4.ids" ISSUE="$work/issue.json" KEY="$key" DELAY_MS="$2" \
    wrk -t2 -c"$3" -d"$1s" --latency -s "$root/benchmarks/soak.lua" "http://127.0.0.1:$port"
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$node_pid/status"; }

echo "== maximum (20 s, unpaced)"
soak 20 0 32 max | tee "$work/max.out" | grep -E "Requests/sec|99%|Non-2xx|Socket errors"
max=$(awk '/Requests\/sec/ {print int($2)}' "$work/max.out")
# A connection's cycle is its pause plus the request's own time: 20 s at the naive pause measure the
# latter, and the pause is cut by it so that 16 connections offer 70 % of the maximum.
target=$(awk -v m="$max" 'BEGIN {print 16 * 1000 / (m * 0.7)}')
naive=$(awk -v t="$target" 'BEGIN {p = int(t + 0.5); print (p < 1 ? 1 : p)}')
echo "== calibration (20 s, ${naive} ms pause)"
soak 20 "$naive" 16 calibration | tee "$work/calibration.out" | grep -E "Requests/sec|Non-2xx|Socket errors"
achieved=$(awk '/Requests\/sec/ {print $2}' "$work/calibration.out")
pause=$(awk -v t="$target" -v n="$naive" -v a="$achieved" 'BEGIN {p = int(t - (16 * 1000 / a - n) + 0.5); print (p < 1 ? 1 : p)}')
echo "== soak: ${seconds} s at about 70 % of ${max}/s (16 connections, ${pause} ms pause); RSS in KiB every 30 s"
echo "t=0 rss=$(rss)"
( for t in $(seq 30 30 "$seconds"); do sleep 30; echo "t=$t rss=$(rss)"; done ) &
sampler=$!
soak "$seconds" "$pause" 16 soak | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors|requests in"
wait "$sampler" 2>/dev/null || true
echo "licences (all, revoked) now: $(python3 -c "import sqlite3; print(sqlite3.connect('$db').execute('SELECT COUNT(*), SUM(status=2) FROM licences').fetchone())")"
