#!/usr/bin/env bash
# Benchmark: slipway inference-gateway against its real peers, one run, everything on 127.0.0.1.
#   1. sync passthrough: p50/p99 of POST /v2/models/sample-model/infer through gateway+nginx vs nginx directly,
#      open loop at RATE req/s (default 500), rounds alternating between the two.
#   2. durable submissions/s: POST /jobs with wrk (CONNS connections, SUBMIT_SECONDS) on the embedded H2 store and
#      on PostgreSQL, vs PostgreSQL's own rate of one-row INSERT transactions (pgbench, same clients, same cluster).
#      A 202 is only sent after the job is committed, so every counted submission is durable.
# Bounded: every step has a fixed duration; the script stops all it started and removes its temp dir.
# Usage: bench/gateway.sh   (needs: nginx, wrk, curl, postgresql 15 (initdb, pg_ctl, pgbench), java 17)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
RATE=${RATE:-500}
ROUND_SECONDS=${ROUND_SECONDS:-6}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
SUBMIT_SECONDS=${SUBMIT_SECONDS:-8}
PGBIN=/usr/lib/postgresql/15/bin
GATEWAY_JAR=inference-gateway/target/quarkus-app/quarkus-run.jar
MODEL_JAR=sample-model/target/quarkus-app/quarkus-run.jar
bench_work gateway
chmod 755 "$WORK"
bench_cleanup() {
  [ -d "$WORK/pg/data" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
}
for tool in nginx wrk curl java; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }; done
[ -x "$PGBIN/pgbench" ] || { echo "missing PostgreSQL 15 (apt-get install postgresql)"; exit 1; }
[ -f "$MODEL_JAR" ] || ./mvnw -B -q -pl sample-model package -DskipTests -Dslipway.images=false
[ -f "$GATEWAY_JAR" ] || ./mvnw -B -q -pl inference-gateway package -DskipTests -Dslipway.images=false


MODEL_PORT=$(free_port); NGINX_PORT=$(free_port); PG_PORT=$(free_port)
java -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$MODEL_PORT" -Dquarkus.log.level=WARN \
  -jar "$MODEL_JAR" > "$WORK/model.log" 2>&1 &
PIDS+=($!)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/f; uwsgi_temp_path $WORK/nginx/u; scgi_temp_path $WORK/nginx/s;
  proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; proxy_request_buffering off;
  upstream slipway_model_sample-model { server 127.0.0.1:$MODEL_PORT; keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /models/sample-model/ { proxy_pass http://slipway_model_sample-model/; }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U slipway -A trust -E UTF8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql_() { psql -q -h 127.0.0.1 -p "$PG_PORT" -U slipway "$@"; }
psql_ postgres -c "CREATE DATABASE jobs" -c "CREATE DATABASE peer"
wait_ready "http://127.0.0.1:$MODEL_PORT/v2/health/ready"
wait_ready "http://127.0.0.1:$NGINX_PORT/models/sample-model/v2/health/ready"

GATEWAY_PID=
start_gateway() { # store-url
  GATEWAY_PORT=$(free_port)
  # Submitted jobs ask the model for 5 s each and run one at a time, so the dispatcher stays out of the way of
  # what is measured: the submission path.
  # GATEWAY_OPTS: extra JVM options for the gateway (e.g. to compare GC or event-loop settings in one run).
  # shellcheck disable=SC2086
  java -Xmx512m ${GATEWAY_OPTS:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$GATEWAY_PORT" -Dquarkus.log.level=WARN \
    -Dgateway.models.url="http://127.0.0.1:$NGINX_PORT" -Dgateway.store.url="$1" -Dgateway.store.username=slipway \
    -Dgateway.dispatch.concurrency=1 -Dgateway.dispatch.max-queue-depth=10000000 \
    -jar "$GATEWAY_JAR" > "$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=($GATEWAY_PID)
  wait_ready "http://127.0.0.1:$GATEWAY_PORT/q/health/ready"
}
stop_gateway() { kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; }

cat > "$WORK/submit.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"sample-model","input":{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"parameters":{"latency_ms":5000}}}'
LUA
submissions() { # label -> prints "label submissions_per_s non_2xx"
  wrk -t2 -c"$CONNS" -d3s -s "$WORK/submit.lua" "http://127.0.0.1:$GATEWAY_PORT/jobs" > /dev/null  # warm-up
  local out; out=$(wrk -t2 -c"$CONNS" -d"${SUBMIT_SECONDS}s" -s "$WORK/submit.lua" "http://127.0.0.1:$GATEWAY_PORT/jobs")
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local bad; bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$1 ${rps} ${bad:-0}"
}

echo "== 1. sync passthrough at $RATE req/s ($ROUNDS rounds of $ROUND_SECONDS s each, alternating)"
start_gateway "jdbc:h2:file:$WORK/h2/jobs"
SYNC=$(java bench/GatewayLoad.java "$RATE" "$ROUND_SECONDS" "$ROUNDS" \
  "nginx=http://127.0.0.1:$NGINX_PORT/models/sample-model/v2/models/sample-model/infer" \
  "gateway=http://127.0.0.1:$GATEWAY_PORT/v2/models/sample-model/infer")
echo "$SYNC"

if [ -n "${SYNC_ONLY:-}" ]; then exit 0; fi  # SYNC_ONLY=1: step 1 only
echo "== 2. durable submissions ($CONNS connections, $SUBMIT_SECONDS s)"
H2_LINE=$(submissions embedded-h2)
echo "$H2_LINE"
stop_gateway
start_gateway "jdbc:postgresql://127.0.0.1:$PG_PORT/jobs"
PG_LINE=$(submissions postgresql)
echo "$PG_LINE"
stop_gateway
# The peer: PostgreSQL alone, one INSERT of a job-sized row per transaction, same number of clients.
psql_ peer -c "CREATE TABLE jobs (id text PRIMARY KEY, model text, status text, body text, created_at bigint)"
cat > "$WORK/insert.sql" <<'SQL'
INSERT INTO jobs VALUES (gen_random_uuid()::text, 'sample-model', 'queued', '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"parameters":{"latency_ms":5000}}', 0);
SQL
PEER_TPS=$("$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U slipway -n -c "$CONNS" -j 2 -T "$SUBMIT_SECONDS" \
  -f "$WORK/insert.sql" peer 2>/dev/null | awk '/^tps/ {print $3; exit}')
echo "postgresql-insert-peer $PEER_TPS"

nginx_p50=$(echo "$SYNC" | awk '/^nginx/ {sub("p50_ms=","",$4); print $4}')
nginx_p99=$(echo "$SYNC" | awk '/^nginx/ {sub("p99_ms=","",$5); print $5}')
gw_p50=$(echo "$SYNC" | awk '/^gateway/ {sub("p50_ms=","",$4); print $4}')
gw_p99=$(echo "$SYNC" | awk '/^gateway/ {sub("p99_ms=","",$5); print $5}')
h2_rps=$(echo "$H2_LINE" | awk '{print $2}'); pg_rps=$(echo "$PG_LINE" | awk '{print $2}')
echo
echo "== summary ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v a="$nginx_p50" -v b="$gw_p50" -v c="$nginx_p99" -v d="$gw_p99" 'BEGIN {
  printf "sync p50: nginx %.3f ms, gateway+nginx %.3f ms, overhead %.3f ms (x%.2f)\n", a, b, b - a, b / a;
  printf "sync p99: nginx %.3f ms, gateway+nginx %.3f ms, overhead %.3f ms (x%.2f)\n", c, d, d - c, d / c }'
awk -v h="$h2_rps" -v p="$pg_rps" -v peer="$PEER_TPS" 'BEGIN {
  printf "durable submissions/s: embedded %.0f, postgresql %.0f; postgresql one-row INSERT peer %.0f tps\n", h, p, peer;
  printf "ratio to peer: embedded x%.2f, postgresql x%.2f\n", h / peer, p / peer }'
