#!/usr/bin/env bash
# Shared helpers for slipway's scripts. Sourced, not run.
set -euo pipefail

SLIPWAY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SLIPWAY_ROOT

log() { printf '[slipway] %s\n' "$*" >&2; }
die() { printf '[slipway] error: %s\n' "$*" >&2; exit 1; }

is_root_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }

# installed PKG: true when dpkg has PKG fully installed (not merely known, or removed with its config files left).
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }

# missing_packages PKG...: prints the ones that are not installed, one a line.
missing_packages() {
  local p
  for p in "$@"; do installed "$p" || printf '%s\n' "$p"; done
}

# package_list FILE: the package names in FILE ('#' starts a comment; any number of names a line).
package_list() { sed 's/#.*//' "$1" | tr -s ' \t' '\n\n' | sed '/^$/d'; }

apt_updated=
# apt_install PKG...: installs the packages that are missing (root on Debian only). Services that the packages would
# start on install (nginx, postgresql, docker-registry...) are not started: a policy-rc.d says no while apt runs.
# APT_SIMULATE=1: apt-get install --simulate (resolves the packages, installs nothing).
apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root_debian || die "missing packages: ${missing[*]} (run as root on Debian, or: sudo apt-get install ${missing[*]})"
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -q >/dev/null
    apt_updated=1
  fi
  local simulate=() out
  [ "${APT_SIMULATE:-}" = 1 ] && simulate=(--simulate)
  log "installing ${missing[*]}${simulate:+ (simulated)}"
  out=$(mktemp)
  local policy=/usr/sbin/policy-rc.d own_policy=
  if [ ! -e "$policy" ] && [ -z "${simulate[*]}" ]; then
    printf '#!/bin/sh\n# written by slipway scripts/lib.sh while apt-get runs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${simulate[@]}" \
      "${missing[@]}" >"$out" 2>&1; then
    [ -n "$own_policy" ] && rm -f "$policy"
    tail -n 30 "$out" >&2
    rm -f "$out"
    die "apt-get install ${missing[*]} failed"
  fi
  [ -n "$own_policy" ] && rm -f "$policy"
  [ -n "${simulate[*]}" ] && grep '^Inst ' "$out" | sed 's/^/[slipway]   would /' >&2
  rm -f "$out"
  return 0
}
