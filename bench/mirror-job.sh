#!/usr/bin/env bash
# Benchmark: copying a multi-arch image (an OCI index of two platforms, one LAYER_MIB layer each, default 512) from one
# registry to another, one run, ratio against the runbook's tool on the same machine:
#   - skopeo copy --all docker://… docker://…
#   - slipway: a mirror job (POST /mirror-jobs, destination "registry") on the packaged mirror-service, -Xmx256m,
#     timed from the POST until its event stream ends: the first job after the mirror started (its JIT still cold),
#     then the same job again into a fresh registry (how a running mirror performs)
# Source and both destinations are CNCF distribution (Debian's docker-registry 2.8) on 127.0.0.1; each tool writes to a
# destination of its own, so none finds another's blobs.
# Usage: bench/mirror-job.sh   (needs: java, docker-registry, skopeo, curl, jq, python3; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
JAR=mirror-service/target/quarkus-app/quarkus-run.jar
LAYER_MIB=${LAYER_MIB:-512}
bench_work mirror-job
for tool in java docker-registry skopeo curl jq python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }
done
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service -am package -DskipTests -Dslipway.images=false
registry() { # name port
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/config.yml" <<CONF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $WORK/$1/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$2, secret: bench}
CONF
  docker-registry serve "$WORK/$1/config.yml" > "$WORK/$1/out.log" 2>&1 &
  PIDS+=($!)
}

echo "writing an OCI layout: index of linux/amd64 + linux/arm64, one gzip layer of $LAYER_MIB MiB random bytes each"
python3 - "$WORK/layout" "$LAYER_MIB" <<'PY'
import hashlib, json, os, sys, zlib
root, mib = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{root}/blobs/sha256")
def put(data):
    d = hashlib.sha256(data).hexdigest(); open(f"{root}/blobs/sha256/{d}", "wb").write(data); return d, len(data)
def layer():
    tmp = f"{root}/layer.tmp"; h = hashlib.sha256(); raw = hashlib.sha256(); z = zlib.compressobj(1, zlib.DEFLATED, 31)
    with open(tmp, "wb") as out:
        for _ in range(mib):
            chunk = os.urandom(1 << 20); raw.update(chunk); c = z.compress(chunk); h.update(c); out.write(c)
        c = z.flush(); h.update(c); out.write(c)
    size = os.path.getsize(tmp); os.rename(tmp, f"{root}/blobs/sha256/{h.hexdigest()}")
    return h.hexdigest(), size, raw.hexdigest()
children = []
for arch in ("amd64", "arm64"):
    l, lsize, diff = layer()
    c, csize = put(json.dumps({"architecture": arch, "os": "linux",
                               "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]}}).encode())
    m, msize = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + c, "size": csize},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + l,
                    "size": lsize}]}).encode())
    children.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + m,
                     "size": msize, "platform": {"os": "linux", "architecture": arch}})
i, isize = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                           "manifests": children}).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
    "digest": "sha256:" + i, "size": isize, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]},
    open(f"{root}/index.json", "w"))
open(f"{root}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

P_MIRROR=$(free_port); P_SRC=$(free_port); P_SKOPEO=$(free_port); P_JOB=$(free_port); P_JOB2=$(free_port)
registry src "$P_SRC"; registry skopeo "$P_SKOPEO"; registry job "$P_JOB"; registry job2 "$P_JOB2"
java -Xmx256m -Dquarkus.http.port=$P_MIRROR -Dmirror.storage.root="$WORK/mirror" -Dmirror.auth.password=bench \
  -Dmirror.upstreams.dockerhub.enabled=false -jar "$JAR" > "$WORK/mirror.log" 2>&1 &
PIDS+=($!)
for p in "$P_SRC" "$P_SKOPEO" "$P_JOB" "$P_JOB2"; do wait_http "http://127.0.0.1:$p/v2/"; done
wait_ready "http://127.0.0.1:$P_MIRROR/q/health/ready"
skopeo copy -q --all --dest-tls-verify=false "oci:$WORK/layout:v1" "docker://127.0.0.1:$P_SRC/bench/multi:v1"
rm -rf "$WORK/layout"
sync

t0=$(now)
skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false "docker://127.0.0.1:$P_SRC/bench/multi:v1" \
  "docker://127.0.0.1:$P_SKOPEO/bench/multi:v1"
t_skopeo=$(python3 -c "print(round($(now) - $t0, 2))")
echo "skopeo copy --all: $t_skopeo s"

api="http://127.0.0.1:$P_MIRROR/mirror-jobs"
job() { # destination registry port -> seconds from POST until its event stream ended
  local t0 id state
  t0=$(now)
  id=$(curl -sS --fail-with-body -u slipway:bench -H 'Content-Type: application/json' "$api" \
    -d "{\"images\":[\"127.0.0.1:$P_SRC/bench/multi:v1\"],\"destination\":{\"type\":\"registry\",\"registry\":\"127.0.0.1:$1\"}}" \
    | jq -r .id)
  curl -sSN -u slipway:bench "$api/$id/events" > /dev/null
  python3 -c "print(round($(now) - $t0, 2))"
  state=$(curl -sS -u slipway:bench "$api/$id" | jq -r .state)
  [ "$state" = succeeded ] || { curl -sS -u slipway:bench "$api/$id" >&2; echo "mirror job $state" >&2; exit 1; }
}
t_cold=$(job "$P_JOB")
echo "slipway mirror job, the first after start (cold JIT): $t_cold s"
t_warm=$(job "$P_JOB2")
echo "slipway mirror job, the next one (to a fresh registry): $t_warm s"
for p in "$P_SKOPEO" "$P_JOB" "$P_JOB2"; do
  curl -sS -o /dev/null -w "%{http_code} " -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://127.0.0.1:$p/v2/bench/multi/manifests/v1"
done
echo "(every destination answers the index)"

python3 - "$t_cold" "$t_warm" "$t_skopeo" "$LAYER_MIB" <<'PY'
import sys
c, w, s, mib = map(float, sys.argv[1:])
print(f"| 2 x {int(mib)} MiB layers | skopeo copy --all {s:.2f} s | first job {c:.2f} s | next job {w:.2f} s "
      f"| first/skopeo {c/s:.2f}x | next/skopeo {w/s:.2f}x |")
PY
