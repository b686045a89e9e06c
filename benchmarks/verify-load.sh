#!/usr/bin/env bash
# Load run of POST /api/v1/verify with wrk on loopback (Release build, SQLite, one node):
#   (b) distinct SM2 credentials  (c) distinct ES256 credentials  (d) one credential scanned repeatedly.
# The corpus of distinct credentials is larger than the requests sent, so the signature memo never hits
# in (b) and (c). Usage: bash benchmarks/verify-load.sh [seconds=10] [credentials=40000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-10}"; count="${2:-40000}"; port=5070
work=$(mktemp -d); node_pid=""
cleanup() { [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
dotnet build -c Release "$root/src/LicenceTrust.Cli" >/dev/null
dotnet build -c Release "$root/src/LicenceTrust.Server" >/dev/null
lt() { dotnet "$root/src/LicenceTrust.Cli/bin/Release/net10.0/licencetrust.dll" "$@"; }

db="$work/cq.db"
lt demo csv --province cq --type 营业执照 --count "$count" --out "$work/sm2.csv" >/dev/null
lt demo csv --province cq --type 专业技术资格证书 --count "$count" --out "$work/es256.csv" >/dev/null
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

dotnet "$root/src/LicenceTrust.Server/bin/Release/net10.0/LicenceTrust.Server.dll" --urls "http://127.0.0.1:$port" \
  --Node:Database="$db" --Node:KeysDirectory="$root/keys-sample" --Node:SeedDemo=false \
  --Node:AnonymousRateLimitPerSecond=100000 --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
node_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done

for name in one sm2 es256 one; do
  echo "== $name"
  BODIES="$work/$name.bodies" wrk -t2 -c32 -d"${seconds}s" --latency -s "$root/benchmarks/verify.lua" "http://127.0.0.1:$port" \
    | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
done
