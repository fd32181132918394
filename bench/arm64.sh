#!/usr/bin/env bash
# arm64 on an amd64 build machine, under emulation (issue 15 item 3): builds the arm64 base, starts its JVM and a real
# service on it, and builds an arm64 service image. NOT a speed claim: qemu translates every arm64 instruction, so the
# times only say how long an emulated start takes here (the amd64 start of the same jar is printed next to it).
# Not part of the test command and not needed by CI (it downloads arm64 packages from the Debian mirror).
#
#   bench/arm64.sh            changes no kernel state:
#     1. scripts/build-base-images.sh --arch arm64: slipway/jre25-base:trixie-slim-arm64 (cross-linked, no arm64
#        code runs; kept afterwards, like every base image)
#     2. qemu-user-static (installed if missing, without binfmt-support, so nothing is registered) runs the base's
#        arm64 java on its exported rootfs (qemu-aarch64-static -L ROOTFS): `java -version`, then the sample model's
#        quarkus-app (built with -Dslipway.images=false) on 127.0.0.1:<free port> until /v2/health/ready answers 200,
#        timed from process start; then the same jar on the amd64 base (docker run) for reference
#     3. jib builds slipway/sample-model:$TAG-arm64 FROM the arm64 base with -Dslipway.aot=false (the AOT training
#        run is a `docker build` RUN step, which needs binfmt); `docker image inspect` must say arm64
#   bench/arm64.sh --binfmt   also, for this run only: mounts binfmt_misc if it is not, registers qemu's aarch64
#        handler (/usr/lib/binfmt.d/qemu-aarch64.conf, flags OPF: F, so that Docker's containers use it) unless one
#        is there, and then builds the jib image WITH its AOT cache trained under emulation, checks it is arm64 and
#        times `docker run --platform linux/arm64` of it to the first 200 on /q/health/ready (and whether the JVM
#        used the cache); it unregisters the handler (and unmounts binfmt_misc) it registered, on exit or failure
#
# Bounded: every wait has a limit (READY_TIMEOUT, default 600 s); on exit it stops the processes and removes the
# containers, images (but the base) and files it made. BUILD=0 uses the sample model's quarkus-app already built.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
TAG=${SLIPWAY_TAG:-latest}
BUILD=${BUILD:-1}
READY_TIMEOUT=${READY_TIMEOUT:-600}
BINFMT=
case ${1:-} in
    --binfmt) BINFMT=1 ;;
    '') ;;
    *) echo "usage: bench/arm64.sh [--binfmt]" >&2; exit 2 ;;
esac
BASE=slipway/jre25-base:trixie-slim-arm64
NATIVE_BASE=slipway/jre25-base:trixie-slim
IMAGE=slipway/sample-model:$TAG-arm64
HANDLER=/proc/sys/fs/binfmt_misc/qemu-aarch64
RUN=slipway-arm64-bench-$$
WORK=$(mktemp -d /tmp/slipway-arm64.XXXXXX)
PID=
MOUNTED=
REGISTERED=

cleanup() {
    [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    local ids
    ids=$(docker ps -aq --filter "label=io.slipway.bench=$RUN")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    docker rmi "$IMAGE" >/dev/null 2>&1 || true
    [ -z "$REGISTERED" ] || { echo -1 >"$HANDLER" && echo "unregistered the qemu-aarch64 binfmt handler" >&2; }
    [ -z "$MOUNTED" ] || umount /proc/sys/fs/binfmt_misc
    rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*" >&2; }
fail() { echo "arm64.sh: $*" >&2; exit 1; }
require_tools docker curl python3

# register_binfmt: qemu's aarch64 handler with the F flag (the interpreter is opened now, so chroots and containers
# without qemu in them use it), from qemu-user-static's own binfmt.d file; a handler already there is kept as it is.
register_binfmt() {
    if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc (needs root)"
        MOUNTED=1
    fi
    if [ -e "$HANDLER" ]; then
        echo "qemu-aarch64 binfmt handler already registered (left as it is): $(tr '\n' ' ' <"$HANDLER")" >&2
    else
        local conf=/usr/lib/binfmt.d/qemu-aarch64.conf
        [ -r "$conf" ] || fail "no $conf (qemu-user-static)"
        tr -d '\n' <"$conf" >/proc/sys/fs/binfmt_misc/register
        REGISTERED=1
        echo "registered the qemu-aarch64 binfmt handler for this run" >&2
    fi
    grep -q '^flags:.*F' "$HANDLER" || fail "the qemu-aarch64 handler lacks the F flag: containers cannot use it"
}

# ready_time URL -> seconds from $T0 until URL answers 200 (polled every 0.1 s, at most READY_TIMEOUT)
ready_time() {
    local deadline=$((SECONDS + READY_TIMEOUT))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || return 1
        if [ -n "$PID" ] && ! kill -0 "$PID" 2>/dev/null; then return 1; fi
        sleep 0.1
    done
    since "$T0"
}

# cpu_s PID -> CPU seconds (user + system, all threads) PID has used: a figure the machine's load changes less than
# the wall-clock time
cpu_s() { awk -v tck="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / tck}' "/proc/$1/stat"; }

# jib_arm64 AOT: slipway/sample-model:$TAG-arm64 FROM the arm64 base; AOT=false leaves out the training run. Fails
# (status 1, the build's log tail printed) when the build does.
jib_arm64() {
    (cd "$ROOT" && SLIPWAY_JIB_BASE_IMAGE=docker://$BASE SLIPWAY_TAG=$TAG-arm64 ./mvnw -B -q package -DskipTests \
        -Dslipway.aot="$1" -pl sample-model -am) >"$WORK/jib.log" 2>&1 || { tail -n 40 "$WORK/jib.log" >&2; return 1; }
    local arch
    arch=$(docker image inspect --format '{{.Os}}/{{.Architecture}}' "$IMAGE")
    echo "$IMAGE: $arch, $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')," \
        "entry point $(docker image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")" >&2
    [ "$arch" = linux/arm64 ] || fail "$IMAGE is $arch, not linux/arm64"
}

step "arm64 base (scripts/build-base-images.sh --arch arm64)"
"$ROOT/scripts/build-base-images.sh" --arch arm64
[ "$(docker image inspect --format '{{.Architecture}}' "$BASE")" = arm64 ] || fail "$BASE is not arm64"
docker image inspect "$NATIVE_BASE" >/dev/null 2>&1 || fail "no $NATIVE_BASE (scripts/build-base-images.sh)"
source "$ROOT/scripts/lib.sh" && apt_install qemu-user-static curl
QEMU=$(command -v qemu-aarch64-static)

if [ "$BUILD" = 1 ]; then
    step "sample model quarkus-app (-Dslipway.images=false)"
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Dslipway.images=false -pl sample-model -am) >"$WORK/mvn.log" 2>&1 \
        || { tail -n 40 "$WORK/mvn.log" >&2; fail "sample-model build failed"; }
fi
APP=$ROOT/sample-model/target/quarkus-app
[ -f "$APP/quarkus-run.jar" ] || fail "no $APP/quarkus-run.jar (BUILD=1 builds it)"

step "the arm64 JVM under qemu-user ($("$QEMU" --version | head -n 1)), no binfmt"
id=$(docker create --label "io.slipway.bench=$RUN" --platform linux/arm64 "$BASE")
mkdir "$WORK/rootfs"
docker export "$id" | tar -C "$WORK/rootfs" -x
docker rm "$id" >/dev/null
T0=$(now)
"$QEMU" -L "$WORK/rootfs" "$WORK/rootfs/opt/java/bin/java" -version 2>&1 | sed 's/^/  /' >&2
echo "java -version, emulated: $(since "$T0") s" >&2

port=$(free_port)
T0=$(now)
QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$port \
    "$QEMU" -L "$WORK/rootfs" "$WORK/rootfs/opt/java/bin/java" -jar "$APP/quarkus-run.jar" >"$WORK/emulated.log" 2>&1 &
PID=$!
emulated=$(ready_time "http://127.0.0.1:$port/v2/health/ready") \
    || { tail -n 30 "$WORK/emulated.log" >&2; fail "the sample model on the arm64 JVM was not ready in $READY_TIMEOUT s"; }
emulated_cpu=$(cpu_s "$PID")
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
grep -m1 ' started in ' "$WORK/emulated.log" | sed 's/^/  /' >&2 || true
echo "sample model on the arm64 JVM, emulated (qemu-aarch64-static -L), process start to first 200 on /v2/health/ready: $emulated s ($emulated_cpu CPU s)" >&2

port=$(free_port)
T0=$(now)
docker run -d --label "io.slipway.bench=$RUN" --name "$RUN-amd64" -p "127.0.0.1:$port:8000" -v "$APP:/app:ro" \
    "$NATIVE_BASE" java -jar /app/quarkus-run.jar >/dev/null
native=$(ready_time "http://127.0.0.1:$port/v2/health/ready") \
    || { docker logs "$RUN-amd64" 2>&1 | tail -n 30 >&2; fail "the sample model on the amd64 base was not ready"; }
native_cpu=$(cpu_s "$(docker inspect --format '{{.State.Pid}}' "$RUN-amd64")")
docker rm -f "$RUN-amd64" >/dev/null
echo "same jar on the amd64 base (reference, native), docker run to first 200: $native s ($native_cpu CPU s)" >&2

if [ -z "$BINFMT" ]; then
    step "arm64 image by jib on the arm64 base, no AOT cache (-Dslipway.aot=false: its training needs binfmt)"
    jib_arm64 false || fail "jib build failed"
    aot="not trained (no binfmt; rerun with --binfmt)"
    image_start="not started (no binfmt)"
else
    step "binfmt: qemu-aarch64 for this run"
    register_binfmt
    docker run --rm --platform linux/arm64 --network none "$BASE" java -version 2>&1 | sed 's/^/  /' >&2
    step "arm64 image by jib on the arm64 base, AOT cache trained under emulation"
    T0=$(now)
    if jib_arm64 true; then
        aot="trained under emulation, image build $(since "$T0") s"
    else
        # aot-train.sh gives the training start a bounded time, which an emulated start can exceed.
        aot="training under emulation FAILED after $(since "$T0") s (log above); image built without a cache"
        echo "$aot" >&2
        jib_arm64 false || fail "jib build failed"
    fi
    port=$(free_port)
    T0=$(now)
    docker run -d --label "io.slipway.bench=$RUN" --name "$RUN-image" --platform linux/arm64 \
        -p "127.0.0.1:$port:8000" -e JAVA_TOOL_OPTIONS=-Xlog:aot=info "$IMAGE" >/dev/null
    image_start=$(ready_time "http://127.0.0.1:$port/q/health/ready") \
        || { docker logs "$RUN-image" 2>&1 | tail -n 30 >&2; fail "$IMAGE was not ready in $READY_TIMEOUT s"; }
    image_cpu=$(cpu_s "$(docker inspect --format '{{.State.Pid}}' "$RUN-image")")
    docker logs "$RUN-image" >"$WORK/image.log" 2>&1
    used=$(grep -m1 -o 'Using AOT-linked classes: [a-z]*' "$WORK/image.log" || echo "no AOT log line")
    image_start="$image_start s ($image_cpu CPU s), docker run to first 200 on /q/health/ready, emulated ($used)"
fi

printf '\n| what (arm64 under qemu-user 7.2 on amd64: EMULATED, not a speed figure) | result |\n|---|---|\n'
printf '| base | %s, %s |\n' "$BASE" "$(docker image inspect --format '{{.Architecture}} {{.Size}}' "$BASE" | awk '{printf "%s, %.0f MB", $1, $2/1e6}')"
printf '| sample model on the arm64 JVM (qemu-aarch64-static -L rootfs), process start to first 200 on /v2/health/ready | %s s (%s CPU s) |\n' "$emulated" "$emulated_cpu"
printf '| same jar on the amd64 base, native, docker run to first 200 (reference) | %s s (%s CPU s) |\n' "$native" "$native_cpu"
printf '| jib image %s | linux/arm64; AOT cache %s |\n' "$IMAGE" "$aot"
printf '| that image started | %s |\n' "$image_start"
