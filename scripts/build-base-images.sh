#!/usr/bin/env bash
# Builds slipway's local base images from Debian packages (mmdebstrap -> docker import), because no image registry
# is reachable here. Images already present are kept (pass --force to rebuild).
#
#   slipway/jre17-base:bookworm   OpenJDK 17 JRE + curl (healthchecks), user `slipway` (uid 1001, gid 0),
#                                 /var/lib/slipway/{registry,jobs} owned by it (named volumes copy that ownership)
#   slipway/nginx-base:bookworm   nginx + curl
#
# Real users can skip this and point the services at public images instead (see README, "Base images").
source "$(dirname "$0")/lib.sh"

JRE_BASE=${SLIPWAY_JRE_BASE_IMAGE:-slipway/jre17-base:bookworm}
NGINX_BASE=${SLIPWAY_NGINX_BASE_IMAGE:-slipway/nginx-base:bookworm}
SUITE=${SLIPWAY_DEBIAN_SUITE:-bookworm}
MIRROR=${SLIPWAY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SLIPWAY_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
FORCE=${1:-}

"$(dirname "$0")/ensure-docker.sh"
apt_install mmdebstrap

# Bump when the recipe below changes: images built from an older recipe are rebuilt.
RECIPE_VERSION=2

image_current() {
  [ "$(docker image inspect --format '{{index .Config.Labels "io.slipway.base-recipe"}}' "$1" 2>/dev/null)" = "$RECIPE_VERSION" ]
}

# build_rootfs_image IMAGE PACKAGES [docker import --change ...]
build_rootfs_image() {
  local image=$1 packages=$2; shift 2
  if image_current "$image" && [ "$FORCE" != "--force" ]; then
    log "base image $image present"
    return 0
  fi
  log "building $image from Debian $SUITE ($packages)"
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
    --customize-hook='chroot "$1" useradd --system --uid 1001 --gid 0 --home-dir /home/slipway --create-home --shell /usr/sbin/nologin slipway' \
    --customize-hook='mkdir -p "$1"/var/lib/slipway/registry "$1"/var/lib/slipway/jobs && chown -R 1001:0 "$1"/var/lib/slipway && chmod -R u+rwX,g+rwX "$1"/var/lib/slipway' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$SUITE" - "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
    "deb $SECURITY_MIRROR $SUITE-security main" \
    | docker import --change "LABEL io.slipway.base-recipe=$RECIPE_VERSION" "$@" - "$image" >/dev/null
  log "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

build_rootfs_image "$JRE_BASE" "openjdk-17-jre-headless,ca-certificates-java,curl" \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["java", "-version"]'

build_rootfs_image "$NGINX_BASE" "nginx,curl" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["nginx", "-g", "daemon off;"]'
