#!/usr/bin/env bash
# Benchmark: importing a `docker save` tarball of a one-layer image (LAYER_MIB, default 1024) into a registry, one run,
# ratios against the runbook's ways on the same machine:
#   - slipway: POST /import to the packaged mirror-service with -Xmx256m (streamed, verified, stored)
#   - docker load + docker push into CNCF distribution (Debian's docker-registry 2.8)
#   - skopeo copy docker-archive:… docker://… into the same docker-registry
# Usage: bench/import.sh   (needs: java, docker, docker-registry, skopeo, curl, python3; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
JAR=mirror-service/target/quarkus-app/quarkus-run.jar
LAYER_MIB=${LAYER_MIB:-1024}
TAG=${SLIPWAY_TAG:-latest}
bench_work import
IMAGE=slipway-bench/import:$TAG-$$
bench_cleanup() {
  docker rmi -f "$IMAGE" "127.0.0.1:${P_DIST:-0}/bench/load:v1" >/dev/null 2>&1 || true
}
for tool in java docker docker-registry skopeo curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }
done
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service -am package -DskipTests -Dslipway.images=false

echo "building a one-layer image with a $LAYER_MIB MiB file and saving it"
mkdir -p "$WORK/rootfs"
head -c "$((LAYER_MIB * 1024 * 1024))" /dev/urandom > "$WORK/rootfs/model.bin"
tar -C "$WORK/rootfs" -cf - model.bin | docker import - "$IMAGE" >/dev/null
rm -rf "$WORK/rootfs"
docker save -o "$WORK/image.tar" "$IMAGE"

P_MIRROR=$(free_port); P_DIST=$(free_port)
java -Xmx256m -Dquarkus.http.port=$P_MIRROR -Dmirror.storage.root="$WORK/mirror" -Dmirror.auth.password=bench \
  -Dmirror.imports.staging-dir="$WORK/staging" -jar "$JAR" > "$WORK/mirror.log" 2>&1 &
PIDS+=($!)
mkdir -p "$WORK/dist"
cat > "$WORK/dist/config.yml" <<CONF
version: 0.1
storage: {filesystem: {rootdirectory: $WORK/dist/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$P_DIST, secret: bench}
CONF
docker-registry serve "$WORK/dist/config.yml" > "$WORK/dist/out.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$P_MIRROR/q/health/ready"; wait_http "http://127.0.0.1:$P_DIST/v2/"
sync

t0=$(now)
curl -sS --fail-with-body -u slipway:bench -X POST -T "$WORK/image.tar" -H 'Accept: text/plain' \
  "http://127.0.0.1:$P_MIRROR/import?repository=bench/import&tag=v1" >/dev/null
t_import=$(python3 -c "print(round($(now) - $t0, 2))")
echo "slipway import: $t_import s"

t0=$(now)
skopeo copy -q --dest-tls-verify=false "docker-archive:$WORK/image.tar" "docker://127.0.0.1:$P_DIST/bench/skopeo:v1"
t_skopeo=$(python3 -c "print(round($(now) - $t0, 2))")
echo "skopeo copy docker-archive: $t_skopeo s"

docker rmi -f "$IMAGE" >/dev/null
t0=$(now)
docker load -q -i "$WORK/image.tar" >/dev/null
docker tag "$IMAGE" "127.0.0.1:$P_DIST/bench/load:v1"
docker push -q "127.0.0.1:$P_DIST/bench/load:v1" >/dev/null
t_load=$(python3 -c "print(round($(now) - $t0, 2))")
echo "docker load + docker push: $t_load s"

python3 - "$t_import" "$t_skopeo" "$t_load" "$LAYER_MIB" <<'PY'
import sys
i, s, l, mib = map(float, sys.argv[1:])
print(f"| {int(mib)} MiB layer | import {i:.2f} s | skopeo docker-archive {s:.2f} s | load+push {l:.2f} s "
      f"| import/skopeo {i/s:.2f}x | import/(load+push) {i/l:.2f}x |")
PY
grep -c OutOfMemoryError "$WORK/mirror.log" | sed 's/^/OutOfMemoryError lines in the mirror log: /' || true
