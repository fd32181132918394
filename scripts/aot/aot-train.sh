#!/bin/sh
# The training run of a service's AOT cache, inside `docker build` (see train-image.sh):
#   aot-train.sh CACHE java ARGS...
# starts `java -XX:AOTCacheOutput=CACHE ARGS...` on a private port with its data under a throw-away directory, waits
# until /q/health/live answers, calls /q/health/ready once (whatever it says: deploy-controller has no engine here),
# then stops it with SIGTERM; the JVM writes the cache as it exits. HTTP with `wget` (busybox's in slipway's base,
# which has no curl), or curl in an image without wget.
set -eu
cache=$1; java=$2; shift 2
work=/tmp/slipway-aot-train
port=18079
mkdir -p "$work"
# get URL: fails unless the answer is a 2xx.
if command -v wget >/dev/null; then
  get() { wget -q -t 1 -T 5 -O /dev/null "$1"; }
else
  get() { curl -fsS -m 5 -o /dev/null "$1"; }
fi
# Data of the services (none of it may end up in the image's volumes' directories).
export QUARKUS_HTTP_PORT=$port \
  MIRROR_STORAGE_ROOT=$work/registry \
  GATEWAY_STORE_URL=jdbc:h2:file:$work/jobs/jobs \
  DEPLOY_STATE_DIR=$work/state DEPLOY_NGINX_CONFIG_DIR=$work/nginx DEPLOY_NGINX_SWITCH_CONFIG=$work/switch.conf \
  DEPLOY_DOCKER_HOST=unix://$work/no-engine.sock
# Without the training run's method profiles (JEP 515: they warm the JIT up sooner, they do not start the service
# sooner): 2.3 MB less cache for inference-gateway (69.5 -> 67.2 MB), the same classes, still AOT-linked. Only the
# training run has these flags; the service runs on the cache without them.
"$java" -XX:AOTCacheOutput="$cache" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining "$@" \
  >"$work/train.log" 2>&1 &
pid=$!
i=0
until get "http://127.0.0.1:$port/q/health/live" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
    tail -n 40 "$work/train.log"
    echo "aot-train: the service did not come up for its training run" >&2
    exit 1
  fi
  sleep 0.2
done
get "http://127.0.0.1:$port/q/health/ready" 2>/dev/null || true
# A few more real requests, so that the cache also holds what serving them loads and links (the first answers after
# a start are then faster too): readiness again (what hosts poll), metrics, the API document; errors are fine.
for path in /q/health/ready /q/health/live /q/metrics /q/openapi '/q/openapi?format=json' /v2 /v2/ /models \
    /services /q/health/ready; do
  get "http://127.0.0.1:$port$path" 2>/dev/null || true
done
kill -TERM $pid
status=0
wait $pid || status=$?
# 143 = ended by SIGTERM, which is how a container stops too.
if [ ! -s "$cache" ] || { [ $status -ne 0 ] && [ $status -ne 143 ]; }; then
  tail -n 40 "$work/train.log"
  echo "aot-train: no AOT cache written (exit $status)" >&2
  exit 1
fi
grep -h 'warning\]\[aot' "$work/train.log" | sort | uniq -c | sort -rn | head -n 5 || true
rm -rf "$work" /tmp/vertx-cache /tmp/hsperfdata_* 2>/dev/null || true
