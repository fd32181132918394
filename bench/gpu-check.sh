#!/usr/bin/env bash
# GPU placement check (issue 12, item 3), for a GPU host: Docker with the nvidia runtime (nvidia-container-toolkit),
# at least one GPU, slipway's images built (./slipway build or ./mvnw package). Bounded: about 3 minutes.
#
# Starts the stack (own project slipway-t-gpu-*, free 127.0.0.1 ports) with bench/gpu-check.compose.yml, in which
# sample-model asks for GPU ${GPU_CHECK_DEVICE:-0} only and runtime nvidia. Checks, on the color deploy-controller
# started and again on the color of a deploy:
#   - the engine recorded the definition's device request and runtime on the color (docker inspect);
#   - inside the color, nvidia-smi lists exactly that one GPU (its UUID equals the host's GPU of that index).
# Prints PASS/FAIL lines; exits non-zero on any FAIL. Removes everything it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
PROJECT=slipway-t-gpu-$$
TOKEN=gpu-$RANDOM$RANDOM
DEVICE=${GPU_CHECK_DEVICE:-0}
export GPU_CHECK_DEVICE=$DEVICE
export COMPOSE_PROJECT_NAME=$PROJECT SLIPWAY_DEPLOY_TOKEN=$TOKEN DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export SLIPWAY_PORT=$(free_port) SLIPWAY_REGISTRY_PORT=$(free_port) SLIPWAY_DEPLOY_PORT=$(free_port)
export DOCKER_GID=$(stat -c %g /var/run/docker.sock)
export SLIPWAY_TAG=${SLIPWAY_TAG:-latest} SAMPLE_MODEL_IMAGE=${SAMPLE_MODEL_IMAGE:-slipway/sample-model:${SLIPWAY_TAG:-latest}}
compose() { docker-compose -p "$PROJECT" -f "$ROOT/docker-compose.yml" -f "$ROOT/bench/gpu-check.compose.yml" "$@"; }
failures=0
check() { if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: expected '$3', got '$2'"; failures=$((failures + 1)); fi; }
cleanup() {
    compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
}
trap cleanup EXIT

command -v nvidia-smi >/dev/null || { echo "FAIL: no nvidia-smi: this is not a GPU host" >&2; exit 2; }
docker info --format '{{json .Runtimes}}' | grep -q '"nvidia"' \
    || { echo "FAIL: the Docker engine has no nvidia runtime (install nvidia-container-toolkit)" >&2; exit 2; }
host_uuid=$(nvidia-smi --query-gpu=uuid --format=csv,noheader -i "$DEVICE")

echo "starting stack $PROJECT ..." >&2
compose up --no-start sample-model >/dev/null
compose up -d --build >/dev/null
color() { # the running color of sample-model
    docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter label=com.docker.compose.service=sample-model \
        --filter label=slipway.color --filter health=healthy | head -1
}
await_color() { # not id
    local deadline=$((SECONDS + 180)) id
    while [ $SECONDS -lt $deadline ]; do
        id=$(color)
        if [ -n "$id" ] && [ "$id" != "$1" ]; then echo "$id"; return; fi
        sleep 2
    done
    echo "FAIL: no healthy color of sample-model within 180 s" >&2; compose logs --tail 40 deploy-controller >&2; exit 1
}
definition=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
    --filter label=com.docker.compose.service=sample-model --filter status=created | head -1)
wanted=$(docker inspect --format '{{json .HostConfig.DeviceRequests}} {{.HostConfig.Runtime}}' "$definition")
echo "definition asks for: $wanted" >&2

verify() { # label container
    check "$1: device requests and runtime as the definition's" \
        "$(docker inspect --format '{{json .HostConfig.DeviceRequests}} {{.HostConfig.Runtime}}' "$2")" "$wanted"
    check "$1: sees exactly GPU $DEVICE" "$(docker exec "$2" nvidia-smi --query-gpu=uuid --format=csv,noheader)" "$host_uuid"
}
first=$(await_color "")
verify "first start" "$first"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"service\":\"sample-model\",\"image\":\"$SAMPLE_MODEL_IMAGE\",\"env\":{\"SAMPLE_MODEL_VERSION\":\"2\"}}" \
    "http://127.0.0.1:$SLIPWAY_DEPLOY_PORT/deploy?wait=true")
check "deploy" "$status" "200"
verify "after a deploy" "$(await_color "$first")"
[ "$failures" -eq 0 ] && echo "gpu-check: all passed" || { echo "gpu-check: $failures failed"; exit 1; }
