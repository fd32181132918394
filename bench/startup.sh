#!/usr/bin/env bash
# Startup benchmark of the service images (issue 15). Bounded: ~5 minutes with images built, stops by itself.
#
# For each service and the sample model, in one run, these variants:
#   jdk17     the plain flavour (-Pjdk17: JRE 17 base, fast-jar), tag $TAG-jdk17
#   baseline  only with BASELINE=TAG: the images slipway/SERVICE:TAG (e.g. the default flavour of an earlier commit,
#             built under another tag), to measure a change against what it replaces in the same run
#   fast      the default flavour (JDK 25 jlinked runtime, aot-jar, AOT cache trained in the image build, the entry
#             point's JVM options: Serial GC, C1 only), tag $TAG; the script checks that it ran on its AOT cache
# (medians over the runs; "of which docker start", Quarkus' own "started in" and the JVM's CPU time until ready show
# where the time goes: the CPU time moves least with the load of a shared machine)
# it times REPS fresh containers each from `docker start` to the first 200 on /q/health/ready (one python3 process
# polling every 5 ms on a published 127.0.0.1 port) and prints the median and range, the image size (and gzip'ed `docker save`,
# what a host pulls), and the java process's RSS $IDLE (3) s after ready (idle, as /proc/PID/status VmRSS).
#   bench/startup.sh                 builds both flavours first (BUILD=0: use the images already built)
#   REPS=5 SERVICES="sample-model" bench/startup.sh
#   BUILD=0 BASELINE=before bench/startup.sh    (slipway/*:before built from the commit to compare against)
# deploy-controller runs on the engine socket but with an nginx dir without routes (/tmp) and a compose project of
# its own, so it manages nothing; mirror-service with compose's Docker Hub upstream (not reachable from here: its
# probe fails on DNS); every container this starts is removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG=${SLIPWAY_TAG:-latest}
REPS=${REPS:-5}
BUILD=${BUILD:-1}
SERVICES=${SERVICES:-sample-model mirror-service deploy-controller inference-gateway}
BASELINE=${BASELINE:-}
IDLE=${IDLE:-3}
RUN=slipway-startup-bench-$$
WORK=$(mktemp -d)
cleanup() {
    ids=$(docker ps -aq --filter "label=io.slipway.bench=$RUN")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
# START-AND-POLL CONTAINER PORT TIMEOUT_S -> "t0 ts t1" (ms): before `docker start`, when it returned, the first 200 on
# /q/health/ready. One process that polls every 5 ms over HTTP without forking: a curl + sleep loop here costs
# 15-60 ms a round (a fork each, more under load), which showed up in every start it timed.
cat >"$WORK/start-and-poll.py" <<'PY'
import http.client, subprocess, sys, time
container, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ms = lambda: int(time.time() * 1000)
t0 = ms()
subprocess.run(["docker", "start", container], check=True, stdout=subprocess.DEVNULL)
ts = ms()
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/q/health/ready")
        status = c.getresponse().status
        c.close()
        if status == 200:
            break
    except (OSError, http.client.HTTPException):
        pass
    if ms() - ts > timeout * 1000:
        sys.exit(1)
    time.sleep(0.005)
print(t0, ts, ms())
PY
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh" # free_port; this script's median (of stdin, in ms) below replaces lib.sh's

if [ "$BUILD" = 1 ]; then
    echo "building the fast flavour (tag $TAG) and the jdk17 flavour (tag $TAG-jdk17) ..." >&2
    (cd "$ROOT" && SLIPWAY_TAG=$TAG ./mvnw -B -q package -DskipTests -pl ${SERVICES// /,} -am)
    (cd "$ROOT" && SLIPWAY_TAG=$TAG-jdk17 ./mvnw -B -q package -DskipTests -Pjdk17 -pl ${SERVICES// /,} -am)
fi

port_of() { case $1 in sample-model) echo 8000 ;; mirror-service) echo 5000 ;; *) echo 8080 ;; esac; }

# one_start SERVICE IMAGE JAVA_TOOL_OPTIONS -> "ms rss_kb jvm_ms engine_ms cpu_ms" (ms: docker start -> first 200 on
# /q/health/ready; jvm_ms: what Quarkus logs as "started in"; engine_ms: until `docker start` returned, the engine's
# share; cpu_ms: the java process's user+system CPU time when the first 200 came); the container's log is left in
# $WORK/last.log.
one_start() {
    local service=$1 image=$2 opts=$3 port name id t0 ts t1 pid cpu rss jvm extra=()
    port=$(free_port)
    name=$RUN-$service-$RANDOM
    [ "$service" != deploy-controller ] || extra=(-v /var/run/docker.sock:/var/run/docker.sock
        --group-add "$(stat -c %g /var/run/docker.sock)" -e DEPLOY_NGINX_CONFIG_DIR=/tmp
        -e DEPLOY_STATE_DIR=/tmp -e DEPLOY_COMPOSE_PROJECT=$RUN -e DEPLOY_AUTH_TOKEN=bench)
    # mirror-service as docker-compose.yml runs it: Docker Hub as its (default) upstream.
    [ "$service" != mirror-service ] || extra=(-e MIRROR_UPSTREAMS_DOCKERHUB_ENABLED=true
        -e MIRROR_PROXY_DEFAULT_UPSTREAM=dockerhub)
    [ -z "$opts" ] || extra+=(-e "JAVA_TOOL_OPTIONS=$opts")
    id=$(docker create --label "io.slipway.bench=$RUN" --name "$name" -p "127.0.0.1:$port:$(port_of "$service")" \
        "${extra[@]}" "$image")
    read -r t0 ts t1 < <(python3 "$WORK/start-and-poll.py" "$id" "$port" 120) \
        || { docker logs "$id" 2>&1 | tail -n 20 >&2; echo "$image not ready in 120 s" >&2; exit 1; }
    pid=$(docker inspect --format '{{.State.Pid}}' "$id")
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
    sleep "$IDLE"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    docker logs "$id" >"$WORK/last.log" 2>&1
    jvm=$(sed -n 's/.* started in \([0-9.]*\)s.*/\1/p' "$WORK/last.log" | head -n 1 | awk '{printf "%d", $1 * 1000}')
    docker rm -f -v "$id" >/dev/null
    echo "$((t1 - t0)) $rss ${jvm:-0} $((ts - t0)) $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
VARIANTS="jdk17${BASELINE:+ baseline} fast"
image_of() { case $2 in jdk17) echo "slipway/$1:$TAG-jdk17" ;; baseline) echo "slipway/$1:$BASELINE" ;; *) echo "slipway/$1:$TAG" ;; esac; }

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo "| service | variant | docker start → first 200 on /q/health/ready, median of $REPS (range) | vs jdk17 | of which \`docker start\` | Quarkus \"started in\" | JVM CPU time until ready | image size (gzip'ed) | idle RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for service in $SERVICES; do
    for variant in $VARIANTS; do
        docker image inspect "$(image_of "$service" "$variant")" >/dev/null 2>&1 \
            || { echo "no image $(image_of "$service" "$variant") (run with BUILD=1)" >&2; exit 1; }
        : >"$WORK/runs-$variant"
    done
    # Interleaved, so that the load of this shared machine moves all variants alike.
    for _ in $(seq "$REPS"); do
        for variant in $VARIANTS; do
            one_start "$service" "$(image_of "$service" "$variant")" "" >>"$WORK/runs-$variant"
        done
    done
    base=$(awk '{print $1}' "$WORK/runs-jdk17" | median)
    for variant in $VARIANTS; do
        image=$(image_of "$service" "$variant")
        if [ "$variant" != jdk17 ]; then
            # The cache must be used with the entry point's flags (plus the AOT log, which leaves it valid).
            one_start "$service" "$image" "-Xlog:aot=info" >/dev/null
            grep -q 'Using AOT-linked classes: true' "$WORK/last.log" \
                || { echo "$image ($variant) did not use its AOT cache" >&2; exit 1; }
        fi
        runs=$WORK/runs-$variant
        ms=$(awk '{print $1}' "$runs" | median)
        lo=$(awk '{print $1}' "$runs" | sort -n | head -n 1)
        hi=$(awk '{print $1}' "$runs" | sort -n | tail -n 1)
        rss=$(awk '{print $2}' "$runs" | median)
        jvm=$(awk '{print $3}' "$runs" | median)
        engine=$(awk '{print $4}' "$runs" | median)
        cpu=$(awk '{print $5}' "$runs" | median)
        size=$(docker image inspect --format '{{.Size}}' "$image")
        gz=$(docker save "$image" | gzip -1 | wc -c)
        printf '| %s | %s | %s s (%s–%s) | %s | %s s | %s s | %s s | %d MB (%d MB) | %d MB |\n' "$service" "$variant" \
            "$(secs "$ms")" "$(secs "$lo")" "$(secs "$hi")" "$(awk -v a="$ms" -v b="$base" 'BEGIN {printf "%.2fx", a / b}')" \
            "$(secs "$engine")" "$(secs "$jvm")" "$(secs "$cpu")" $((size / 1000000)) $((gz / 1000000)) $((rss / 1024))
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
