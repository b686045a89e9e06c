#!/usr/bin/env bash
# What a browser test's browser costs (docs/performance-history.md, "The test suite's time"): the CPU seconds of
# Chromium (the whole process tree, from time(1)) for 12 browser contexts that each open the console's sign-in page
# and the staff page of a demo node and idle 1.5 s, with the full browser in headless mode and with the headless
# shell the tests use, interleaved, 3 rounds. Uses the Playwright driver the test build carries.
#   bash benchmarks/browser-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dotnet build -c Release LicenceTrust.sln -v q -nologo >/dev/null
work=$(mktemp -d)
cp -r keys-sample "$work/keys"
port=$((20000 + RANDOM % 20000))
dotnet src/LicenceTrust.Server/bin/Release/net10.0/LicenceTrust.Server.dll --urls="http://127.0.0.1:$port" --Node:Database="$work/n.db" \
  --Node:KeysDirectory="$work/keys" --Node:AllowPlaintextKeys=true --Node:Province=cq --Node:PublicBaseUrl="http://127.0.0.1:$port" >"$work/log" 2>&1 &
node_pid=$!
trap 'kill $node_pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/health/live" >/dev/null; do sleep 0.1; done

cat >"$work/run.js" <<JS
const pw = require('$root/tests/LicenceTrust.Server.Tests/bin/Release/net10.0/.playwright/package');
(async () => {
  const browser = await pw.chromium.launch({ executablePath: process.env.EXE, headless: true, args: ['--no-sandbox'] });
  for (let i = 0; i < 12; i++) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('http://127.0.0.1:$port/console/sign-in');
    await page.goto('http://127.0.0.1:$port/');
    await page.waitForTimeout(1500);
    await context.close();
  }
  await browser.close();
})();
JS
for _ in 1 2 3; do
  for exe in /usr/bin/chromium /usr/bin/chromium-headless-shell; do
    [ -x "$exe" ] || { echo "$exe: not installed"; continue; }
    EXE=$exe /usr/bin/time -f "%e %U %S" -o "$work/t" node "$work/run.js"
    read -r wall user sys <"$work/t"
    printf '%-32s %6.2f s wall, %5.2f s of CPU\n' "$exe" "$wall" "$(echo "$user + $sys" | bc)"
  done
done
