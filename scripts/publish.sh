#!/usr/bin/env bash
# Self-contained linux-x64 builds of the node and the command-line tool (no .NET needed where they run),
# and the tool as a .NET tool package:
#   bash scripts/publish.sh [OUT]      (OUT defaults to artifacts/)
#   OUT/publish/node/LicenceTrust.Server    the node; run it from its data folder (docs/deploy.md, scripts/systemd/)
#   OUT/publish/cli/licencetrust            the tool, starting in a fraction of a second (dotnet run takes seconds)
#   OUT/packages/LicenceTrust.Cli.<v>.nupkg  dotnet tool install --global --add-source OUT/packages LicenceTrust.Cli
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(mkdir -p "${1:-artifacts}" && cd "${1:-artifacts}" && pwd)"

dotnet publish src/LicenceTrust.Server -c Release -r linux-x64 --self-contained -p:DebugType=none -o "$out/publish/node" -nologo -v quiet
dotnet publish src/LicenceTrust.Cli -c Release -r linux-x64 --self-contained -p:DebugType=none -o "$out/publish/cli" -nologo -v quiet
dotnet pack src/LicenceTrust.Cli -c Release -o "$out/packages" -nologo -v quiet

echo "node:    $out/publish/node/LicenceTrust.Server"
echo "tool:    $out/publish/cli/licencetrust"
echo "package: $(ls "$out"/packages/LicenceTrust.Cli.*.nupkg)"
