#!/usr/bin/env bash
# What one node process start costs (docs/performance-history.md, "The test suite's time"): the CPU seconds
# (user + system, from /proc) a Chongqing node on SQLite with the sample keys spends until /health/live answers
# and 20 trust-list reads after, as the test suite builds it and published ReadyToRun, interleaved, 3 rounds.
#   bash benchmarks/node-start.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dotnet build -c Release LicenceTrust.sln -v q -nologo >/dev/null
r2r=$(mktemp -d)
trap 'rm -rf "$r2r"' EXIT
dotnet publish src/LicenceTrust.Server -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$r2r" -nologo -v quiet >/dev/null

one() { # label, server dll
  local work port pid started live
  work=$(mktemp -d); cp -r keys-sample "$work/keys"
  port=$((20000 + RANDOM % 20000))
  dotnet "$2" --urls="http://127.0.0.1:$port" --Node:Database="$work/n.db" --Node:KeysDirectory="$work/keys" \
    --Node:AllowPlaintextKeys=true --Node:Province=cq --Node:PublicBaseUrl="http://127.0.0.1:$port" >"$work/log" 2>&1 &
  pid=$!
  started=$(date +%s.%N)
  until curl -sf "http://127.0.0.1:$port/health/live" >/dev/null; do
    sleep 0.05
    kill -0 "$pid" 2>/dev/null || { echo "$1: the node exited"; tail -5 "$work/log"; exit 1; }
  done
  live=$(date +%s.%N)
  for _ in $(seq 20); do curl -s "http://127.0.0.1:$port/api/v1/trust-list" >/dev/null; done
  printf '%-10s live after %.2f s, %s s of CPU\n' "$1" "$(echo "$live - $started" | bc)" "$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}

for _ in 1 2 3; do
  one built "$root/src/LicenceTrust.Server/bin/Release/net10.0/LicenceTrust.Server.dll"
  one r2r "$r2r/LicenceTrust.Server.dll"
done
