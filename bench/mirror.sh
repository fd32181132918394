#!/usr/bin/env bash
# Benchmark: slipway mirror-service side by side with CNCF distribution (Debian's docker-registry 2.8.2), one run.
#   1. warm blob GET throughput (512 MiB blob; 1 and 8 concurrent clients)
#   2. manifest GET req/s and p99 (wrk, 64 connections)
#   3. upstream bytes for 20 concurrent cold pulls (mirror vs distribution in proxy mode, same upstream)
#   4. cold `docker pull` of a multi-layer image: through the mirror vs directly from the upstream
#   5. the same cold path with curl, request by request (HEAD by tag, config blob, 3 layers in parallel), not in the table
# Everything runs on 127.0.0.1 with free ports and temp dirs; every step is time-bounded; the script cleans up.
# Usage: bench/mirror.sh [--write-doc]   (needs: docker-registry, wrk, curl, jq, skopeo, docker; builds the jar if missing)
# Knobs: STEPS="1 2 3 4", REPS, PULL_REPS, BLOB_MIB, COLD_LAYER_MIB, PULL_LAYER_MIB, WRK_SECONDS, MIRROR_OPTS (JVM options),
#   PROBE_REPS (step 5), KEEP_WORK=1 (keep logs), MIRROR_JAR (the jar to measure), BASELINE_JAR (step 4 also pulls through a mirror run from
#   this jar, e.g. a copy of target/quarkus-app from before a change, interleaved in the same reps: before/after;
#   step 5 probes it too).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=${MIRROR_JAR:-mirror-service/target/quarkus-app/quarkus-run.jar}
BLOB_MIB=${BLOB_MIB:-512}
WRK_SECONDS=${WRK_SECONDS:-8}
COLD_LAYER_MIB=${COLD_LAYER_MIB:-16}
PULL_LAYER_MIB=${PULL_LAYER_MIB:-32}
# bench_work, free_port, wait_http, now from the shared helpers; this script's own start_distribution (proxy mode),
# median (of stdin) and ratio (of "-" too) below replace lib.sh's.
# shellcheck source=lib.sh
. bench/lib.sh
bench_work mirror
IMAGES=()
bench_cleanup() {
  for i in "${IMAGES[@]}"; do docker rmi -f "$i" >/dev/null 2>&1 || true; done
}
for tool in docker-registry wrk curl jq skopeo docker; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install docker-registry wrk curl jq skopeo)"; exit 1; }
done
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service package -DskipTests -Dslipway.images=false

start_distribution() { # name port [proxy-upstream-url]
  local name=$1 port=$2 proxy=${3:-}
  mkdir -p "$WORK/$name"
  {
    echo "version: 0.1"
    echo "log: {level: error, formatter: text}"
    echo "storage: {filesystem: {rootdirectory: $WORK/$name/root}, delete: {enabled: true}}"
    echo "http: {addr: 127.0.0.1:$port, secret: bench}"
    [ -n "$proxy" ] && echo "proxy: {remoteurl: $proxy}"
  } > "$WORK/$name/config.yml"
  docker-registry serve "$WORK/$name/config.yml" > "$WORK/$name/access.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/v2/"
}

start_mirror() { # name port [upstream-url] [jar]
  local name=$1 port=$2 upstream=${3:-} jar=${4:-$JAR}
  local args=(-Xmx256m "-Dquarkus.http.port=$port" "-Dmirror.storage.root=$WORK/$name/root"
    "-Dmirror.auth.password=bench" "-Dquarkus.log.level=WARN")
  # MIRROR_OPTS: extra JVM options for the mirror, e.g. an access log to see where a pull spends its time.
  read -r -a extra <<< "${MIRROR_OPTS:-}"; args+=("${extra[@]}")
  [ -n "$upstream" ] && args+=("-Dmirror.upstreams.hub.url=$upstream")
  mkdir -p "$WORK/$name"
  java "${args[@]}" -jar "$jar" > "$WORK/$name/out.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/q/health/ready"
}

push_blob() { # base-url repo file [user:pass] -> digest
  local base=$1 repo=$2 file=$3 auth=${4:-} digest loc
  digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  local a=(); [ -n "$auth" ] && a=(-u "$auth")
  loc=$(curl -fsS "${a[@]}" -X POST -D - -o /dev/null "$base/v2/$repo/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) ;; *) loc="$base$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$digest" ;; *) loc="$loc?digest=$digest" ;; esac
  curl -fsS "${a[@]}" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" -o /dev/null "$loc"
  echo "$digest"
}

push_manifest() { # base-url repo tag config-digest config-size layer-digest layer-size [user:pass]
  local a=(); [ -n "${8:-}" ] && a=(-u "$8")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%s,"digest":"%s"}]}' \
    "$5" "$4" "$7" "$6" > "$WORK/manifest.json"
  curl -fsS "${a[@]}" -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
    --data-binary "@$WORK/manifest.json" -o /dev/null "$1/v2/$2/manifests/$3"
}

get_throughput_once() { # url clients -> MiB/s (aggregate)
  local url=$1 clients=$2 t0 t1
  t0=$(now)
  for _ in $(seq 1 "$clients"); do curl -fsS -o /dev/null --max-time 120 "$url" & done
  wait
  t1=$(now)
  echo "scale=0; $BLOB_MIB * $clients / ($t1 - $t0)" | bc
}

# Median of $REPS runs, the two servers interleaved (the machine is shared: single runs are noisy).
REPS=${REPS:-3}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
compare_throughput() { # clients -> "dist mirror"
  local d=() m=()
  for _ in $(seq 1 "$REPS"); do
    d+=("$(get_throughput_once "$D/v2/bench/warm/blobs/$BIG_D" "$1")")
    m+=("$(get_throughput_once "$M/v2/bench/warm/blobs/$BIG_D" "$1")")
  done
  echo "$(printf '%s\n' "${d[@]}" | median) $(printf '%s\n' "${m[@]}" | median)"
}

wrk_manifest() { # url -> "req/s p99"
  wrk -t2 -c64 -d"${WRK_SECONDS}s" --timeout 5s --latency \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "$1" > "$WORK/wrk.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%"{print $2}' "$WORK/wrk.txt")
  echo "$rps $p99"
}

upstream_blob_bytes() { # access-log repo -> bytes of 200 blob GETs for repo
  { grep -F "\"GET /v2/$2/blobs/" "$1" || true; } | { grep -F '" 200 ' || true; } | awk '{for(i=1;i<=NF;i++) if ($i ~ /^HTTP\/1\.1"$/) {print $(i+2)}}' | awk '{s+=$1} END {print s+0}'
}

echo "== setup (blob ${BLOB_MIB} MiB)"
P_DIST=$(free_port); start_distribution dist "$P_DIST"
P_MIRROR=$(free_port); start_mirror mirror "$P_MIRROR" "http://127.0.0.1:$P_DIST"
D="http://127.0.0.1:$P_DIST"; M="http://127.0.0.1:$P_MIRROR"
head -c "${BLOB_MIB}M" /dev/urandom > "$WORK/big.bin"
echo '{"architecture":"amd64","os":"linux"}' > "$WORK/config.json"
BIG_D=$(push_blob "$D" bench/warm "$WORK/big.bin")
push_blob "$M" bench/warm "$WORK/big.bin" slipway:bench >/dev/null
CFG_D=$(push_blob "$D" bench/warm "$WORK/config.json")
push_blob "$M" bench/warm "$WORK/config.json" slipway:bench >/dev/null
CFG_SIZE=$(stat -c %s "$WORK/config.json"); BIG_SIZE=$(stat -c %s "$WORK/big.bin")
push_manifest "$D" bench/warm v1 "$CFG_D" "$CFG_SIZE" "$BIG_D" "$BIG_SIZE"
push_manifest "$M" bench/warm v1 "$CFG_D" "$CFG_SIZE" "$BIG_D" "$BIG_SIZE" slipway:bench
# Warm the page cache for both stores.
curl -fsS -o /dev/null "$D/v2/bench/warm/blobs/$BIG_D"; curl -fsS -o /dev/null "$M/v2/bench/warm/blobs/$BIG_D"

STEPS=${STEPS:-1 2 3 4}
step() { [[ " $STEPS " == *" $1 "* ]]; }
D1=-; M1=-; D8=-; M8=-; DRPS=-; DP99=-; MRPS=-; MP99=-; PROXY_UP=-; PROXY_X=-; MIRROR_UP=-; MIRROR_X=-
DIRECT_S=-; MIRROR_S=-; PULL_X=-
if step 1; then
echo "== 1. warm blob GET throughput (median of $REPS, interleaved)"
read -r D1 M1 < <(compare_throughput 1)
read -r D8 M8 < <(compare_throughput 8)
echo "1 client:  distribution ${D1} MiB/s, mirror ${M1} MiB/s"
echo "8 clients: distribution ${D8} MiB/s, mirror ${M8} MiB/s"
fi

if step 2; then
echo "== 2. manifest GET (wrk, 64 connections, ${WRK_SECONDS}s)"
read -r DRPS DP99 < <(wrk_manifest "$D/v2/bench/warm/manifests/v1")
read -r MRPS MP99 < <(wrk_manifest "$M/v2/bench/warm/manifests/v1")
echo "distribution ${DRPS} req/s p99 ${DP99}; mirror ${MRPS} req/s p99 ${MP99}"
fi

if step 3; then
echo "== 3. upstream bytes, 20 concurrent cold pulls (${COLD_LAYER_MIB} MiB x 3 layers)"
UP_LOG="$WORK/dist/access.log"
P_PROXY=$(free_port); start_distribution proxy "$P_PROXY" "$D"
P=http://127.0.0.1:$P_PROXY
LAYERS=()
for i in 1 2 3; do
  head -c "${COLD_LAYER_MIB}M" /dev/urandom > "$WORK/cold$i.bin"
  LAYERS+=("$(push_blob "$D" bench/cold "$WORK/cold$i.bin")")
done
IMAGE_BYTES=$((COLD_LAYER_MIB * 3 * 1024 * 1024))
cold_pulls() { # base-url prefix (waits only for its own clients, not for the servers started above)
  local clients=()
  for _ in $(seq 1 20); do
    ( for l in "${LAYERS[@]}"; do curl -fsS -o /dev/null --max-time 120 "$1/v2/$2bench/cold/blobs/$l" || echo "pull failed: $1 $l"; done ) &
    clients+=($!)
  done
  wait "${clients[@]}"
}
before=$(upstream_blob_bytes "$UP_LOG" bench/cold)
t0=$(now)
cold_pulls "$M" hub/
echo "mirror: 20 cold pulls in $(echo "$(now) - $t0" | bc) s"
after_mirror=$(upstream_blob_bytes "$UP_LOG" bench/cold)
t0=$(now)
cold_pulls "$P" ""
echo "distribution proxy: 20 cold pulls in $(echo "$(now) - $t0" | bc) s"
sleep 1
after_proxy=$(upstream_blob_bytes "$UP_LOG" bench/cold)
MIRROR_UP=$((after_mirror - before)); PROXY_UP=$((after_proxy - after_mirror))
MIRROR_X=$(echo "scale=2; $MIRROR_UP / $IMAGE_BYTES" | bc); PROXY_X=$(echo "scale=2; $PROXY_UP / $IMAGE_BYTES" | bc)
echo "image ${IMAGE_BYTES} B; upstream sent ${MIRROR_UP} B for the mirror (${MIRROR_X}x), ${PROXY_UP} B for distribution proxy (${PROXY_X}x)"
fi

if step 4; then
echo "== 4. cold docker pull: through the mirror vs directly (${PULL_LAYER_MIB} MiB x 3 layers)"
PULL_REPS=${PULL_REPS:-3}
directs=(); mirrors=(); baselines=()
if [ -n "${BASELINE_JAR:-}" ]; then
  P_BASE=$(free_port); start_mirror baseline "$P_BASE" "http://127.0.0.1:$P_DIST" "$BASELINE_JAR"
fi
timed_pull() { # image -> seconds (the image is removed again)
  local t0 t1
  t0=$(now); timeout 120 docker pull -q "$1" >/dev/null; t1=$(now)
  docker rmi -f "$1" >/dev/null
  echo "scale=3; ($t1 - $t0)/1" | bc
}
for rep in $(seq 1 "$PULL_REPS"); do
  BUILD="$WORK/build$rep"; mkdir -p "$BUILD"
  printf 'FROM scratch\n' > "$BUILD/Dockerfile"
  for i in 1 2 3; do head -c "${PULL_LAYER_MIB}M" /dev/urandom > "$BUILD/l$i.bin"; echo "COPY l$i.bin /l$i.bin" >> "$BUILD/Dockerfile"; done
  TAG=slipway-bench-mirror-pull:$$-$rep
  DIRECT=127.0.0.1:$P_DIST/bench/pull$rep:v1; VIA=127.0.0.1:$P_MIRROR/hub/bench/pull$rep:v1
  IMAGES+=("$TAG" "$DIRECT" "$VIA")
  DOCKER_BUILDKIT=0 docker build -q -t "$TAG" "$BUILD" >/dev/null 2>&1
  skopeo copy -q --dest-tls-verify=false "docker-daemon:$TAG" "docker://$DIRECT"
  docker rmi -f "$TAG" >/dev/null
  directs+=("$(timed_pull "$DIRECT")")
  if [ -n "${BASELINE_JAR:-}" ]; then
    BASE=127.0.0.1:$P_BASE/hub/bench/pull$rep:v1; IMAGES+=("$BASE")
    # Alternate which mirror pulls first, so neither always gets the quieter moment.
    if [ $((rep % 2)) = 1 ]; then
      mirrors+=("$(timed_pull "$VIA")"); baselines+=("$(timed_pull "$BASE")")
    else
      baselines+=("$(timed_pull "$BASE")"); mirrors+=("$(timed_pull "$VIA")")
    fi
    echo "rep $rep: direct ${directs[-1]}s, through mirror ${mirrors[-1]}s, through baseline mirror ${baselines[-1]}s"
  else
    mirrors+=("$(timed_pull "$VIA")")
    echo "rep $rep: direct ${directs[-1]}s, through mirror ${mirrors[-1]}s"
  fi
done
DIRECT_S=$(printf '%s\n' "${directs[@]}" | median); MIRROR_S=$(printf '%s\n' "${mirrors[@]}" | median)
PULL_X=$(echo "scale=2; $MIRROR_S / $DIRECT_S" | bc)
echo "median: direct ${DIRECT_S}s, through mirror ${MIRROR_S}s (${PULL_X}x)"
if [ -n "${BASELINE_JAR:-}" ]; then
  BASE_S=$(printf '%s\n' "${baselines[@]}" | median)
  echo "median: through baseline mirror ${BASE_S}s ($(echo "scale=2; $BASE_S / $DIRECT_S" | bc)x)"
fi
fi

if step 5; then
echo "== 5. cold path request by request (curl): HEAD tag, config, 3 x ${PULL_LAYER_MIB} MiB layers in parallel; seconds"
PROBE_REPS=${PROBE_REPS:-5}
if [ -n "${BASELINE_JAR:-}" ] && [ -z "${P_BASE:-}" ]; then
  P_BASE=$(free_port); start_mirror baseline "$P_BASE" "http://127.0.0.1:$P_DIST" "$BASELINE_JAR"
fi
probe() { # label base-url [user:pass] (waits only for its own clients)
  local a=(); [ -n "${3:-}" ] && a=(-u "$3")
  local head config t0 clients=() l
  t0=$(now)
  head=$(curl -fsS "${a[@]}" -I -o /dev/null -w '%{time_total}' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "$2/manifests/v1")
  config=$(curl -fsS "${a[@]}" -o /dev/null -w '%{time_total}' "$2/blobs/$P_CFG")
  for l in "${P_LAYERS[@]}"; do
    curl -fsS "${a[@]}" -o /dev/null -w '%{time_total}\n' --max-time 120 "$2/blobs/$l" > "$WORK/probe.$l" & clients+=($!)
  done
  wait "${clients[@]}"
  echo "$1: HEAD $head, config $config, layers $(cat "$WORK"/probe.* | tr '\n' ' '); all $(echo "$(now) - $t0" | bc)"
  rm -f "$WORK"/probe.*
}
for rep in $(seq 1 "$PROBE_REPS"); do
  head -c 1800 /dev/urandom > "$WORK/pcfg.json"; P_CFG=$(push_blob "$D" "bench/probe$rep" "$WORK/pcfg.json")
  P_LAYERS=(); layers_json=""
  for i in 1 2 3; do
    head -c "${PULL_LAYER_MIB}M" /dev/urandom > "$WORK/pl$i.bin"; P_LAYERS+=("$(push_blob "$D" "bench/probe$rep" "$WORK/pl$i.bin")")
    layers_json="$layers_json${layers_json:+,}{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar\",\"size\":$((PULL_LAYER_MIB * 1048576)),\"digest\":\"${P_LAYERS[-1]}\"}"
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1800,"digest":"%s"},"layers":[%s]}' \
    "$P_CFG" "$layers_json" > "$WORK/pmanifest.json"
  curl -fsS -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
    --data-binary "@$WORK/pmanifest.json" -o /dev/null "$D/v2/bench/probe$rep/manifests/v1"
  probe "rep $rep direct" "$D/v2/bench/probe$rep"
  probe "rep $rep mirror" "$M/v2/hub/bench/probe$rep" slipway:bench
  [ -n "${BASELINE_JAR:-}" ] && probe "rep $rep baseline mirror" "http://127.0.0.1:$P_BASE/v2/hub/bench/probe$rep" slipway:bench
done
fi

ratio() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; echo "scale=2; $1 / $2" | bc; }
RESULT=$(cat <<MD
| measure | distribution 2.8.2 | slipway mirror | mirror / distribution |
| --- | --- | --- | --- |
| warm blob GET, ${BLOB_MIB} MiB, 1 client | ${D1} MiB/s | ${M1} MiB/s | $(ratio "$M1" "$D1")x |
| warm blob GET, ${BLOB_MIB} MiB, 8 clients (aggregate) | ${D8} MiB/s | ${M8} MiB/s | $(ratio "$M8" "$D8")x |
| manifest GET, wrk 64 connections | ${DRPS} req/s, p99 ${DP99} | ${MRPS} req/s, p99 ${MP99} | $(ratio "$MRPS" "$DRPS")x req/s |
| upstream bytes for 20 concurrent cold pulls (3 x ${COLD_LAYER_MIB} MiB) | ${PROXY_UP} B (${PROXY_X}x the image, proxy mode) | ${MIRROR_UP} B (${MIRROR_X}x the image) | |
| cold docker pull (3 x ${PULL_LAYER_MIB} MiB, median of ${PULL_REPS:-3}) | ${DIRECT_S} s direct from upstream | ${MIRROR_S} s through the mirror | ${PULL_X}x |
MD
)
echo
echo "$RESULT"
if [ "${1:-}" = "--write-doc" ]; then
  DOC=docs/benchmarks/mirror-service.md
  python3 - "$DOC" "$RESULT" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" <<'PY'
import sys, re
doc, result, when, cores = sys.argv[1:5]
text = open(doc).read()
block = f"<!-- results:start -->\nLatest run: {when}, {cores} cores, mirror at -Xmx256m.\n\n{result}\n<!-- results:end -->"
text = re.sub(r"<!-- results:start -->.*<!-- results:end -->", block, text, flags=re.S)
open(doc, "w").write(text)
PY
  echo "wrote $DOC"
fi
