#!/usr/bin/env bash
# Makes sure a Docker engine answers. If none does and we are root on Debian, installs Debian's docker.io,
# docker-compose and mmdebstrap, starts dockerd in the background (log: /var/log/dockerd.log) and waits for it.
source "$(dirname "$0")/lib.sh"

engine_answers() { docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

if command -v docker >/dev/null && engine_answers; then
  exit 0
fi

apt_install docker.io docker-compose mmdebstrap ca-certificates

if ! engine_answers; then
  if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null; then
    log "dockerd runs but does not answer yet"
  else
    is_root_debian || die "no Docker engine answers and we cannot start one (not root on Debian)"
    log "starting dockerd (log: /var/log/dockerd.log)"
    # containerd is started by dockerd itself when no system containerd runs.
    nohup dockerd >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    [ -S /var/run/docker.sock ] && engine_answers && break
    sleep 1
  done
  engine_answers || die "dockerd did not answer within 60 s; see /var/log/dockerd.log"
fi
log "Docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
