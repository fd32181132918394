#!/usr/bin/env bash
# Makes sure a Docker engine answers. If none does and we are root on Debian, installs Debian's docker.io,
# docker-compose and mmdebstrap, starts dockerd in the background (log: /var/log/dockerd.log) and waits for it.
source "$(dirname "$0")/lib.sh"

engine_answers() { docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

# Published ports without docker-proxy. Docker 20.10 forwards each published port through a docker-proxy process that
# exits for good on its first accept error, leaving the port closed while its container runs on: when it runs out of
# file descriptors (two per proxied connection; a test's load on a stalled stack did that), or when the dockerd thread
# that started it is retired under container churn (its parent-death signal is tied to that thread: moby/moby#44215,
# fixed in Docker 23). Without the userland proxy, dockerd's own iptables rules forward 127.0.0.1 ports too.
userland_proxy_off() {
  grep -qs -- '--userland-proxy=false' "/proc/$(pgrep -xo dockerd)/cmdline" \
    || grep -qsE '"userland-proxy"[[:space:]]*:[[:space:]]*false' /etc/docker/daemon.json
}

if command -v docker >/dev/null && engine_answers; then
  userland_proxy_off || log "warning: dockerd runs with its userland proxy: Docker 20.10's docker-proxy can exit for" \
    "good and close a published port (out of file descriptors, or moby/moby#44215); restart dockerd with" \
    "--userland-proxy=false" \
    "(or \"userland-proxy\": false in /etc/docker/daemon.json)"
  exit 0
fi

apt_install docker.io docker-compose mmdebstrap ca-certificates

if ! engine_answers; then
  if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null; then
    log "dockerd runs but does not answer yet"
  else
    is_root_debian || die "no Docker engine answers and we cannot start one (not root on Debian)"
    log "starting dockerd (log: /var/log/dockerd.log)"
    # containerd is started by dockerd itself when no system containerd runs. A daemon.json that sets userland-proxy
    # itself wins (dockerd refuses a setting given twice).
    flags=()
    grep -qs '"userland-proxy"' /etc/docker/daemon.json || flags+=(--userland-proxy=false)
    # As Debian's docker.service does (LimitNOFILE=1048576): containers inherit the engine's open-file limit, and
    # nginx's 2 x 4096 worker connections need more than a login shell's 1024.
    ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    nohup dockerd "${flags[@]}" >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    [ -S /var/run/docker.sock ] && engine_answers && break
    sleep 1
  done
  engine_answers || die "dockerd did not answer within 60 s; see /var/log/dockerd.log"
fi
log "Docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
