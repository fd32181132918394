#!/usr/bin/env bash
# Benchmark: what a deploy of an image that is cold on the engine spends getting the image, through the mirror (what
# deploy-controller does: POST /prefetch, then the engine pulls from the mirror) vs the engine pulling straight from
# the registry (the peer, CNCF distribution: Debian's docker-registry 2.8), in one run on this machine (prefetch and
# pull run at the same time, as deploy-controller runs them):
#   - direct:       docker pull <registry>/bench/model:v1
#   - mirror, cold: the mirror's cache is empty too (it fetches from the registry while the engine pulls)
#   - mirror, warm: the mirror has it cached (the image was prefetched before the rollout)
# A one-layer image of LAYER_MIB (default 512) random MiB; warm and direct are run RUNS times (default 3), median.
# Usage: bench/deploy-pull.sh   (needs: java, docker, docker-registry, skopeo, curl, python3; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
JAR=mirror-service/target/quarkus-app/quarkus-run.jar
LAYER_MIB=${LAYER_MIB:-512}
RUNS=${RUNS:-3}
TAG=${SLIPWAY_TAG:-latest}
bench_work deploy-pull
IMAGE=slipway-bench/deploy-pull:$TAG-$$
bench_cleanup() {
  docker rmi -f "$IMAGE" "127.0.0.1:${P_DIST:-0}/bench/model:v1" "127.0.0.1:${P_MIRROR:-0}/up/bench/model:v1" \
    >/dev/null 2>&1 || true
}
require_tools java docker docker-registry skopeo curl python3
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service -am package -DskipTests -Dslipway.images=false

echo "building a one-layer image with a $LAYER_MIB MiB file"
one_layer_image "$IMAGE" "$LAYER_MIB" "$WORK"

P_MIRROR=$(free_port); P_DIST=$(free_port)
start_distribution "$P_DIST" "$WORK/dist"
PIDS+=("$DIST_PID")
skopeo copy -q --dest-tls-verify=false "docker-daemon:$IMAGE" "docker://127.0.0.1:$P_DIST/bench/model:v1"
docker rmi -f "$IMAGE" >/dev/null
java -Dquarkus.http.port=$P_MIRROR -Dmirror.storage.root="$WORK/mirror" -Dmirror.auth.password=bench \
  -Dmirror.upstreams.up.url="http://127.0.0.1:$P_DIST" -jar "$JAR" > "$WORK/mirror.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$P_MIRROR/q/health/ready"
sync

direct() {
  local t0; t0=$(now)
  docker pull -q "127.0.0.1:$P_DIST/bench/model:v1" >/dev/null
  since "$t0"
  docker rmi -f "127.0.0.1:$P_DIST/bench/model:v1" >/dev/null
}
# The engine's own platform: the one its pull takes from a multi-arch image.
PLATFORM=linux/$(docker version --format '{{.Server.Arch}}')
through_mirror() {
  local t0; t0=$(now)
  # as deploy-controller does: the prefetch and the engine's pull at the same time, both awaited
  curl -fsS -u slipway:bench -X POST "http://127.0.0.1:$P_MIRROR/prefetch" -H 'Content-Type: application/json' \
    -d '{"images":["up/bench/model:v1"],"platform":"'"$PLATFORM"'"}' >/dev/null &
  local prefetch=$!
  docker pull -q "127.0.0.1:$P_MIRROR/up/bench/model:v1" >/dev/null
  wait "$prefetch"
  since "$t0"
  docker rmi -f "127.0.0.1:$P_MIRROR/up/bench/model:v1" >/dev/null
}

cold=$(through_mirror)
echo "mirror, cold cache: $cold s"
d=(); w=()
for _ in $(seq 1 "$RUNS"); do
  d+=("$(direct)"); w+=("$(through_mirror)")
done
echo "direct pull: ${d[*]} s; mirror, warm cache: ${w[*]} s"
md=$(median "${d[@]}"); mw=$(median "${w[@]}")
echo
echo "| image | direct pull (peer) | through the mirror, cold cache | through the mirror, warm cache | cold / direct | warm / direct |"
echo "|---|---|---|---|---|---|"
echo "| one layer, $LAYER_MIB MiB | $md s | $cold s | $mw s | $(ratio "$cold" "$md")x | $(ratio "$mw" "$md")x |"
