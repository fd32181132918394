#!/usr/bin/env bash
# Benchmark: the fast flavour's JVM options (FLAGS, the entry point's: Serial GC, C1 only) against the JVM's defaults
# (G1, C1+C2 tiered), same jars, same JDK 25, one run, everything on 127.0.0.1. Per workload and variant, ROUNDS
# rounds alternating between the two (so a shared machine's load moves both alike): a fresh JVM, WARM s of wrk to
# warm it up, then MEASURE s of wrk measured: requests/s, and the JVM's CPU time per 1,000 requests (user+system of
# the java process over the measured window, /proc/PID/stat), which moves much less with the machine's load than
# requests/s do. Workloads, the hot paths of the services whose throughput matters:
#   model-infer      POST /v2/models/sample-model/infer on sample-model (REST + Jackson + the model)
#   gateway-submit   POST /jobs on inference-gateway with its embedded H2 store (a durable job per 202); the jobs go
#                    to a sample-model (JVM defaults, the same for both variants) and ask it for 5 s each, one at a
#                    time, so the dispatcher stays out of the way of what is measured, as in bench/gateway.sh
#   mirror-blob-get  GET of a 64 KiB blob stored in mirror-service (authenticated)
# WARM decides what is measured: C2 needs many seconds of load (more on a busy machine) before it has compiled the
# hot paths, C1 only a few; WARM=5 is the first seconds after a start (a host just scaled up), WARM=30 nearer peak.
# Bounded: ~4 minutes with ROUNDS=2 WARM=5, ~9 with WARM=30; stops all it started.
# Usage: bench/jvm-flags.sh   (needs: wrk, curl, JDK 25 at JAVA25 (default: Temurin 25), the jars: ./mvnw package)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-$(dpkg --print-architecture)/bin/java}
FLAGS=${FLAGS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}
ROUNDS=${ROUNDS:-2}
WARM=${WARM:-5}
MEASURE=${MEASURE:-8}
CONNS=${CONNS:-16}
WORK=$(mktemp -d /tmp/slipway-bench-jvm-flags.XXXXXX)
PID=
MODEL_PID=
cleanup() {
  [ -z "$PID" ] || kill "$PID" 2>/dev/null || true
  [ -z "$MODEL_PID" ] || kill "$MODEL_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
require_tools wrk curl sha256sum
[ -x "$JAVA25" ] || { echo "no JDK 25 at $JAVA25 (set JAVA25)"; exit 1; }
for m in sample-model inference-gateway mirror-service; do
  [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || ./mvnw -B -q -pl "$m" package -DskipTests -Dslipway.images=false
done

cat > "$WORK/infer.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}'
LUA
cat > "$WORK/submit.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"sample-model","input":{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"parameters":{"latency_ms":5000}}}'
LUA
# The model the gateway's jobs go to, under the path nginx gives it (/models/<service>/...).
MODEL_PORT=$(free_port)
"$JAVA25" -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$MODEL_PORT" -Dquarkus.log.level=WARN \
  -Dquarkus.http.root-path=/models/sample-model -jar sample-model/target/quarkus-app/quarkus-run.jar \
  > "$WORK/model.log" 2>&1 &
MODEL_PID=$!
wait_http "http://127.0.0.1:$MODEL_PORT/models/sample-model/v2/health/ready"
head -c 65536 /dev/urandom > "$WORK/blob"
BLOB="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"

# start WORKLOAD OPTS: a fresh JVM for the workload on a free port (PID, PORT), ready, with its data in $WORK/data.
start() {
  local jar opts=() port
  PORT=$(free_port); rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  read -r -a opts <<< "$2"
  case $1 in
    model-infer) jar=sample-model ;;
    gateway-submit) jar=inference-gateway
      opts+=(-Dgateway.store.url="jdbc:h2:file:$WORK/data/jobs" -Dgateway.models.url="http://127.0.0.1:$MODEL_PORT"
        -Dgateway.models.names=sample-model -Dgateway.models.index="$WORK/data/none.json"
        -Dgateway.dispatch.concurrency=1 -Dgateway.dispatch.max-queue-depth=100000000) ;;
    mirror-blob-get) jar=mirror-service
      opts+=(-Dmirror.storage.root="$WORK/data/registry" -Dmirror.auth.password=bench) ;;
  esac
  "$JAVA25" "${opts[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dquarkus.log.level=WARN \
    -jar "$jar/target/quarkus-app/quarkus-run.jar" > "$WORK/jvm.log" 2>&1 &
  PID=$!
  wait_http "http://127.0.0.1:$PORT/q/health/ready"
  if [ "$1" = mirror-blob-get ]; then
    local loc
    loc=$(curl -fsS -u slipway:bench -X POST -D - -o /dev/null "http://127.0.0.1:$PORT/v2/bench/blobs/uploads/" \
      | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    case $loc in http*) ;; *) loc="http://127.0.0.1:$PORT$loc" ;; esac
    case $loc in *\?*) loc="$loc&digest=$BLOB" ;; *) loc="$loc?digest=$BLOB" ;; esac
    curl -fsS -u slipway:bench -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/blob" \
      -o /dev/null "$loc"
  fi
}
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$PID/stat"; }
# drive WORKLOAD SECONDS -> "requests non_2xx"
drive() {
  local args=(-t2 -c"$CONNS" -d"$2s")
  case $1 in
    model-infer) args+=(-s "$WORK/infer.lua" "http://127.0.0.1:$PORT/v2/models/sample-model/infer") ;;
    gateway-submit) args+=(-s "$WORK/submit.lua" "http://127.0.0.1:$PORT/jobs") ;;
    mirror-blob-get) args+=(-H "Authorization: Basic $(printf slipway:bench | base64)"
      "http://127.0.0.1:$PORT/v2/bench/blobs/$BLOB") ;;
  esac
  wrk "${args[@]}" > "$WORK/wrk.txt"
  awk '/requests in/ {r=$1} /Non-2xx/ {b=$5} END {print r, b + 0}' "$WORK/wrk.txt"
}

echo "JDK: $("$JAVA25" -version 2>&1 | head -n 1); $(nproc) cores, load at the start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| workload | JVM options | requests/s, median of $ROUNDS rounds (range) | CPU ms per 1,000 requests (range) | non-2xx | vs defaults (requests/s, CPU per request) |"
echo "|---|---|---|---|---|---|"
for workload in model-infer gateway-submit mirror-blob-get; do
  : > "$WORK/defaults"; : > "$WORK/flags"
  for _ in $(seq "$ROUNDS"); do
    for variant in defaults flags; do
      start "$workload" "$([ "$variant" = flags ] && echo "$FLAGS" || true)"
      drive "$workload" "$WARM" > /dev/null
      c0=$(cpu_ms)
      read -r requests bad < <(drive "$workload" "$MEASURE")
      c1=$(cpu_ms)
      kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
      echo "$(python3 -c "print(round($requests / $MEASURE))") $(python3 -c "print(round(($c1 - $c0) * 1000 / max(1, $requests), 1))") $bad" \
        >> "$WORK/$variant"
    done
  done
  for variant in defaults flags; do
    read -r rps rlo rhi cpu clo chi bad < <(python3 - "$WORK/$variant" "$WORK/defaults" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
base = [list(map(float, l.split())) for l in open(sys.argv[2])]
r = [x[0] for x in rows]; c = [x[1] for x in rows]
print(round(statistics.median(r)), round(min(r)), round(max(r)), statistics.median(c), min(c), max(c),
      int(sum(x[2] for x in rows)))
PY
)
    read -r brps bcpu < <(python3 -c "
import statistics
rows=[list(map(float,l.split())) for l in open('$WORK/defaults')]
print(statistics.median([x[0] for x in rows]), statistics.median([x[1] for x in rows]))")
    label=$([ "$variant" = flags ] && echo "\`$FLAGS\`" || echo "JVM defaults")
    echo "| $workload | $label | $rps ($rlo–$rhi) | $cpu ($clo–$chi) | $bad | $(ratio "$rps" "$brps")x, $(ratio "$cpu" "$bcpu")x |"
  done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
