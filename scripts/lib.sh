#!/usr/bin/env bash
# Shared helpers for slipway's scripts. Sourced, not run.
set -euo pipefail

SLIPWAY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SLIPWAY_ROOT

log() { printf '[slipway] %s\n' "$*" >&2; }
die() { printf '[slipway] error: %s\n' "$*" >&2; exit 1; }

is_root_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }

apt_updated=
# apt_install PKG...: installs the packages that are missing (root on Debian only).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root_debian || die "missing packages: ${missing[*]} (install them, or run as root on Debian)"
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -q >/dev/null
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
