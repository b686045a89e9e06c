#!/usr/bin/env bash
# Start-up time and memory of a Chongqing node holding N licences (issue 15; docs/performance-history.md,
# "Start-up at scale"). For each N, once: a fresh SQLite database, migrated by the CLI, with N minimal
# licence rows written straight in (benchmarks/status-scale-rows.py). Then, in interleaved rounds:
# start the node, time it to /health/ready (every status list is in memory before it listens), read
# its RSS and its "Status lists in memory" log line, stop it.
#   bash benchmarks/status-scale.sh 100000 1000000 10000000
# Databases are kept in $LT_SCALE_DIR (default /tmp/lt-scale) for reruns; 10,000,000 rows take about
# 2 GB and a few minutes to write.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${LT_SCALE_ROUNDS:-3}
work=${LT_SCALE_DIR:-/tmp/lt-scale}
mkdir -p "$work"
dotnet build -c Release LicenceTrust.sln -v q -nologo >/dev/null
cli=src/LicenceTrust.Cli/bin/Release/net10.0/licencetrust.dll
server=src/LicenceTrust.Server/bin/Release/net10.0/LicenceTrust.Server.dll

for n in "$@"; do
  if [ ! -f "$work/cq-$n.db" ]; then
    dotnet "$cli" db migrate --sqlite "$work/cq-$n.db.tmp" >/dev/null
    python3 benchmarks/status-scale-rows.py "$work/cq-$n.db.tmp" "$n"
    mv "$work/cq-$n.db.tmp" "$work/cq-$n.db"
  fi
done

port=5091
for round in $(seq "$rounds"); do
  for n in "$@"; do
    log="$work/node-$n.log"
    start=$(date +%s%N)
    dotnet "$server" --urls="http://127.0.0.1:$port" --Node:Database="$work/cq-$n.db" --Node:KeysDirectory=keys-sample \
      --Node:AllowPlaintextKeys=true --Logging:LogLevel:Default=Information >"$log" 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
      kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
      sleep 0.05
    done
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    rss_mb=$(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))
    loaded=$(grep -o 'Status lists in memory: [^,]*, [^,]*, in [0-9]* ms' "$log" | head -1)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "round $round, $n licences: ready in $ready_ms ms, RSS $rss_mb MB ($loaded)"
  done
done
