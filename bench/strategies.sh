#!/usr/bin/env bash
# Swap strategies side by side (issue 12): the same model (sample model, 3 s load time) deployed blue-green and
# stop-first under the same keep-alive load, in one run, then a bad canary (a version failing 30 % of its requests,
# SAMPLE_MODEL_FAILURE_RATE=0.3) that must be rolled back. Bounded: about 4 minutes, stops by itself.
#
# Starts the compose stack (own project slipway-t-strategies-*, free 127.0.0.1 ports, images already built) with
# bench/strategies.compose.yml (sample-model: blue-green; sample-model-sf: stop-first), puts wrk keep-alive load
# (~100 req/s, one request in 50 taking 2 s) on the model being deployed, straight through nginx, and deploys each
# DEPLOYS times. Prints a markdown table: requests, socket errors and non-2xx per strategy, client latency p50/p99
# over the deploys, the hold time of held requests (p50/p99/max, from the deploy record's unhold step) and the deploy
# time (total, the ready phase and the unhold phase); for the bad canary: how many deploys were rolled back, the
# errors its share let through (non-2xx of all requests) and the rollback time (from the step that judged it bad to
# the deploy's end).
#   bench/strategies.sh              (DEPLOYS=3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPLOYS=${DEPLOYS:-3}
CONNS=${CONNS:-8}
PROJECT=slipway-t-strategies-$$
TOKEN=bench-$RANDOM$RANDOM
WORK=$(mktemp -d)
IMAGE=slipway/sample-model:${SLIPWAY_TAG:-latest}
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh" # free_port
export COMPOSE_PROJECT_NAME=$PROJECT SLIPWAY_DEPLOY_TOKEN=$TOKEN DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export SLIPWAY_PORT=$(free_port) SLIPWAY_REGISTRY_PORT=$(free_port) SLIPWAY_DEPLOY_PORT=$(free_port)
export DOCKER_GID=$(stat -c %g /var/run/docker.sock)
compose() {
    docker-compose -p "$PROJECT" -f "$ROOT/docker-compose.yml" -f "$ROOT/bench/deploy.compose.yml" \
        -f "$ROOT/bench/strategies.compose.yml" "$@"
}
cleanup() {
    compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install -y wrk)" >&2; exit 1; }

echo "starting stack $PROJECT ..." >&2
compose up --no-start sample-model sample-model-sf sample-model-canary >/dev/null 2>&1
compose up -d >/dev/null 2>&1
deadline=$((SECONDS + 240))
until [ "$(docker ps -q --filter label=com.docker.compose.project=$PROJECT --filter health=healthy | wc -l)" -ge 6 ]; do
    [ $SECONDS -lt $deadline ] || { echo "stack not healthy in 240 s" >&2; compose ps >&2; exit 1; }
    sleep 2
done
FRONT=http://127.0.0.1:$SLIPWAY_PORT
API=http://127.0.0.1:$SLIPWAY_DEPLOY_PORT

# deploys <strategy> <service> <model> [env]: DEPLOYS deploys of <service> under wrk load on its path; env: more
# JSON members of the deploy's env.
deploys() {
    local name=$1 service=$2 model=$3 env=${4:-}
    wrk -t1 -c"$CONNS" -d300s --timeout 40s --latency -s "$ROOT/bench/deploy-load.lua" \
        "$FRONT/models/$service/v2/models/$model/infer" >"$WORK/$name-wrk.txt" 2>&1 &
    local w=$!
    sleep 3
    for i in $(seq "$DEPLOYS"); do
        curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -d "{\"service\":\"$service\",\"image\":\"$IMAGE\",\"drainTimeout\":\"10s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"$((100 + i))\"$env}}" \
            "$API/deploy?wait=true" >"$WORK/$name-deploy-$i.json" || true
    done
    sleep 3
    kill -INT $w; wait $w || true
}
echo "blue-green: $DEPLOYS deploys of sample-model under load ..." >&2
deploys blue-green sample-model sample-model
echo "stop-first: $DEPLOYS deploys of sample-model-sf under load ..." >&2
deploys stop-first sample-model-sf sample-model-sf
echo "bad canary: $DEPLOYS deploys of sample-model-canary failing 30 % under load ..." >&2
deploys bad-canary sample-model-canary sample-model-canary ',"SAMPLE_MODEL_FAILURE_RATE":"0.3"'
# A failed deploy answers 502 problem+json; its record comes from the history.
curl -fsS -H "Authorization: Bearer $TOKEN" "$API/deploys?service=sample-model-canary" >"$WORK/bad-canary-history.json"

if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp "$WORK"/* "$BENCH_KEEP"/; fi

# One row per strategy from its wrk report and deploy records.
row() {
    local name=$1 f=$WORK/$1-wrk.txt
    local requests errors non2xx p50 p99
    requests=$(awk '/requests in/ {print $1}' "$f")
    errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$f")
    p50=$(awk '$1=="50%" {print $2}' "$f")
    p99=$(awk '$1=="99%" {print $2}' "$f")
    python3 - "$name" "${requests:-0}" "${errors:-0}" "${non2xx:-0}" "$p50" "$p99" "$WORK"/"$name"-deploy-*.json <<'PY'
import json, re, statistics, sys, datetime
name, requests, errors, non2xx, p50, p99 = sys.argv[1:7]
files = sys.argv[7:]
def t(s):
    return datetime.datetime.fromisoformat(re.sub(r"(\.\d{1,6})\d*", r"\1", s.replace("Z", "")))
totals, ready, unhold, holds, states = [], [], [], [], []
for f in files:
    d = json.load(open(f))
    states.append(d["state"])
    totals.append(int((t(d["finishedAt"]) - t(d["createdAt"])).total_seconds() * 1000))
    ready += [p["millis"] for p in d.get("phases", []) if p["name"] == "ready"]
    unhold += [p["millis"] for p in d.get("phases", []) if p["name"] == "unhold"]
    for s in d["steps"]:
        m = re.match(r"(\d+) held request\(s\) released \(held p50 (\d+) ms, p99 (\d+) ms, max (\d+) ms\), (\d+) timed out", s["message"]) if s["step"] == "unhold" else None
        if m:
            holds.append(tuple(int(x) for x in m.groups()))
hold = "-"
if holds:
    hold = "%d held; p50 %d / p99 %d / max %d ms; %d timed out" % (sum(h[0] for h in holds),
        statistics.median(h[1] for h in holds), max(h[2] for h in holds), max(h[3] for h in holds),
        sum(h[4] for h in holds))
ok = sum(1 for s in states if s == "SUCCEEDED")
print("| %s | %d/%d | %s | %s | %s | %s / %s | %s | %d / %d | %d | %s |" % (name, ok, len(states), requests, errors,
      non2xx, p50, p99, hold, statistics.median(totals), max(totals), statistics.median(ready) if ready else 0,
      "%d / %d" % (statistics.median(unhold), max(unhold)) if unhold else "-"))
PY
}
cat <<HEAD
| strategy ($DEPLOYS deploys, model loads 3 s, wrk -c$CONNS, 1 in 50 requests 2 s) | deploys ok | requests | socket errors | non-2xx | client latency p50 / p99 | requests held (hold time) | deploy total median / max (ms) | ready phase median (ms) | unhold phase median / max (ms) |
|---|---:|---:|---:|---:|---:|---|---:|---:|---:|
HEAD
row blue-green
row stop-first

# The bad canary: rolled back every time, the errors it let through, and how long the rollback took.
f=$WORK/bad-canary-wrk.txt
python3 - "$(awk '/requests in/ {print $1}' "$f")" "$(awk '/Non-2xx/ {print $NF}' "$f")" \
    "$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")" "$WORK/bad-canary-history.json" <<'PY'
import json, re, statistics, sys, datetime
requests, non2xx, errors = int(sys.argv[1] or 0), int(sys.argv[2] or 0), int(sys.argv[3] or 0)
def t(s):
    return datetime.datetime.fromisoformat(re.sub(r"(\.\d{1,6})\d*", r"\1", s.replace("Z", "")))
rolled, rollback, seen = 0, [], []
deploys = [d for d in json.load(open(sys.argv[4])) if d["kind"] == "DEPLOY"]
for d in deploys:
    rolled += d["state"] == "FAILED" and "canary error rate" in (d.get("reason") or "")
    judged = [s for s in d["steps"] if s["step"] == "canary"]
    if judged:
        rollback.append(int((t(d["finishedAt"]) - t(judged[-1]["at"])).total_seconds() * 1000))
        seen.append(judged[-1]["message"])
print()
print("| bad canary (%d deploys, failure rate 0.3, steps 10/50/100 %%, 5 s a step, max 5 %%) | rolled back | requests | "
      "socket errors | non-2xx (share) | rollback time median / max (ms) |" % len(deploys))
print("|---|---:|---:|---:|---:|---:|")
print("| sample-model-canary | %d/%d | %d | %d | %d (%.2f %%) | %s / %s |" % (rolled, len(deploys), requests, errors,
      non2xx, 100.0 * non2xx / max(requests, 1), statistics.median(rollback) if rollback else "-",
      max(rollback) if rollback else "-"))
for m in seen:
    print("  - last step judged: " + m)
PY
