#!/usr/bin/env bash
# Makes this machine ready for `./mvnw -B verify`: installs the Debian packages in scripts/test-packages that are
# missing (root on Debian only), keeps the services they would start stopped (the tests start their own nginx,
# PostgreSQL and docker-registry on free ports) and makes sure a Docker engine answers (scripts/ensure-docker.sh).
# ./slipway test and .ci/run call this; it is quick and changes nothing when everything is there.
#   scripts/test-prerequisites.sh            install what is missing, start dockerd
#   scripts/test-prerequisites.sh --check    list what is missing and exit 1 if anything is; changes nothing
#   scripts/test-prerequisites.sh --simulate resolve the missing packages with apt-get --simulate; installs nothing
source "$(dirname "$0")/lib.sh"

mapfile -t wanted < <(package_list "$SLIPWAY_ROOT/scripts/test-packages")
mapfile -t missing < <(missing_packages "${wanted[@]}")

case "${1:-}" in
  --check)
    if [ ${#missing[@]} -eq 0 ]; then
      log "all ${#wanted[@]} test packages are installed"
      exit 0
    fi
    printf '%s\n' "${missing[@]}"
    log "missing ${#missing[@]} of ${#wanted[@]} test packages (install: scripts/test-prerequisites.sh as root)"
    exit 1
    ;;
  --simulate)
    APT_SIMULATE=1 apt_install "${missing[@]}"
    exit 0
    ;;
  "") ;;
  *) die "usage: $0 [--check|--simulate]" ;;
esac

if [ ${#missing[@]} -gt 0 ]; then
  is_root_debian || die "the tests need these Debian packages: ${missing[*]}; run as root: sudo $0"
  apt_install "${missing[@]}"
  # apt_install keeps them from starting; should one have started anyway (a policy-rc.d of the machine's own that
  # allows it), stop it: docker-registry would hold port 5000, where `./slipway up` publishes the mirror.
  for s in nginx postgresql docker-registry; do
    printf '%s\n' "${missing[@]}" | grep -qx "$s" || continue
    systemctl stop "$s" >/dev/null 2>&1 || service "$s" stop >/dev/null 2>&1 || true
  done
fi

"$SLIPWAY_ROOT/scripts/ensure-docker.sh"
