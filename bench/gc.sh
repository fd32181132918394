#!/usr/bin/env bash
# Benchmark: garbage collection of a store with $REPOS x $IMAGES images of ($LAYERS layers + config + manifest) blobs
# (default 50 x 10 x 20 = 10,000 blobs, every blob distinct), half of the images deleted (their manifests unlinked),
# so half the blobs are garbage. One run, the same content for both, ratios against a real peer:
#   - mirror-service: POST /admin/gc?grace=0s (online mark-and-sweep; the time the request takes)
#   - CNCF distribution (Debian's docker-registry 2.8): `docker-registry garbage-collect config.yml` (offline; the
#     time the command takes, process start included, a few ms)
#   on the local filesystem, and on S3 (one s3proxy with its filesystem backend on 127.0.0.1; distribution's s3-aws
#   driver). Each run starts from a fresh copy of the content; the median of $REPS runs, interleaved. Both must leave
#   exactly the referenced blobs, which the script checks.
# Usage: bench/gc.sh [--write-doc]   (needs: java, docker-registry, curl, python3; builds what is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
JAR=mirror-service/target/quarkus-app/quarkus-run.jar
S3PROXY=mirror-service/target/s3proxy/s3proxy.jar
REPOS=${REPOS:-50} IMAGES=${IMAGES:-10} LAYERS=${LAYERS:-18} LAYER_BYTES=${LAYER_BYTES:-1024}
REPS=${REPS:-3}
KINDS=${KINDS:-fs s3}   # which stores
DIST_S3=${DIST_S3:-1}   # 0: skip distribution on S3 (it takes seconds per deleted blob on s3proxy; see docs)
bench_work gc
for tool in java docker-registry curl python3 jq bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }
done
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service -am package -DskipTests -Dslipway.images=false
[ -f "$S3PROXY" ] || ./mvnw -B -q -pl mirror-service -am generate-test-resources -Dslipway.images=false

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
count_blobs() { find "$1" -path '*/blobs/*' -name data | wc -l; }
KEY=slipway-bench SECRET=slipway-bench-secret BUCKET=bench

echo "== content: $REPOS repositories x $IMAGES images x ($LAYERS layers of $LAYER_BYTES bytes + config + manifest)"
read -r TOTAL GARBAGE < <(python3 bench/gc-content.py "$WORK/content" "$REPOS" "$IMAGES" "$LAYERS" "$LAYER_BYTES")
KEEP=$((TOTAL - GARBAGE))
echo "   $TOTAL blobs, $GARBAGE garbage"

# shellcheck source=lib/s3proxy.sh
source bench/lib/s3proxy.sh
start_s3proxy "$WORK/s3"

dist_config() { # file storage-yaml
  cat > "$1" <<CONF
version: 0.1
log: {level: error, formatter: text}
storage:
$2
  delete: {enabled: true}
http: {addr: 127.0.0.1:1, secret: bench}
CONF
}

run_dist() { # fs|s3 -> seconds
  local kind=$1 dir="$WORK/dist-$1" cfg="$WORK/dist-$1.yml" t0 t1
  if [ "$kind" = fs ]; then
    rm -rf "$dir"; mkdir -p "$dir/docker/registry"; cp -a "$WORK/content" "$dir/docker/registry/v2"
    dist_config "$cfg" "  filesystem: {rootdirectory: $dir}"
  else
    dir="$WORK/s3/data/$BUCKET/dist"
    rm -rf "$dir"; mkdir -p "$dir/docker/registry"; cp -a "$WORK/content" "$dir/docker/registry/v2"
    dist_config "$cfg" "  s3: {accesskey: $KEY, secretkey: $SECRET, region: us-east-1, regionendpoint: \"$S3\", bucket: $BUCKET,
       rootdirectory: /dist, secure: false, v4auth: true}"
  fi
  t0=$(now)
  env -u AWS_CA_BUNDLE docker-registry garbage-collect "$cfg" > "$WORK/dist-$kind.log" 2>&1
  t1=$(now)
  local left; left=$(count_blobs "$dir")
  [ "$left" -eq "$KEEP" ] || { echo "distribution ($kind) left $left blobs, not $KEEP"; tail "$WORK/dist-$kind.log"; exit 1; }
  echo "$t1 - $t0" | bc -l
}

run_mirror() { # fs|s3 -> seconds (the request), and the report's own durationMillis in $WORK/mirror-$1.json
  local kind=$1 port pid dir opts=() t0 t1
  port=$(free_port)
  if [ "$kind" = fs ]; then
    dir="$WORK/mirror-fs"; rm -rf "$dir"; cp -a "$WORK/content" "$dir"
    opts=("-Dmirror.storage.root=$dir")
  else
    dir="$WORK/s3/data/$BUCKET/mirror"; rm -rf "$dir"; cp -a "$WORK/content" "$dir"
    opts=(-Dmirror.storage.type=s3 "-Dmirror.storage.s3.bucket=$BUCKET" "-Dmirror.storage.s3.endpoint=$S3"
      -Dmirror.storage.s3.path-style=true -Dmirror.storage.s3.prefix=mirror)
  fi
  AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET java -Xmx256m "-Dquarkus.http.port=$port" \
    -Dmirror.auth.password=bench -Dquarkus.log.level=WARN -Dmirror.space.gc-interval=0S "${opts[@]}" \
    -jar "$JAR" > "$WORK/mirror-$kind.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$port/q/health/ready" 120
  # One dry run first (it changes nothing): the JVM's first request loads and compiles the code paths, which a
  # long-running mirror has done long before its collection.
  curl -sf -u slipway:bench -X POST "http://127.0.0.1:$port/admin/gc?grace=0s&dryRun=true" > /dev/null
  t0=$(now)
  curl -sf -u slipway:bench -X POST "http://127.0.0.1:$port/admin/gc?grace=0s" > "$WORK/mirror-$kind.json"
  t1=$(now)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local left deleted; left=$(count_blobs "$dir"); deleted=$(jq .blobsDeleted "$WORK/mirror-$kind.json")
  [ "$left" -eq "$KEEP" ] && [ "$deleted" -eq "$GARBAGE" ] \
    || { echo "mirror ($kind) left $left blobs (deleted $deleted), not $KEEP"; tail "$WORK/mirror-$kind.log"; exit 1; }
  echo "$t1 - $t0" | bc -l
}

declare -A T
for kind in $KINDS; do
  for rep in $(seq 1 "$REPS"); do
    if [ "$kind" = fs ] || [ "$DIST_S3" = 1 ]; then T[$kind-dist]+="$(run_dist "$kind") "; else T[$kind-dist]+="0 "; fi
    T[$kind-mirror]+="$(run_mirror "$kind") "
    echo "   $kind run $rep: distribution $(awk '{print $NF}' <<< "${T[$kind-dist]}") s, mirror $(awk '{print $NF}' <<< "${T[$kind-mirror]}") s"
  done
done

report() {
  echo "| store | mirror-service \`POST /admin/gc\` (s) | distribution \`garbage-collect\` (s) | mirror / distribution |"
  echo "|---|---|---|---|"
  for kind in $KINDS; do
    local m d
    m=$(tr ' ' '\n' <<< "${T[$kind-mirror]}" | grep . | median)
    d=$(tr ' ' '\n' <<< "${T[$kind-dist]}" | grep . | median)
    if [ "$(echo "$d > 0" | bc)" = 1 ]; then
      printf '| %s | %.2f | %.2f | %.3fx |\n' "$([ "$kind" = fs ] && echo filesystem || echo 'S3 (s3proxy)')" "$m" "$d" \
        "$(echo "$m / $d" | bc -l)"
    else
      printf '| %s | %.2f | not run | - |\n' "$([ "$kind" = fs ] && echo filesystem || echo 'S3 (s3proxy)')" "$m"
    fi
  done
}
echo "== $TOTAL blobs, $GARBAGE garbage; median of $REPS (runs: ${T[*]})"
report | tee "$WORK/table.md"
if [ "${1:-}" = "--write-doc" ]; then
  python3 - "$WORK/table.md" "$TOTAL" "$GARBAGE" "$REPS" <<'PY'
import re, sys
table, total, garbage, reps = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
doc = open("docs/benchmarks.md").read()
section = ("## Garbage collection (`bench/gc.sh`)\n\n"
           f"{total} distinct blobs in 500 images, half the images deleted ({garbage} blobs of garbage); the same "
           "content for both, a fresh copy per run, median of " + reps + ", one run of `bench/gc.sh --write-doc`. "
           "mirror-service collects online (`POST /admin/gc?grace=0s`, while it serves), distribution offline (the "
           "`garbage-collect` command, with the registry stopped). Both leave exactly the referenced blobs (checked).\n\n"
           + table + "\n")
pattern = re.compile(r"## Garbage collection \(`bench/gc.sh`\)\n.*?(?=\n## |\Z)", re.S)
doc = pattern.sub(section.rstrip("\n") + "\n", doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + section
open("docs/benchmarks.md", "w").write(doc)
PY
  echo "docs/benchmarks.md updated"
fi
