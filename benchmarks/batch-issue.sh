#!/usr/bin/env bash
# Batch issue of N SM2 licences on SQLite and on PostgreSQL, with the raw SM2 sign rate measured in
# the same run. Numbers go to docs/performance.md.   bash benchmarks/batch-issue.sh [N=100000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-100000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release "$root/src/LicenceTrust.Cli" >/dev/null
# The node's GC setting (docs/performance-history.md, "GC settings"): each licence's BouncyCastle signature
# allocates about 117 KB, and the runtime reads the gen-0 budget only from the environment.
lt() { DOTNET_GCgen0size=0x4000000 dotnet "$root/src/LicenceTrust.Cli/bin/Release/net10.0/licencetrust.dll" "$@"; }

lt demo csv --from 1 --province cq --count "$count" --out "$work/rows.csv"
lt bench sign --seconds 5
echo "SQLite:";     lt issue batch "$work/rows.csv" --sqlite "$work/node.db" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
pg=$(bash "$root/scripts/postgres.sh" start)
db="lt_bench_$$"
psql "host=127.0.0.1 port=54329 user=postgres dbname=postgres" -qc "CREATE DATABASE $db" >/dev/null
echo "PostgreSQL:"; lt issue batch "$work/rows.csv" --postgres "${pg/Database=postgres/Database=$db}" --authority 11500000MB1A00011N --keys "$root/keys-sample" --settings "$root/benchmarks/no-approval.json" 2>/dev/null
psql "host=127.0.0.1 port=54329 user=postgres dbname=postgres" -qc "DROP DATABASE $db" >/dev/null
lt bench sign --seconds 5
