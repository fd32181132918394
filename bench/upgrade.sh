#!/usr/bin/env bash
# Upgrading slipway itself under load (issue 13, item 5). Bounded: about 3 minutes, stops by itself.
#
# Starts the stack with `./slipway up --no-build` (own project slipway-t-upgrade-bench-*, free 127.0.0.1 ports, the
# images already built, tagged under a bench tag of their own), deploys version 2 of the sample model, puts keep-alive
# load on two paths with wrk (model: /models/sample-model/... through nginx; gateway: /v2/models/... via
# inference-gateway; ~100 req/s each, 8 connections, 1 request in 50 taking 2 s) and, in the same run:
#   services: rebuilds the gateway, controller and mirror images (a new image id each: a label on top) and runs
#             `./slipway up --no-build`, which recreates those three containers; nginx's image did not change
#   nginx:    the same with nginx's image rebuilt too (nginx is recreated: the front door restarts)
# Prints a markdown table: per step and path, requests, socket errors and non-2xx, the up step's duration, and which
# model version answered afterwards (must stay 2: an upgrade never reverts a deployed model).
#   bench/upgrade.sh             (SLIPWAY_TAG selects the images to start from; default latest)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
FROM_TAG=${SLIPWAY_TAG:-latest}
BENCH_TAG=upgrade-bench-$$
CONNS=${CONNS:-8}
PROJECT=slipway-t-upgrade-bench-$$
TOKEN=bench-$RANDOM$RANDOM
WORK=$(mktemp -d)
SERVICES="inference-gateway deploy-controller mirror-service"
export SLIPWAY_PROJECT=$PROJECT SLIPWAY_DEPLOY_TOKEN=$TOKEN SLIPWAY_TAG=$BENCH_TAG
# Benchmarks talk to this machine only: no Docker Hub upstream for the mirror.
export SLIPWAY_MIRROR_DOCKERHUB=false
export SLIPWAY_PORT=$(free_port) SLIPWAY_REGISTRY_PORT=$(free_port) SLIPWAY_DEPLOY_PORT=$(free_port)
cleanup() {
    (cd "$ROOT" && ./slipway down --volumes >/dev/null 2>&1) || true
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    for image in sample-model nginx $SERVICES; do docker rmi "slipway/$image:$BENCH_TAG" >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install -y wrk)" >&2; exit 1; }

# The bench's own tag of every image, so that "rebuilding" one never touches the images others use.
if ! docker image inspect "slipway/nginx:$FROM_TAG" >/dev/null 2>&1; then
    docker build -q -t "slipway/nginx:$FROM_TAG" "$ROOT/nginx" >/dev/null
fi
for image in sample-model nginx $SERVICES; do
    docker tag "slipway/$image:$FROM_TAG" "slipway/$image:$BENCH_TAG"
done
# A rebuild of slipway/<image>: same content, new image id (what a rebuild of changed sources gives compose).
rebuild() {
    printf 'FROM slipway/%s:%s\nLABEL io.slipway.bench-rebuild=%s\n' "$1" "$BENCH_TAG" "$RANDOM$RANDOM" |
        DOCKER_BUILDKIT=0 docker build -q -t "slipway/$1:$BENCH_TAG" - >/dev/null 2>&1
}

cd "$ROOT"
echo "starting stack $PROJECT ..." >&2
./slipway up --no-build >"$WORK/up-0.log" 2>&1 || { tail -30 "$WORK/up-0.log" >&2; exit 1; }
FRONT=http://127.0.0.1:$SLIPWAY_PORT
API=http://127.0.0.1:$SLIPWAY_DEPLOY_PORT
MODEL=$FRONT/models/sample-model/v2/models/sample-model/infer
GATEWAY=$FRONT/v2/models/sample-model/infer
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"service\":\"sample-model\",\"image\":\"slipway/sample-model:$BENCH_TAG\",\"drainTimeout\":\"5s\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\"}}" \
    "$API/deploy?wait=true" >"$WORK/deploy.json"
version() {
    curl -fsS "$MODEL" -H 'Content-Type: application/json' \
        -d '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["model_version"])'
}
[ "$(version)" = 2 ] || { echo "the deploy of v2 did not take" >&2; exit 1; }

# Runs "$@" under load; wrk runs until the work is done (SIGINT makes it print its totals).
under_load() {
    local name=$1; shift
    wrk -t1 -c"$CONNS" -d300s --timeout 10s -s "$ROOT/bench/deploy-load.lua" "$MODEL" >"$WORK/$name-model.txt" 2>&1 &
    local m=$!
    wrk -t1 -c"$CONNS" -d300s --timeout 10s -s "$ROOT/bench/deploy-load.lua" "$GATEWAY" >"$WORK/$name-gateway.txt" 2>&1 &
    local g=$!
    sleep 3
    "$@"
    sleep 3
    kill -INT $m $g; wait $m $g || true
}
# "requests|errors|non2xx" from a wrk report.
wrk_counts() {
    local f=$1 requests errors non2xx
    requests=$(awk '/requests in/ {print $1}' "$f")
    errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$f")
    echo "${requests:-0}|${errors:-0}|${non2xx:-0}"
}
upgrade() { # step images...
    local step=$1; shift
    for image in "$@"; do rebuild "$image"; done
    local start=$SECONDS
    ./slipway up --no-build >"$WORK/up-$step.log" 2>&1 || { tail -30 "$WORK/up-$step.log" >&2; exit 1; }
    echo $((SECONDS - start)) >"$WORK/$step-seconds"
}
echo "services: gateway, controller and mirror rebuilt, ./slipway up under load ..." >&2
under_load services upgrade services $SERVICES
v_services=$(version)
echo "nginx: nginx rebuilt too, ./slipway up under load ..." >&2
under_load nginx upgrade nginx nginx $SERVICES
v_nginx=$(version)

row() { # step label path
    IFS='|' read -r req err non <<<"$(wrk_counts "$WORK/$1-$3.txt")"
    echo "| $2 | $3 | $req | $err | $non | $(cat "$WORK/$1-seconds") s |"
}
cat <<TABLE

$(date -u +%Y-%m-%d), $(nproc) cores, $(docker version --format 'Docker {{.Server.Version}}'), wrk -c$CONNS per path

| ./slipway up after a rebuild of | path | requests | socket errors | non-2xx | up step |
|---|---|---|---|---|---|
$(row services "gateway, controller, mirror" model)
$(row services "gateway, controller, mirror" gateway)
$(row nginx "nginx, gateway, controller, mirror" model)
$(row nginx "nginx, gateway, controller, mirror" gateway)

Model version answering after each step: $v_services, $v_nginx (deployed: 2).
TABLE
