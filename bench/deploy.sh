#!/usr/bin/env bash
# Zero-downtime benchmark of deploy-controller (issue 4). Bounded: about 3 minutes, stops by itself.
#
# Starts the compose stack (own project slipway-t-deploy-bench-*, free 127.0.0.1 ports, images already built), puts
# keep-alive load on two paths with wrk (direct: /models/sample-model/... through nginx; gateway: /v2/models/... via
# inference-gateway), ~100 req/s each, one request in 50 taking 2 s, and runs in the same run:
#   naive:   SWAPS x `nginx -s reload` of nginx's front door, one per second (what a reload-based swap does)
#   slipway: SWAPS x POST /deploy?wait=true (a full blue-green deploy each: new color, health, switch, drain, remove)
#   slipway, fast requests only: the same SWAPS deploys under the same load without the 2 s requests (LONG_EVERY=0),
#            so the deploy's own cost shows apart from the drain that 2 s requests need (a correct drain of the old
#            color waits up to 2 s for them by construction)
# and prints markdown tables: socket errors and non-2xx per path, swap time (new color healthy -> traffic verified on
# it), total deploy time, and the time of each step of the deploy log (GET /deploys/{id} steps: the time from the
# previous step line to each step's line, median over the deploys), for both slipway runs side by side.
# Then, in the same run, the peer: docker-rollout (github.com/wowu/docker-rollout, a shell script; give its path in
# DOCKER_ROLLOUT, it is not part of slipway) rolls out the same sample-model image SWAPS times in its own compose
# project (bench/rollout.compose.yml: behind a plain nginx, Docker healthcheck every ROLLOUT_HEALTH_INTERVAL=1s) under
# the same wrk load; its rollout times and errors are printed next to slipway's. Without DOCKER_ROLLOUT that part is
# skipped with a message saying so.
#   bench/deploy.sh                                   (SWAPS=5: ~4 min on 2 cores; SWAPS=10 as in the issue ~6 min)
#   DOCKER_ROLLOUT=/path/to/docker-rollout bench/deploy.sh   (+ ~1 min)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SWAPS=${SWAPS:-5}
CONNS=${CONNS:-8}
PROJECT=slipway-t-deploy-bench-$$
export SAMPLE_MODEL_IMAGE=${SAMPLE_MODEL_IMAGE:-slipway/sample-model:${SLIPWAY_TAG:-latest}}
DOCKER_ROLLOUT=${DOCKER_ROLLOUT:-}
TOKEN=bench-$RANDOM$RANDOM
WORK=$(mktemp -d)
. "$ROOT/bench/lib.sh"
export COMPOSE_PROJECT_NAME=$PROJECT SLIPWAY_DEPLOY_TOKEN=$TOKEN DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export SLIPWAY_PORT=$(free_port) SLIPWAY_REGISTRY_PORT=$(free_port) SLIPWAY_DEPLOY_PORT=$(free_port)
export DOCKER_GID=$(stat -c %g /var/run/docker.sock)
compose() { docker-compose -p "$PROJECT" -f "$ROOT/docker-compose.yml" -f "$ROOT/bench/deploy.compose.yml" "$@"; }
export ROLLOUT_PORT=$(free_port)
rollout_compose() { docker-compose -p "$PROJECT-rollout" -f "$ROOT/bench/rollout.compose.yml" "$@"; }
cleanup() {
    jobs -p | xargs -r kill 2>/dev/null || true
    compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
    rollout_compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT-rollout")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install -y wrk)" >&2; exit 1; }
if [ -n "$DOCKER_ROLLOUT" ] && [ ! -f "$DOCKER_ROLLOUT" ]; then
    echo "DOCKER_ROLLOUT=$DOCKER_ROLLOUT: no such file (the docker-rollout script, github.com/wowu/docker-rollout)" >&2
    exit 1
fi

echo "starting stack $PROJECT ..." >&2
# The model's definition (created, never started): deploy-controller starts its version.
compose up --no-start sample-model >/dev/null 2>&1
compose up -d --build >/dev/null 2>&1
deadline=$((SECONDS + 180))
until [ "$(docker ps -q --filter label=com.docker.compose.project=$PROJECT --filter health=healthy | wc -l)" -ge 5 ]; do
    [ $SECONDS -lt $deadline ] || { echo "stack not healthy in 180 s" >&2; compose ps >&2; exit 1; }
    sleep 2
done
FRONT=http://127.0.0.1:$SLIPWAY_PORT
API=http://127.0.0.1:$SLIPWAY_DEPLOY_PORT
DIRECT=$FRONT/models/sample-model/v2/models/sample-model/infer
GATEWAY=$FRONT/v2/models/sample-model/infer
# The model's first color is started by deploy-controller's reconciler after `up`: measure nothing before it answers.
until curl -fs -o /dev/null -H 'Content-Type: application/json' \
        -d '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}' "$DIRECT"; do
    [ $SECONDS -lt $deadline ] || { echo "the sample model does not answer through nginx in 180 s" >&2; exit 1; }
    sleep 1
done

# Runs "$@" under load; wrk runs until the work is done (SIGINT makes it print its totals). LONG_EVERY (env) as in
# bench/deploy-load.lua: one request in that many takes 2 s; 0 = none.
under_load() {
    local name=$1; shift
    wrk -t1 -c"$CONNS" -d300s --timeout 10s -s "$ROOT/bench/deploy-load.lua" "$DIRECT" >"$WORK/$name-direct.txt" 2>&1 &
    local d=$!
    wrk -t1 -c"$CONNS" -d300s --timeout 10s -s "$ROOT/bench/deploy-load.lua" "$GATEWAY" >"$WORK/$name-gateway.txt" 2>&1 &
    local g=$!
    sleep 3
    "$@"
    sleep 3
    kill -INT $d $g; wait $d $g || true
}
# The peer's run: docker-rollout of the same image, timed, under the same load on its own proxy.
rollout_swaps() {
    for i in $(seq "$SWAPS"); do
        local start end
        start=$(date +%s%N)
        SAMPLE_MODEL_VERSION=$((200 + i)) sh "$DOCKER_ROLLOUT" rollout -p "$PROJECT-rollout" \
            -f "$ROOT/bench/rollout.compose.yml" sample-model >>"$WORK/rollout.log" 2>&1 \
            || { echo "docker-rollout failed:" >&2; tail -n 20 "$WORK/rollout.log" >&2; exit 1; }
        end=$(date +%s%N)
        echo $(((end - start) / 1000000)) >>"$WORK/rollout-times.txt"
    done
}
# "requests errors non2xx" from a wrk report.
wrk_counts() {
    local f=$1 requests errors non2xx
    requests=$(awk '/requests in/ {print $1}' "$f")
    # "Socket errors: connect 0, read 317, write 0, timeout 0" -> "connect+read+write+timeout" kept apart
    errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10 " (read " $6 ", timeout " $10 ")"}' "$f")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$f")
    echo "${requests:-0}|${errors:-0}|${non2xx:-0}"
}
naive_swaps() { for _ in $(seq "$SWAPS"); do compose exec -T nginx nginx -s reload >/dev/null 2>&1; sleep 1; done; }
# slipway_swaps RUN: SWAPS deploys, each record in $WORK/RUN/deploy-<i>.json.
slipway_swaps() {
    mkdir -p "$WORK/$1"
    for i in $(seq "$SWAPS"); do
        curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -d "{\"service\":\"sample-model\",\"image\":\"$SAMPLE_MODEL_IMAGE\",\"drainTimeout\":\"10s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"$((100 + i))\"}}" \
            "$API/deploy?wait=true" >"$WORK/$1/deploy-$i.json"
    done
}
echo "naive: $SWAPS front reloads under load ..." >&2
under_load naive naive_swaps
echo "slipway: $SWAPS deploys under load ..." >&2
under_load slipway slipway_swaps slipway
echo "slipway: $SWAPS deploys under load without 2 s requests ..." >&2
LONG_EVERY=0 under_load fast slipway_swaps fast
compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true

if [ -n "$DOCKER_ROLLOUT" ]; then
    echo "docker-rollout: $SWAPS rollouts of the same image under load ..." >&2
    rollout_compose up -d sample-model proxy >/dev/null 2>&1
    deadline=$((SECONDS + 180))
    until [ "$(docker ps -q --filter label=com.docker.compose.project=$PROJECT-rollout --filter health=healthy | wc -l)" -ge 1 ]; do
        [ $SECONDS -lt $deadline ] || { echo "rollout stack not healthy in 180 s" >&2; rollout_compose ps >&2; exit 1; }
        sleep 1
    done
    ROLLOUT_URL=http://127.0.0.1:$ROLLOUT_PORT/v2/models/sample-model/infer
    DIRECT=$ROLLOUT_URL GATEWAY=$ROLLOUT_URL under_load rollout rollout_swaps
else
    echo "docker-rollout: not run; set DOCKER_ROLLOUT to the path of the docker-rollout script" \
        "(github.com/wowu/docker-rollout) to compare with it in the same run" >&2
fi

# Swap (healthy -> verified), total (created -> finished) and to the switch (created -> verified) per deploy of run
# $1, in ms, one deploy a line.
deploy_times() {
for f in "$WORK/$1"/deploy-*.json; do
    python3 - "$f" <<'PY'
import json, sys, datetime, re
d = json.load(open(sys.argv[1]))
def t(s):
    s = re.sub(r"(\.\d{1,6})\d*", r"\1", s.replace("Z", ""))
    return datetime.datetime.fromisoformat(s)
steps = d["steps"]
healthy = [s for s in steps if s["step"] == "healthy"][-1]["at"]
verified = [s for s in steps if s["step"] == "verified"][0]["at"]
print(int((t(verified) - t(healthy)).total_seconds() * 1000), int((t(d["finishedAt"]) - t(d["createdAt"])).total_seconds() * 1000),
      int((t(verified) - t(d["createdAt"])).total_seconds() * 1000))
PY
done
}
# Per step of the deploy log: the time from the previous step line to the step's first line of each kind, summed per
# step name within a deploy (replicas log one line each), median over the deploys; in log order. Two runs side by side:
# "| step | median A | min/max A | median B | min/max B |".
steps=$(python3 - "$WORK/slipway" "$WORK/fast" <<'PY'
import json, sys, datetime, re, statistics, glob
def t(s):
    s = re.sub(r"(\.\d{1,6})\d*", r"\1", s.replace("Z", ""))
    return datetime.datetime.fromisoformat(s)
order, runs = [], []
for run in sys.argv[1:]:
    per = {}
    for f in sorted(glob.glob(run + "/deploy-*.json")):
        lines = json.load(open(f)).get("steps") or []
        spent = {}
        for prev, cur in zip(lines, lines[1:]):
            name = cur.get("step", "?")
            spent[name] = spent.get(name, 0) + (t(cur["at"]) - t(prev["at"])).total_seconds() * 1000
            if name not in order:
                order.append(name)
        for name, ms in spent.items():
            per.setdefault(name, []).append(ms)
    runs.append(per)
def cell(v):
    return f"{int(statistics.median(v))} | {int(min(v))} / {int(max(v))}" if v else "- | -"
for name in order:
    print(f"| {name} | " + " | ".join(cell(per.get(name, [])) for per in runs) + " |")
PY
)
stats() { sort -n | awk '{a[NR]=$1} END {printf "%d / %d / %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
times=$(deploy_times slipway)
swap=$(echo "$times" | awk '{print $1}' | stats)
total=$(echo "$times" | awk '{print $2}' | stats)
switched=$(echo "$times" | awk '{print $3}' | stats)
fast_times=$(deploy_times fast)
fast_swap=$(echo "$fast_times" | awk '{print $1}' | stats)
fast_total=$(echo "$fast_times" | awk '{print $2}' | stats)
fast_switched=$(echo "$fast_times" | awk '{print $3}' | stats)
IFS='|' read -r nd_req nd_err nd_5xx <<<"$(wrk_counts "$WORK/naive-direct.txt")"
IFS='|' read -r ng_req ng_err ng_5xx <<<"$(wrk_counts "$WORK/naive-gateway.txt")"
IFS='|' read -r sd_req sd_err sd_5xx <<<"$(wrk_counts "$WORK/slipway-direct.txt")"
IFS='|' read -r sg_req sg_err sg_5xx <<<"$(wrk_counts "$WORK/slipway-gateway.txt")"
IFS='|' read -r fd_req fd_err fd_5xx <<<"$(wrk_counts "$WORK/fast-direct.txt")"
IFS='|' read -r fg_req fg_err fg_5xx <<<"$(wrk_counts "$WORK/fast-gateway.txt")"
if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$WORK"/* "$BENCH_KEEP"/; fi
cat <<TABLE
| run ($SWAPS swaps, wrk -c$CONNS per path, 1 in 50 requests 2 s) | path | requests | socket errors | non-2xx |
|---|---|---:|---:|---:|
| naive: \`nginx -s reload\` of the front door | direct keep-alive | $nd_req | $nd_err | $nd_5xx |
| naive: \`nginx -s reload\` of the front door | gateway | $ng_req | $ng_err | $ng_5xx |
| slipway: POST /deploy (blue-green) | direct keep-alive | $sd_req | $sd_err | $sd_5xx |
| slipway: POST /deploy (blue-green) | gateway | $sg_req | $sg_err | $sg_5xx |
| slipway, fast requests only (no 2 s requests) | direct keep-alive | $fd_req | $fd_err | $fd_5xx |
| slipway, fast requests only (no 2 s requests) | gateway | $fg_req | $fg_err | $fg_5xx |

| slipway deploy of the sample model, min / median / max (ms) | standard load (1 in 50 requests 2 s) | fast requests only |
|---|---:|---:|
| swap: new color healthy -> traffic verified on it through nginx | $swap | $fast_swap |
| to the switch: request accepted -> traffic verified on the new color | $switched | $fast_switched |
| total: request accepted -> old color removed | $total | $fast_total |

| slipway deploy log step (time since the previous step line) | median (ms), standard | min / max | median (ms), fast only | min / max |
|---|---:|---:|---:|---:|
$steps
TABLE
if [ -s "$WORK/rollout-times.txt" ]; then
    rollout=$(stats <"$WORK/rollout-times.txt")
    IFS='|' read -r r_req r_err r_5xx <<<"$(wrk_counts "$WORK/rollout-direct.txt")"
    IFS='|' read -r r2_req r2_err r2_5xx <<<"$(wrk_counts "$WORK/rollout-gateway.txt")"
    cat <<TABLE

| same run, same image: total time per rollout | min / median / max (ms) | requests | socket errors | non-2xx |
|---|---:|---:|---:|---:|
| slipway POST /deploy?wait=true (request accepted -> old color removed) | $total | $((sd_req + sg_req)) | $sd_err + $sg_err | $((sd_5xx + sg_5xx)) |
| slipway, fast requests only (its own load, no 2 s requests) | $fast_total | $((fd_req + fg_req)) | $fd_err + $fg_err | $((fd_5xx + fg_5xx)) |
| docker-rollout $(sed -n 's/^VERSION=//p' "$DOCKER_ROLLOUT") (healthcheck every ${ROLLOUT_HEALTH_INTERVAL:-1s}, nginx re-resolving) | $rollout | $((r_req + r2_req)) | $r_err + $r2_err | $((r_5xx + r2_5xx)) |
TABLE
else
    echo
    echo "docker-rollout: not run (set DOCKER_ROLLOUT to the docker-rollout script, github.com/wowu/docker-rollout)."
fi
