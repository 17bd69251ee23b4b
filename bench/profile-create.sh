#!/usr/bin/env bash
# CPU profile of the gateway serving S2's request: a text-to-video task create (dreamina-seedance-2-0-fast, 480p,
# tenant token). Starts dist/src/main.js as `npm start` does (sandbox mode, SQLite unless DATABASE_URL is set, a
# temporary directory, the sandbox's state in memory) under `node --cpu-prof`, raises the demo tenant's rate limit,
# loads the create route with autocannon (first 1 connection, then CONNECTIONS), stops the gateway (SIGTERM writes the
# profile) and prints the top frames. Run `npm run build` first.
#
#   bash bench/profile-create.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-15}
connections=${2:-50}
dir=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
(cd "$dir" && exec env PORT=$port LOG_LEVEL=warn ARKGATE_SANDBOX_STATE= ARKGATE_CONSOLE_DIR="$root/dist/console" \
  node --cpu-prof --cpu-prof-dir="$dir/prof" "$root/dist/src/main.js" >"$dir/gateway.log" 2>&1) &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if [ -f "$dir/data/demo.env" ] && grep -q ADMIN "$dir/data/demo.env" && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  sleep 0.5
done
# shellcheck disable=SC1091
source "$dir/data/demo.env"
curl -sf -X PATCH "$BASE_URL/admin/tenants/$TENANT_ID" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"rate_limit_per_minute":1000000}' >/dev/null
body='{"model":"dreamina-seedance-2-0-fast","content":[{"type":"text","text":"A quiet cinematic shot of a paper boat floating on calm water, soft morning light."}],"duration":4,"ratio":"16:9","resolution":"480p","generate_audio":false}'
curl -sf -X POST "$BASE_URL/volcark/api/v3/contents/generations/tasks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body"
echo
for c in 1 "$connections"; do
  echo "--- $c connection(s), $seconds s"
  npx autocannon -c "$c" -d "$seconds" -m POST -H "Authorization=Bearer $TOKEN" -H 'Content-Type=application/json' -b "$body" \
    "$BASE_URL/volcark/api/v3/contents/generations/tasks" 2>&1 | grep -E 'Req/Sec|Latency|requests in|non 2xx'
done
kill -TERM "$pid"
# The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); worker threads (the SQLite
# checkpointer, export workers) write their own.
for _ in $(seq 1 40); do ls "$dir"/prof/CPU.*.0.[0-9][0-9][0-9].cpuprofile >/dev/null 2>&1 && break; sleep 0.5; done
sleep 1
profile=$(ls "$dir"/prof/CPU.*.0.[0-9][0-9][0-9].cpuprofile | head -1)
node bench/top-frames.js "$profile" 30
echo "profile: $profile"
