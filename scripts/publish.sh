#!/usr/bin/env bash
# Self-contained builds of the node and the command-line tool (no .NET needed where they run), for
# linux-x64 and for linux-arm64 (the Kunpeng and Phytium servers of 信创 deployments), and the tool as a
# .NET tool package:
#   bash scripts/publish.sh [OUT]      (OUT defaults to artifacts/)
#   OUT/publish/node/LicenceTrust.Server              the node (x64); run it from its data folder (docs/deploy.md, scripts/systemd/)
#   OUT/publish/cli/licencetrust                      the tool (x64), starting in a fraction of a second (dotnet run takes seconds)
#   OUT/publish/linux-arm64/{node,cli}/…              the same for linux-arm64
#   OUT/packages/LicenceTrust.Cli.<v>.nupkg           dotnet tool install --global --add-source OUT/packages LicenceTrust.Cli
# No symbol files anywhere (-p:DebugType=none, and the tool's project leaves the packages' .pdb out).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(mkdir -p "${1:-artifacts}" && cd "${1:-artifacts}" && pwd)"

publish() { # project, runtime, folder
  dotnet publish "src/$1" -c Release -r "$2" --self-contained -p:DebugType=none -o "$3" -nologo -v quiet
}

publish LicenceTrust.Server linux-x64 "$out/publish/node"
publish LicenceTrust.Cli linux-x64 "$out/publish/cli"
publish LicenceTrust.Server linux-arm64 "$out/publish/linux-arm64/node"
publish LicenceTrust.Cli linux-arm64 "$out/publish/linux-arm64/cli"
dotnet pack src/LicenceTrust.Cli -c Release -o "$out/packages" -nologo -v quiet

package="$(ls "$out"/packages/LicenceTrust.Cli.*.nupkg)"
echo "node:    $out/publish/node/LicenceTrust.Server  (linux-arm64: $out/publish/linux-arm64/node/LicenceTrust.Server)"
echo "tool:    $out/publish/cli/licencetrust  (linux-arm64: $out/publish/linux-arm64/cli/licencetrust)"
echo "package: $package ($(( $(stat -c %s "$package") / 1024 / 1024 )) MB)"
