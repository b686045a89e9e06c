#!/usr/bin/env bash
# Evidence exchange figures (issue 36; docs/performance.md): three node processes (Chongqing, Sichuan, Guizhou);
# a Sichuan window fetching a Chongqing company's three licences 200 times in a row and 50 at once (each licence
# verified at Sichuan as a scan), and Chongqing's verification throughput quiet and under a flood of signed
# evidence requests, 5 rounds of each, interleaved.
#   bash benchmarks/evidence-exchange.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release LicenceTrust.sln -v q -nologo >/dev/null
LICENCETRUST_BENCH_EVIDENCE=1 dotnet test tests/LicenceTrust.Server.Tests -c Release --no-build \
  --filter "FullyQualifiedName~EvidenceExchangeBenchmark" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "fetch of 3|concurrent fetches|verification at cq|flood answered|Passed|Failed|Error" || true
