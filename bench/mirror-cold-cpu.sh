#!/usr/bin/env bash
# Diagnostic for the cold blob path (issue 10 item 6): CPU the mirror spends per cold blob GET, and its syscalls.
# One upstream distribution (Debian's docker-registry), one mirror per jar (MIRROR_JAR, and BASELINE_JAR when set) in
# front of it; each mirror first pulls WARM cold blobs (JIT warm-up), then REPS cold blobs of BLOB_MIB MiB with curl,
# one at a time, the mirrors interleaved. Reported per blob: the mirror's CPU (user+sys from /proc/<pid>/stat), the
# upstream distribution's CPU for the same GET (the peer: it serves the bytes with sendfile), and the wall time of the
# GET. STRACE=1 adds `strace -c -f` of each mirror during one more cold GET (syscall counts per MiB).
# Everything runs on 127.0.0.1 with free ports and temp dirs; the script cleans up.
# Usage: [MIRROR_JAR=...] [BASELINE_JAR=...] [BLOB_MIB=32] [REPS=6] [WARM=6] [STRACE=1] bench/mirror-cold-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
JAR=${MIRROR_JAR:-mirror-service/target/quarkus-app/quarkus-run.jar}
BLOB_MIB=${BLOB_MIB:-32}
REPS=${REPS:-6}
WARM=${WARM:-6}
bench_work coldcpu
require_tools java docker-registry curl bc python3
[ -f "$JAR" ] || ./mvnw -B -q -pl mirror-service -am package -DskipTests -Dslipway.images=false

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

P_DIST=$(free_port); start_distribution "$P_DIST" "$WORK/dist"; PIDS+=("$DIST_PID")
D=http://127.0.0.1:$P_DIST

start_mirror() { # name jar -> sets PORT_<name>, PID_<name>
  local port; port=$(free_port)
  java -Xmx256m "-Dquarkus.http.port=$port" "-Dmirror.storage.root=$WORK/$1/root" -Dmirror.auth.password=bench \
    -Dquarkus.log.level=WARN "-Dmirror.upstreams.hub.url=$D" -jar "$2" > "$WORK/$1.log" 2>&1 &
  PIDS+=($!); eval "PORT_$1=$port PID_$1=$!"
  wait_ready "http://127.0.0.1:$port/q/health/ready"
}
MIRRORS=(after); start_mirror after "$JAR"
[ -n "${BASELINE_JAR:-}" ] && { MIRRORS+=(before); start_mirror before "$BASELINE_JAR"; }

N=0
new_blob() { # -> digest of a fresh random blob pushed to the upstream
  N=$((N + 1)); head -c "${BLOB_MIB}M" /dev/urandom > "$WORK/b.bin"
  local digest loc; digest="sha256:$(sha256sum "$WORK/b.bin" | cut -d' ' -f1)"
  loc=$(curl -fsS -X POST -D - -o /dev/null "$D/v2/bench/cold/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) ;; *) loc="$D$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$digest" ;; *) loc="$loc?digest=$digest" ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/b.bin" -o /dev/null "$loc"
  echo "$digest"
}
cold_get() { # mirror digest -> "mirror-cpu-ms upstream-cpu-ms wall-s"
  local port pid c0 u0 t0 t1; eval "port=\$PORT_$1 pid=\$PID_$1"
  c0=$(cpu_ms "$pid"); u0=$(cpu_ms "$DIST_PID"); t0=$(now)
  curl -fsS -u slipway:bench -o "$WORK/got" --max-time 120 "http://127.0.0.1:$port/v2/hub/bench/cold/blobs/$2"
  t1=$(now)
  [ "sha256:$(sha256sum "$WORK/got" | cut -d' ' -f1)" = "$2" ] || { echo "wrong bytes from $1"; exit 1; }
  echo "$(echo "$(cpu_ms "$pid") - $c0" | bc) $(echo "$(cpu_ms "$DIST_PID") - $u0" | bc) $(echo "scale=3; ($t1 - $t0)/1" | bc)"
}

echo "== warm-up: $WARM cold ${BLOB_MIB} MiB blobs per mirror"
for _ in $(seq 1 "$WARM"); do d=$(new_blob); for m in "${MIRRORS[@]}"; do cold_get "$m" "$d" >/dev/null; done; done
echo "== $REPS cold ${BLOB_MIB} MiB GETs per mirror, interleaved: mirror CPU ms, upstream CPU ms, wall s"
declare -A CPU WALL
for rep in $(seq 1 "$REPS"); do
  d=$(new_blob)
  order=("${MIRRORS[@]}"); [ $((rep % 2)) = 0 ] && order=($(printf '%s\n' "${MIRRORS[@]}" | tac))
  for m in "${order[@]}"; do
    read -r c u w < <(cold_get "$m" "$d")
    echo "rep $rep $m: mirror ${c} ms CPU, upstream ${u} ms CPU, ${w} s"
    CPU[$m]="${CPU[$m]:-} $c"; WALL[$m]="${WALL[$m]:-} $w"
  done
done
for m in "${MIRRORS[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  echo "median $m: $(median ${CPU[$m]}) ms CPU per ${BLOB_MIB} MiB cold blob, $(median ${WALL[$m]}) s"
done
if [ -n "${STRACE:-}" ]; then
  for m in "${MIRRORS[@]}"; do
    d=$(new_blob); eval "pid=\$PID_$m"
    strace -c -f -q -p "$pid" -o "$WORK/strace.$m" & S=$!; sleep 1
    cold_get "$m" "$d" >/dev/null; sleep 0.5; kill -INT "$S"; wait "$S" 2>/dev/null || true
    echo "== strace -c of $m during one cold ${BLOB_MIB} MiB GET (top 12)"; head -n 16 "$WORK/strace.$m"
  done
fi
