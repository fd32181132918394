#!/usr/bin/env bash
# Benchmark: the mirror on S3, one run, ratios against real peers on the same machine and the same S3 server.
#   warm blob GET throughput (1 and 8 concurrent clients, median of $REPS, interleaved) from
#     - mirror-service on S3 (bytes streamed through the mirror)
#     - mirror-service on S3 with presigned redirects (MIRROR_STORAGE_S3_REDIRECT=true; curl follows the 307)
#     - CNCF distribution (Debian's docker-registry 2.8) with its s3-aws driver, redirects off (bytes through it)
#     - mirror-service on the local filesystem (sendfile), for scale
#   all S3 traffic to one s3proxy (filesystem backend) on 127.0.0.1.
#   S3 requests per blob pulled (blob GET and HEAD): distribution (s3-aws) vs the mirror, counted from the request log
#     of a second s3proxy that serves only those two.
# Usage: bench/mirror-s3.sh [--write-doc]   (needs: java, docker-registry, curl, bc; builds what is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
JAR=mirror-service/target/quarkus-app/quarkus-run.jar
S3PROXY=mirror-service/target/s3proxy/s3proxy.jar
BLOB_MIB=${BLOB_MIB:-256}
REPS=${REPS:-3}
bench_work mirror-s3
for tool in java docker-registry curl bc python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }
done
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service package -DskipTests -Dslipway.images=false
[ -f "$S3PROXY" ] || ./mvnw -B -q -pl mirror-service generate-test-resources -Dslipway.images=false

KEY=slipway-bench SECRET=slipway-bench-secret BUCKET=bench

echo "== setup: s3proxy, distribution (s3-aws), three mirrors; blob ${BLOB_MIB} MiB"
# shellcheck source=lib/s3proxy.sh
source bench/lib/s3proxy.sh
# start_distribution DIR PORT S3-URL: distribution with its s3-aws driver on that S3 server.
start_distribution() {
  local dir=$1 port=$2 s3=$3
  mkdir -p "$dir"
  cat > "$dir/config.yml" <<CONF
version: 0.1
log: {level: error, formatter: text}
storage:
  s3: {accesskey: $KEY, secretkey: $SECRET, region: us-east-1, regionendpoint: "$s3", bucket: $BUCKET,
       rootdirectory: /distribution, secure: false, v4auth: true}
  redirect: {disable: true}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$port, secret: bench}
CONF
  # A CA bundle from the environment breaks its plain-HTTP client setup (and is of no use on 127.0.0.1).
  env -u AWS_CA_BUNDLE docker-registry serve "$dir/config.yml" > "$dir/out.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/v2/"
}
P_S3=$(free_port); S3="http://127.0.0.1:$P_S3"
start_s3proxy "$WORK/s3" "$P_S3"
P_DIST=$(free_port); D="http://127.0.0.1:$P_DIST"
start_distribution "$WORK/dist" "$P_DIST" "$S3"

start_mirror() { # name port [extra -D options...]
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name"
  AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET java -Xmx256m "-Dquarkus.http.port=$port" \
    "-Dmirror.storage.root=$WORK/$name/root" -Dmirror.auth.password=bench -Dquarkus.log.level=WARN "$@" \
    -jar "$JAR" > "$WORK/$name/out.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$port/q/health/ready"
}
S3_OPTS=(-Dmirror.storage.type=s3 "-Dmirror.storage.s3.bucket=$BUCKET" "-Dmirror.storage.s3.endpoint=$S3"
  -Dmirror.storage.s3.path-style=true)
P_MS3=$(free_port); MS3="http://127.0.0.1:$P_MS3"
start_mirror ms3 "$P_MS3" "${S3_OPTS[@]}" -Dmirror.storage.s3.prefix=mirror
P_MRD=$(free_port); MRD="http://127.0.0.1:$P_MRD"
start_mirror mrd "$P_MRD" "${S3_OPTS[@]}" -Dmirror.storage.s3.prefix=mirror -Dmirror.storage.s3.redirect=true
P_MFS=$(free_port); MFS="http://127.0.0.1:$P_MFS"
start_mirror mfs "$P_MFS"

head -c "${BLOB_MIB}M" /dev/urandom > "$WORK/big.bin"
BIG_D="sha256:$(sha256sum "$WORK/big.bin" | cut -d' ' -f1)"
push_blob() { # base-url [user:pass [file digest]]: start an upload, then PUT the whole blob with its digest
  local a=() loc file=${3:-$WORK/big.bin} digest=${4:-$BIG_D}
  [ -n "${2:-}" ] && a=(-u "$2")
  loc=$(curl -fsS "${a[@]}" -X POST -D - -o /dev/null "$1/v2/bench/warm/blobs/uploads/" | tr -d '\r' \
    | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) ;; *) loc="$1$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$digest" ;; *) loc="$loc?digest=$digest" ;; esac
  curl -fsS "${a[@]}" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
    -o /dev/null "$loc"
}
# distribution 2.8's s3-aws upload path panics against s3proxy (nil from ListMultipartUploads, s3.go:591), so its
# objects go into the bucket directly, in distribution's own layout (the filesystem backend keeps objects as files).
seed_distribution() { # [s3-dir [file digest]]
  local data=${1:-$WORK/s3}/data file=${2:-$WORK/big.bin} digest=${3:-$BIG_D}
  local hex=${digest#sha256:} v2="$data/$BUCKET/distribution/docker/registry/v2"
  mkdir -p "$v2/blobs/sha256/${hex:0:2}/$hex" "$v2/repositories/bench/warm/_layers/sha256/$hex"
  cp "$file" "$v2/blobs/sha256/${hex:0:2}/$hex/data"
  printf '%s' "$digest" > "$v2/repositories/bench/warm/_layers/sha256/$hex/link"
}
seed_distribution
push_blob "$MS3" slipway:bench    # MRD shares MS3's bucket prefix: the blob is there for it too
push_blob "$MFS" slipway:bench
for base in "$D" "$MS3" "$MRD" "$MFS"; do   # every path answers, and with the right bytes
  got=$(curl -fsSL --max-time 300 "$base/v2/bench/warm/blobs/$BIG_D" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$BIG_D" ] || { echo "wrong bytes from $base"; exit 1; }
done

get_once() { # url clients -> MiB/s (aggregate)
  local t0 t1
  t0=$(now)
  for _ in $(seq 1 "$2"); do curl -fsSL -o /dev/null --max-time 300 "$1" & done
  wait
  t1=$(now)
  echo "scale=0; $BLOB_MIB * $2 / ($t1 - $t0)" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
compare() { # clients -> "dist ms3 mrd mfs"
  local d=() s=() r=() f=()
  for _ in $(seq 1 "$REPS"); do
    d+=("$(get_once "$D/v2/bench/warm/blobs/$BIG_D" "$1")")
    s+=("$(get_once "$MS3/v2/bench/warm/blobs/$BIG_D" "$1")")
    r+=("$(get_once "$MRD/v2/bench/warm/blobs/$BIG_D" "$1")")
    f+=("$(get_once "$MFS/v2/bench/warm/blobs/$BIG_D" "$1")")
  done
  echo "$(printf '%s\n' "${d[@]}" | median) $(printf '%s\n' "${s[@]}" | median)" \
    "$(printf '%s\n' "${r[@]}" | median) $(printf '%s\n' "${f[@]}" | median)"
}
ratio() { echo "scale=2; $1 / $2" | bc; }

echo "== warm blob GET throughput, MiB/s (median of $REPS, interleaved)"
read -r D1 S1 R1 F1 < <(compare 1)
read -r D8 S8 R8 F8 < <(compare 8)
printf '%-10s %14s %12s %20s %14s\n' clients distribution-s3 mirror-s3 mirror-s3-redirect mirror-fs
printf '%-10s %14s %12s %20s %14s\n' 1 "$D1" "$S1" "$R1" "$F1"
printf '%-10s %14s %12s %20s %14s\n' 8 "$D8" "$S8" "$R8" "$F8"
echo "mirror-s3 / distribution-s3: 1 client $(ratio "$S1" "$D1")x, 8 clients $(ratio "$S8" "$D8")x"
echo "mirror-s3-redirect / distribution-s3: 1 client $(ratio "$R1" "$D1")x, 8 clients $(ratio "$R8" "$D8")x"

# S3 requests per blob pulled: a second s3proxy that logs each request (debug level), one distribution and one
# mirror on it, nothing else; every client request's S3 requests are counted from that log.
COUNT_MIB=${COUNT_MIB:-32}
COUNT_N=${COUNT_N:-20}
echo "== S3 requests per blob pulled (${COUNT_MIB} MiB blob, $COUNT_N requests each, s3proxy request log)"
P_S3C=$(free_port); start_s3proxy "$WORK/s3c" "$P_S3C" debug
P_DC=$(free_port); DC="http://127.0.0.1:$P_DC"; start_distribution "$WORK/distc" "$P_DC" "http://127.0.0.1:$P_S3C"
P_MC=$(free_port); MC="http://127.0.0.1:$P_MC"
start_mirror mc "$P_MC" -Dmirror.storage.type=s3 "-Dmirror.storage.s3.bucket=$BUCKET" \
  "-Dmirror.storage.s3.endpoint=http://127.0.0.1:$P_S3C" -Dmirror.storage.s3.path-style=true \
  -Dmirror.storage.s3.prefix=mirror
head -c "${COUNT_MIB}M" /dev/urandom > "$WORK/count.bin"
COUNT_D="sha256:$(sha256sum "$WORK/count.bin" | cut -d' ' -f1)"
seed_distribution "$WORK/s3c" "$WORK/count.bin" "$COUNT_D"
push_blob "$MC" slipway:bench "$WORK/count.bin" "$COUNT_D"
s3_log_lines() { wc -l < "$WORK/s3c/out.log"; }
count_requests() { # curl-args... -> "S3 requests per client request" "by S3 method over all of them"
  local from
  sleep 1; from=$(s3_log_lines)
  for _ in $(seq 1 "$COUNT_N"); do curl -fsS -o /dev/null --max-time 120 "$@"; done
  sleep 1
  tail -n +"$((from + 1))" "$WORK/s3c/out.log" | grep -o 'S3ProxyHandler.*request: Request([A-Z]*' \
    | sed 's/.*(//' | sort | uniq -c | awk -v n="$COUNT_N" \
      '{t += $1; m = m (m == "" ? "" : ",") $2 ":" $1} END {printf "%.2f %s\n", t / n, (m == "" ? "none" : m)}'
}
for base in "$DC" "$MC"; do   # both answer, with the right bytes (and their first-request setup is done)
  got=$(curl -fsS --max-time 120 "$base/v2/bench/warm/blobs/$COUNT_D" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$COUNT_D" ] || { echo "wrong bytes from $base"; exit 1; }
done
read -r DC_GET DC_GET_M < <(count_requests "$DC/v2/bench/warm/blobs/$COUNT_D")
read -r MC_GET MC_GET_M < <(count_requests "$MC/v2/bench/warm/blobs/$COUNT_D")
read -r DC_HEAD DC_HEAD_M < <(count_requests -I "$DC/v2/bench/warm/blobs/$COUNT_D")
read -r MC_HEAD MC_HEAD_M < <(count_requests -I "$MC/v2/bench/warm/blobs/$COUNT_D")
echo "blob GET:  distribution $DC_GET S3 requests ($DC_GET_M), mirror $MC_GET ($MC_GET_M)"
echo "blob HEAD: distribution $DC_HEAD S3 requests ($DC_HEAD_M), mirror $MC_HEAD ($MC_HEAD_M)"

if [ "${1:-}" = "--write-doc" ]; then
  # The hand-written notes (from "Notes (" on) are kept; the figures above them are rewritten.
  NOTES=$(sed -n '/^Notes (/,$p' docs/benchmarks/mirror-s3.md 2>/dev/null || true)
  cat > docs/benchmarks/mirror-s3.md <<DOC
# mirror-service on S3: warm blob GET

Command: \`bench/mirror-s3.sh --write-doc\` (BLOB_MIB=$BLOB_MIB, REPS=$REPS), $(date -u +%Y-%m-%d), on $(nproc) cores
shared with other work. One s3proxy ($S3PROXY, filesystem backend) on 127.0.0.1 serves every S3 request; all
servers run in the same run, interleaved; figures are medians, aggregate MiB/s over all clients.

| clients | distribution 2.8, s3-aws driver | mirror on S3 | mirror on S3, presigned redirect | mirror on filesystem |
|---|---|---|---|---|
| 1 | $D1 | $S1 ($(ratio "$S1" "$D1")x) | $R1 ($(ratio "$R1" "$D1")x) | $F1 |
| 8 | $D8 | $S8 ($(ratio "$S8" "$D8")x) | $R8 ($(ratio "$R8" "$D8")x) | $F8 |

Ratios are against distribution with its S3 driver on the same s3proxy (redirects off for it, as for "mirror on
S3"; with redirects on, the client reads from s3proxy directly after a 307).

## S3 requests per blob pulled

A second s3proxy at debug level logs every S3 request; one distribution (s3-aws driver, redirects off) and one mirror
on S3 use it and nothing else. $COUNT_N requests for one ${COUNT_MIB} MiB blob already in the bucket, each counted:

| client request | distribution 2.8, s3-aws driver | mirror on S3 | mirror / distribution |
|---|---|---|---|
| blob GET | $DC_GET ($DC_GET_M) | $MC_GET ($MC_GET_M) | $(ratio "$MC_GET" "$DC_GET")x |
| blob HEAD | $DC_HEAD ($DC_HEAD_M) | $MC_HEAD ($MC_HEAD_M) | $(ratio "$MC_HEAD" "$DC_HEAD")x |

(S3 requests per client request, by S3 method in parentheses over all $COUNT_N.)
DOC
  [ -z "$NOTES" ] || printf '\n%s\n' "$NOTES" >> docs/benchmarks/mirror-s3.md
  echo "wrote docs/benchmarks/mirror-s3.md"
fi
