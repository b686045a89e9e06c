#!/usr/bin/env bash
# Push federation figures (issue 35; docs/performance.md): three node processes (Chongqing, Sichuan and a
# Guizhou made with the CLI) pulling each other every 300 s; 200 revocations at Chongqing, each timed from its
# commit to INVALID at Sichuan and at Guizhou, polled side by side; the requests Chongqing's status API got
# meanwhile, from its own metrics; a new Guizhou issuer's trust list at the peers after its node restarts.
#   bash benchmarks/push-propagation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release LicenceTrust.sln -v q -nologo >/dev/null
LICENCETRUST_BENCH_PUSH=1 dotnet test tests/LicenceTrust.Server.Tests -c Release --no-build \
  --filter "FullyQualifiedName~PushPropagationBenchmark" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "revoke committed|revoked licences shown|trust list #|first licence|verification at sc|flood answered|not answered 200|Passed|Failed|Error" || true
