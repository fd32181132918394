# Helpers the benchmark scripts share; source it: . "$(dirname "$0")/lib.sh".
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# wait_http URL [SECONDS]: until URL answers at all (any status: a registry's /v2/ may answer 401); default 60 s.
wait_http() { _wait_url "$1" "${2:-60}" -s; }
# wait_ready URL [SECONDS]: until URL answers 2xx (a health endpoint answers 503 while starting); default 60 s.
wait_ready() { _wait_url "$1" "${2:-60}" -sf; }
_wait_url() {
  local tries=$(($2 * 5))
  for _ in $(seq 1 "$tries"); do curl "$3" -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "no answer from $1 within $2 s"; exit 1
}
now() { date +%s.%N; }
since() { python3 -c "print(round($(now) - $1, 2))"; }
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 2))" "$@"; }
ratio() { python3 -c "print(round($1 / $2, 2))"; }
require_tools() { for tool in "$@"; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }; done; }
# one_layer_image IMAGE MIB DIR: a one-layer image of MIB random MiB (no compression helps anyone), built in DIR.
one_layer_image() {
  mkdir -p "$3/rootfs"
  head -c "$(($2 * 1024 * 1024))" /dev/urandom > "$3/rootfs/model.bin"
  tar -C "$3/rootfs" -cf - model.bin | docker import - "$1" >/dev/null
  rm -rf "$3/rootfs"
}
# start_distribution PORT DIR: Debian's docker-registry on 127.0.0.1:PORT, data in DIR; its pid in DIST_PID.
start_distribution() {
  mkdir -p "$2"
  printf 'version: 0.1\nstorage: {filesystem: {rootdirectory: %s/data}, delete: {enabled: true}}\nhttp: {addr: 127.0.0.1:%s, secret: bench}\n' \
    "$2" "$1" > "$2/config.yml"
  docker-registry serve "$2/config.yml" > "$2/out.log" 2>&1 &
  DIST_PID=$!
  wait_http "http://127.0.0.1:$1/v2/"
}
# bench_work NAME: a fresh WORK directory (/tmp/slipway-bench-NAME.*), PIDS for the background processes the script
# starts, and an EXIT trap that kills them, runs the script's own bench_cleanup if it defines one (images, a
# database), and removes WORK (kept, with its path printed, under KEEP_WORK=1).
bench_work() {
  WORK=$(mktemp -d "/tmp/slipway-bench-$1.XXXXXX")
  PIDS=()
  trap _bench_cleanup EXIT
}
_bench_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if declare -F bench_cleanup >/dev/null; then bench_cleanup; fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
