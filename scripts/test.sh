#!/usr/bin/env bash
# Runs every test of LicenceTrust on a fresh machine: bash scripts/test.sh
# Installs what the tests need (Debian packages), runs the whole solution's tests in Release,
# and ends with the line "N passed, N failed, N skipped" summed from the TRX results.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Vector).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Debian packages the tests use for real (never mocked): openssl for the SM2/ECDSA interop tests, Python with cbor2 for the LT2 reader outside .NET,
# PostgreSQL for the store contract suite, SoftHSM2 for the PKCS#11 signer, Chromium for the staff page's end-to-end tests (driven by
# Playwright: Debian's headless shell of Chromium, /usr/bin/chromium-headless-shell; no browser is ever downloaded), npm for the page's script bundle.
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium-headless-shell ] || need+=(chromium-headless-shell)
# SoftHSM2, a real PKCS#11 token, for the keys-in-an-HSM tests (Pkcs11Tests).
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
# A CJK font, so the page's Chinese renders in the screenshots (the text checks do not depend on it), and the font
# the PDF copies of fetched licences embed (Node:PdfFontFile).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# poppler's pdftotext, an independent reader of those PDF copies (StaffPageFetchTests).
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)
# qemu-user and the arm64 C runtime, to run the linux-arm64 build of the tool (PackagingTests); systemd-analyze checks the unit.
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# Python's cbor2 for the independent LT2 decoder (tests/lt2-decoder, IndependentLt2DecoderTests); zlib is in Python itself.
/usr/bin/python3 -c 'import cbor2, cryptography' >/dev/null 2>&1 || need+=(python3-cbor2 python3-cryptography)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "could not install ${need[*]}" >&2; exit 1; }
fi

# The OpenAPI linter (Redocly CLI, pinned in tests/openapi-lint/package-lock.json) for OpenApiLintTests.
(cd tests/openapi-lint && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "could not install the OpenAPI linter (npm ci in tests/openapi-lint)" >&2; exit 1; }
# axe-core (pinned in tests/axe/package-lock.json), injected into every page by AccessibilityTests.
(cd tests/axe && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "could not install axe-core (npm ci in tests/axe)" >&2; exit 1; }

# A private PostgreSQL on 127.0.0.1:54329 (unless the caller provides one).
if [ -z "${LICENCETRUST_TEST_POSTGRES:-}" ]; then
  LICENCETRUST_TEST_POSTGRES=$(bash scripts/postgres.sh start) || { echo "could not start PostgreSQL" >&2; exit 1; }
  export LICENCETRUST_TEST_POSTGRES
fi

# scripts/publish.sh as an operator runs it, before the tests take both cores (alone 75-100 s; among
# three test classes it took over 4 minutes); PackagingTests check what it wrote and how it ended. A run
# with a filter (extra arguments) leaves it to PackagingTests, should they be chosen.
if [ $# -eq 0 ]; then
  published="$root/artifacts/test-publish"
  rm -rf "$published" && mkdir -p "$published"
  echo "Publishing (scripts/publish.sh) for PackagingTests ..."
  bash scripts/publish.sh "$published" > "$published/publish.log" 2>&1
  echo $? > "$published/publish.exit"
  export LICENCETRUST_PUBLISHED="$published"
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet test LicenceTrust.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; total=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(value total)))
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
done
skipped=$((total - passed - failed))

if [ ${#trx_files[@]} -eq 0 ]; then
  echo "no test results were written" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
