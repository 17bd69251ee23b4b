#!/usr/bin/env bash
# CPU profile of the gateway serving S1's request: an authenticated GET of a finished task, 50 connections, 15 s.
# Starts dist/src/main.js as `npm start` does (sandbox mode, SQLite, a temporary directory) under `node --cpu-prof`,
# raises the demo tenant's rate limit, makes one task and waits until it succeeded, loads it with autocannon, stops the
# gateway (SIGTERM writes the profile) and prints the top frames. Run `npm run build` first.
#
#   bash bench/profile-get.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-15}
dir=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
started=$(date +%s%3N)
(cd "$dir" && PORT=$port LOG_LEVEL=warn ARKGATE_CONSOLE_DIR="$root/dist/console" node --cpu-prof --cpu-prof-dir="$dir/prof" "$root/dist/src/main.js" >"$dir/gateway.log" 2>&1 &)
for _ in $(seq 1 120); do
  if [ -f "$dir/data/demo.env" ] && grep -q ADMIN "$dir/data/demo.env" && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  sleep 0.5
done
# shellcheck disable=SC1091
source "$dir/data/demo.env"
curl -sf -X PATCH "$BASE_URL/admin/tenants/$TENANT_ID" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"rate_limit_per_minute":1000000}' >/dev/null
id=$(curl -sf -X POST "$BASE_URL/volcark/api/v3/contents/generations/tasks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"model":"dreamina-seedance-2-0-fast","content":[{"type":"text","text":"A paper boat on calm water."}],"duration":4,"resolution":"480p"}' |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
until curl -sf "$BASE_URL/volcark/api/v3/contents/generations/tasks/$id" -H "Authorization: Bearer $TOKEN" | grep -q '"status":"succeeded"'; do sleep 0.5; done
loaded=$(date +%s%3N)
npx autocannon -c 50 -d "$seconds" -H "Authorization=Bearer $TOKEN" "$BASE_URL/volcark/api/v3/contents/generations/tasks/$id" 2>&1 | grep -E 'Req/Sec|Latency|requests in|non 2xx'
pkill -TERM -f "cpu-prof-dir=$dir/prof" || true
# The main thread's profile (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0); worker threads (the SQLite
# checkpointer, export workers) write their own.
for _ in $(seq 1 40); do ls "$dir"/prof/CPU.*.0.[0-9][0-9][0-9].cpuprofile >/dev/null 2>&1 && break; sleep 0.5; done
sleep 1
profile=$(ls "$dir"/prof/CPU.*.0.[0-9][0-9][0-9].cpuprofile | head -1)
FRAMES_SKIP_MS=$((loaded - started)) node bench/top-frames.js "$profile" 20
echo "profile: $profile"
