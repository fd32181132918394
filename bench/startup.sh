#!/usr/bin/env bash
# Startup benchmark of the service images (issue 15). Bounded: ~5 minutes with images built, stops by itself.
#
# For each service and the sample model, in one run, three variants:
#   jdk17     the plain flavour (-Pjdk17: JRE 17 base, fast-jar), tag $TAG-jdk17
#   fast      the default flavour (JDK 25 jlinked runtime, aot-jar, AOT cache trained in the image build), tag $TAG
#   fast+c1   the fast image with JAVA_TOOL_OPTIONS="$C1_OPTS" (C1 only, Serial GC: not the default, see
#             docs/benchmarks.md); the cache stays valid with these flags (the JVM logs it, checked here)
# it times REPS fresh containers each from `docker start` to the first 200 on /q/health/ready (curl polling every
# 10 ms on a published 127.0.0.1 port) and prints the median and range, the image size (and gzip'ed `docker save`,
# what a host pulls), and the java process's RSS 5 s after ready (idle, as /proc/PID/status VmRSS).
#   bench/startup.sh                 builds both flavours first (BUILD=0: use the images already built)
#   REPS=5 SERVICES="sample-model" bench/startup.sh
# Containers run with the deploy-controller on the engine socket but an empty nginx dir and a compose project of
# its own, so it manages nothing; everything it starts is removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG=${SLIPWAY_TAG:-latest}
REPS=${REPS:-5}
BUILD=${BUILD:-1}
SERVICES=${SERVICES:-sample-model mirror-service deploy-controller inference-gateway}
C1_OPTS=${C1_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
RUN=slipway-startup-bench-$$
WORK=$(mktemp -d)
cleanup() {
    ids=$(docker ps -aq --filter "label=io.slipway.bench=$RUN")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

if [ "$BUILD" = 1 ]; then
    echo "building the fast flavour (tag $TAG) and the jdk17 flavour (tag $TAG-jdk17) ..." >&2
    (cd "$ROOT" && SLIPWAY_TAG=$TAG ./mvnw -B -q package -DskipTests -pl ${SERVICES// /,} -am)
    (cd "$ROOT" && SLIPWAY_TAG=$TAG-jdk17 ./mvnw -B -q package -DskipTests -Pjdk17 -pl ${SERVICES// /,} -am)
fi

port_of() { case $1 in sample-model) echo 8000 ;; mirror-service) echo 5000 ;; *) echo 8080 ;; esac; }

# one_start SERVICE IMAGE JAVA_TOOL_OPTIONS -> "ms rss_kb" (ms: docker start -> first 200 on /q/health/ready)
one_start() {
    local service=$1 image=$2 opts=$3 port name id t0 t1 pid rss extra=()
    port=$(free_port)
    name=$RUN-$service-$RANDOM
    [ "$service" != deploy-controller ] || extra=(-v /var/run/docker.sock:/var/run/docker.sock
        --group-add "$(stat -c %g /var/run/docker.sock)" -e DEPLOY_NGINX_CONFIG_DIR=/tmp/nginx
        -e DEPLOY_STATE_DIR=/tmp/state -e DEPLOY_COMPOSE_PROJECT=$RUN -e DEPLOY_AUTH_TOKEN=bench)
    [ -z "$opts" ] || extra+=(-e "JAVA_TOOL_OPTIONS=$opts")
    id=$(docker create --label "io.slipway.bench=$RUN" --name "$name" -p "127.0.0.1:$port:$(port_of "$service")" \
        "${extra[@]}" "$image")
    t0=$(now_ms)
    docker start "$id" >/dev/null
    local deadline=$((SECONDS + 120))
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { docker logs "$id" 2>&1 | tail -n 20 >&2; echo "$image not ready in 120 s" >&2; exit 1; }
        sleep 0.01
    done
    t1=$(now_ms)
    sleep 5
    pid=$(docker inspect --format '{{.State.Pid}}' "$id")
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    docker logs "$id" >"$WORK/last.log" 2>&1
    docker rm -f -v "$id" >/dev/null
    echo "$((t1 - t0)) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

echo "| service | variant | start → first 200 on /q/health/ready, median of $REPS (range) | image size (gzip'ed) | idle RSS (median) |"
echo "|---|---|---|---|---|"
for service in $SERVICES; do
    for variant in jdk17 fast fast+c1; do
        case $variant in
            jdk17) image=slipway/$service:$TAG-jdk17 opts="" ;;
            fast) image=slipway/$service:$TAG opts="" ;;
            fast+c1) image=slipway/$service:$TAG opts=$C1_OPTS ;;
        esac
        docker image inspect "$image" >/dev/null 2>&1 || { echo "no image $image (run with BUILD=1)" >&2; exit 1; }
        : >"$WORK/runs"
        for _ in $(seq "$REPS"); do one_start "$service" "$image" "$opts" >>"$WORK/runs"; done
        if [ "$variant" != jdk17 ]; then
            # The cache must have been used: check the last run's log with the same flags plus the AOT log.
            one_start "$service" "$image" "${opts:+$opts }-Xlog:aot=info" >/dev/null
            grep -q 'Using AOT-linked classes: true' "$WORK/last.log" \
                || { echo "$image ($variant) did not use its AOT cache" >&2; exit 1; }
        fi
        ms=$(awk '{print $1}' "$WORK/runs" | median)
        lo=$(awk '{print $1}' "$WORK/runs" | sort -n | head -1)
        hi=$(awk '{print $1}' "$WORK/runs" | sort -n | tail -1)
        rss=$(awk '{print $2}' "$WORK/runs" | median)
        size=$(docker image inspect --format '{{.Size}}' "$image")
        gz=$(docker save "$image" | gzip -1 | wc -c)
        printf '| %s | %s | %d.%03d s (%d.%03d–%d.%03d) | %d MB (%d MB) | %d MB |\n' "$service" "$variant" \
            $((ms / 1000)) $((ms % 1000)) $((lo / 1000)) $((lo % 1000)) $((hi / 1000)) $((hi % 1000)) \
            $((size / 1000000)) $((gz / 1000000)) $((rss / 1024))
    done
done
