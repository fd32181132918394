#!/usr/bin/env bash
# Adds a trained JDK 25 AOT cache (JEP 483/514) to a service image that jib just built, in place:
#
#   scripts/aot/train-image.sh [--when=BOOL,BOOL] IMAGE
#
# --when: does nothing unless every value is true (Maven passes ${slipway.images},${slipway.aot}).
#
# A `docker build` FROM the jib image starts the service once with -XX:AOTCacheOutput (aot-train.sh: until
# /q/health/live answers, then one readiness call, then SIGTERM), so the cache matches the image's exact jars and JVM;
# the image's entry point then gets -XX:AOTCache. The JVM flags of the training run are the entry point's own:
# a cache is only used with the flags it was trained with (see README, "Images"). With an unusable cache the JVM
# starts without it (AOTMode=auto) and logs a warning. Maven runs this on `package` (skipped with
# -Dslipway.images=false or -Pjdk17).
source "$(dirname "$0")/../lib.sh"

case ${1:-} in
  --when=*) [[ ,${1#--when=}, == *,false,* ]] && exit 0; shift ;;
esac
IMAGE=${1:?usage: train-image.sh [--when=BOOL,BOOL] IMAGE}
CACHE=/home/jboss/aot/app.aot
# The legacy builder: the FROM image is local, nothing is pulled.
export DOCKER_BUILDKIT=0

entrypoint=$(docker image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE") \
  || die "no image $IMAGE to train an AOT cache for"
case $entrypoint in
  '["java",'*) ;;
  *) die "$IMAGE: entry point $entrypoint does not start with java; cannot add an AOT cache" ;;
esac
[[ $entrypoint == *AOTCache* ]] && die "$IMAGE already has an AOT cache ($entrypoint); rebuild it with jib first"
old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")

# JSON exec forms, made from the jib entry point by inserting after "java" (no jq needed on a fresh machine).
train_cmd=${entrypoint/#'["java",'/'["/bin/sh","/opt/slipway/aot-train.sh","'"$CACHE"'","java",'}
run_cmd=${entrypoint/#'["java",'/'["java","-XX:AOTCache='"$CACHE"'",'}

log "training the AOT cache of $IMAGE"
start=$SECONDS
dockerfile="FROM $IMAGE
USER root
COPY aot-train.sh /opt/slipway/aot-train.sh
RUN mkdir -p $(dirname "$CACHE") && chown 1001:0 $(dirname "$CACHE")
USER 1001
RUN $train_cmd
LABEL io.slipway.aot-cache=$CACHE
ENTRYPOINT $run_cmd"
out=$(mktemp)
if ! printf '%s\n' "$dockerfile" | docker build --force-rm -t "$IMAGE" -f - "$(dirname "$0")" >"$out" 2>&1; then
  tail -n 40 "$out" >&2
  rm -f "$out"
  die "training the AOT cache of $IMAGE failed"
fi
rm -f "$out"
# The untrained jib image is superseded; remove it unless something else still uses it.
[ "$(docker image inspect --format '{{.Id}}' "$IMAGE")" = "$old_id" ] || docker rmi "$old_id" >/dev/null 2>&1 || true
size=$(docker run --rm --entrypoint stat "$IMAGE" -c %s "$CACHE")
log "trained $IMAGE in $((SECONDS - start)) s (AOT cache $((size / 1000000)) MB)"
