# Sourced by the wrk load scripts (verify-load.sh, soak.sh): a work folder removed on exit, Release
# builds of the CLI and the node, `lt` (the CLI), and `start_node PORT DB [settings…]`, which starts a
# Chongqing node on SQLite with the sample keys and no request limits, and waits until it is ready.
# Each call starts one more node ($node_pid is the last; every one is stopped on exit). $NODE_ENV adds
# environment settings to the next node, after the shipped GC setting, so it can override it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d); node_pid=""; node_pids=()
cleanup() { for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
dotnet build -c Release "$root/src/LicenceTrust.Cli" >/dev/null
dotnet build -c Release "$root/src/LicenceTrust.Server" >/dev/null
lt() { dotnet "$root/src/LicenceTrust.Cli/bin/Release/net10.0/licencetrust.dll" "$@"; }

start_node() {
  local port=$1 db=$2; shift 2
  # The node's GC setting, as `dotnet run` gives it (src/LicenceTrust.Server/Properties/launchSettings.json).
  # shellcheck disable=SC2086 # NODE_ENV is a list of NAME=value words
  env DOTNET_GCgen0size=0x4000000 ${NODE_ENV:-} dotnet "$root/src/LicenceTrust.Server/bin/Release/net10.0/LicenceTrust.Server.dll" --urls "http://127.0.0.1:$port" \
    --Node:Database="$db" --Node:KeysDirectory="$root/keys-sample" --Node:AllowPlaintextKeys=true \
    --Node:AnonymousRateLimitPerSecond=100000 --Node:RateLimitPerSecond=100000 --Logging:LogLevel:Default=Warning "$@" >/dev/null 2>&1 &
  node_pid=$!; node_pids+=("$node_pid")
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "the node did not become ready" >&2; exit 1
}
