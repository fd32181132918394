#!/usr/bin/env bash
# Builds slipway's local base images from Debian packages (mmdebstrap -> docker import), because no image registry
# is reachable here. Images already present are kept (pass --force to rebuild).
#
#   slipway/jre17-base:bookworm   OpenJDK 17 JRE + curl (healthchecks), user `slipway` (uid 1001, gid 0),
#                                 /var/lib/slipway/{registry,jobs} owned by it (named volumes copy that ownership)
#   slipway/nginx-base:bookworm   nginx + curl
#   slipway/jre25-base:trixie-slim  the fast flavour's runtime: a JDK 25 runtime jlinked from Debian trixie's
#                                 openjdk-25-jdk-headless into /opt/java (only the modules the services use,
#                                 compressed, stripped), on a rootfs of just the files of libc, libstdc++, zlib and
#                                 busybox (no curl: healthchecks use `wget`, busybox's here); same user and
#                                 directories as above (the AOT cache of each service is trained on it)
#
#   scripts/build-base-images.sh [--force] [--arch ARCH]
#     --force      rebuild images that are present
#     --arch ARCH  Debian architecture of the images (default: this machine's, `dpkg --print-architecture`);
#                  images of another architecture get the tag suffix -ARCH (slipway/jre25-base:trixie-slim-arm64).
#                  The JDK 25 base of another architecture runs none of its code: this machine's jlink (Debian's
#                  openjdk-25 of the same version) links that architecture's jmods, extracted, not installed. The
#                  jre17, nginx and postgres bases run their packages' maintainer scripts, so they are built for
#                  another architecture only where the kernel runs its binaries (qemu-user-static registered with
#                  binfmt_misc, flag F), and skipped with a note otherwise; this script never registers binfmt
#                  (bench/arm64.sh --binfmt does, for its own run). Its `java -version` check then runs under
#                  emulation, binfmt or qemu-user-static, or is left out (said so).
#
# Real users can skip this and point the services at public images instead (see README, "Base images").
source "$(dirname "$0")/lib.sh"

FORCE=
ARCH=${SLIPWAY_ARCH:-$(dpkg --print-architecture 2>/dev/null || echo amd64)}
while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=--force ;;
    --arch) ARCH=${2:?--arch needs a Debian architecture (amd64, arm64)}; shift ;;
    --arch=*) ARCH=${1#--arch=} ;;
    *) die "unknown option $1 (use --force, --arch ARCH)" ;;
  esac
  shift
done
NATIVE_ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
SUFFIX=
[ "$ARCH" = "$NATIVE_ARCH" ] || SUFFIX=-$ARCH
# gnu_type ARCH: the GNU triplet of a Debian architecture (cross binutils are binutils-<triplet with dashes>), and
# the kernel's/qemu's name of it is the triplet's first part.
gnu_type() {
  case $1 in
    amd64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
    ppc64el) echo powerpc64le-linux-gnu ;;
    riscv64) echo riscv64-linux-gnu ;;
    s390x) echo s390x-linux-gnu ;;
    *) die "unknown architecture $1 (use amd64, arm64, ppc64el, riscv64, s390x)" ;;
  esac
}
QEMU_ARCH=$(gnu_type "$ARCH"); QEMU_ARCH=${QEMU_ARCH%%-*}
[ "$QEMU_ARCH" != powerpc64le ] || QEMU_ARCH=ppc64le

JRE_BASE=${SLIPWAY_JRE_BASE_IMAGE:-slipway/jre17-base:bookworm$SUFFIX}
JRE25_BASE=${SLIPWAY_JRE25_BASE_IMAGE:-slipway/jre25-base:trixie-slim$SUFFIX}
NGINX_BASE=${SLIPWAY_NGINX_BASE_IMAGE:-slipway/nginx-base:bookworm$SUFFIX}
SUITE=${SLIPWAY_DEBIAN_SUITE:-bookworm}
# JDK 25 is packaged from Debian 13 on (openjdk-25-jdk-headless in trixie and trixie-security).
JDK25_SUITE=${SLIPWAY_JDK25_DEBIAN_SUITE:-trixie}
MIRROR=${SLIPWAY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SLIPWAY_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Modules of the jlinked runtime: what the services' jars use (jdeps over every jar of the four images): no desktop
# (AWT/Swing, ~15 MB), RMI, scripting or Flight Recorder (which would also invalidate the AOT cache), and no XML
# signatures (java.xml.crypto, 0.5 MB: no jar of the four images refers to javax.xml.crypto).
JRE25_MODULES=${SLIPWAY_JRE25_MODULES:-java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.instrument,jdk.unsupported,jdk.zipfs,jdk.naming.dns,jdk.management,jdk.net}
# Packages of the fast base's rootfs (extracted with their dependencies, not installed: see build_jre25_image). No
# curl: with its libraries (OpenSSL, GnuTLS, Kerberos, LDAP, SSH, nghttp...) it was 24 MB of the 79 MB base, in every
# service image, for the healthchecks alone; busybox's `wget` does their job (and the AOT training's).
JRE25_PACKAGES=${SLIPWAY_JRE25_PACKAGES:-libc6,libgcc-s1,libstdc++6,zlib1g,busybox,netbase}

"$(dirname "$0")/ensure-docker.sh"
apt_install mmdebstrap

# Bump when a recipe below changes: images built from an older recipe are rebuilt (one version per recipe, so a
# change to one base does not rebuild the others).
RECIPE_VERSION=2
JRE25_RECIPE_VERSION=4

# image_current IMAGE [VERSION]
image_current() {
  [ "$(docker image inspect --format '{{index .Config.Labels "io.slipway.base-recipe"}}' "$1" 2>/dev/null)" = "${2:-$RECIPE_VERSION}" ]
}

platform_args=()
[ -z "$SUFFIX" ] || platform_args=(--platform "linux/$ARCH")

# rootfs SUITE PACKAGES OUTPUT [mmdebstrap hook ...]: a minbase rootfs of SUITE for $ARCH with user slipway.
rootfs() {
  local suite=$1 packages=$2 output=$3; shift 3
  local security="deb $SECURITY_MIRROR $suite-security main"
  mmdebstrap --quiet --variant=minbase --architectures="$ARCH" --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
    --customize-hook='chroot "$1" useradd --system --uid 1001 --gid 0 --home-dir /home/slipway --create-home --shell /usr/sbin/nologin slipway' \
    --customize-hook='mkdir -p "$1"/var/lib/slipway/registry "$1"/var/lib/slipway/jobs && chown -R 1001:0 "$1"/var/lib/slipway && chmod -R u+rwX,g+rwX "$1"/var/lib/slipway' \
    "$@" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$suite" "$output" "deb $MIRROR $suite main" "deb $MIRROR $suite-updates main" "$security"
}

# needs_build IMAGE [VERSION]
needs_build() {
  if image_current "$1" "${2:-}" && [ "$FORCE" != "--force" ]; then
    log "base image $1 present"
    return 1
  fi
}

# import_image IMAGE VERSION [docker import --change ...]: the rootfs tar on stdin as IMAGE.
import_image() {
  local image=$1 version=$2; shift 2
  if [ -z "$SUFFIX" ]; then
    docker import --change "LABEL io.slipway.base-recipe=$version" "$@" - "$image" >/dev/null
  else
    import_foreign_image "$image" "$version" "$@"
  fi
  log "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# import_foreign_image IMAGE VERSION [--change ...]: `docker import --platform` leaves the architecture at the
# engine's own on Docker 20.10 (not experimental), so an image of another architecture is a one-layer
# `docker build --platform` FROM scratch instead (the legacy builder: nothing is pulled, nothing runs; ADD unpacks the
# tar with its owners and modes), each --change a Dockerfile line.
import_foreign_image() {
  local image=$1 version=$2 context; shift 2
  context=$(mktemp -d /tmp/slipway-import.XXXXXX)
  cat >"$context/rootfs.tar"
  {
    echo 'FROM scratch'
    echo 'ADD rootfs.tar /'
    echo "LABEL io.slipway.base-recipe=$version"
    while [ $# -gt 0 ]; do
      [ "$1" = --change ] || die "import_foreign_image: unexpected argument $1"
      echo "$2"
      shift 2
    done
  } >"$context/Dockerfile"
  DOCKER_BUILDKIT=0 docker build --quiet --platform "linux/$ARCH" -t "$image" "$context" >/dev/null 2>&1 \
    || { rm -rf "$context"; die "$image: docker build --platform linux/$ARCH of the rootfs failed"; }
  rm -rf "$context"
  [ "$(docker image inspect --format '{{.Architecture}}' "$image")" = "$ARCH" ] || die "$image is not $ARCH"
}

# runs_natively_or_emulated: whether this machine runs $ARCH binaries, natively or through a binfmt_misc handler
# with the F flag (the interpreter opened once, so it works in chroots and containers, as mmdebstrap and Docker need).
runs_natively_or_emulated() {
  [ -z "$SUFFIX" ] && return 0
  local handler=/proc/sys/fs/binfmt_misc/qemu-$QEMU_ARCH
  [ -r "$handler" ] && grep -qx enabled "$handler" && grep -q '^flags:.*F' "$handler"
}

# jlink_steps JLINK_OPTIONS STRIP: the commands, run inside a rootfs with the full JDK 25, that jlink /opt/java (the
# fast base's modules, compressed, no man pages or headers, plus JLINK_OPTIONS), give it Debian's CA certificates
# (which Debian's JDK links to instead of shipping) and strip its native libraries' symbol tables with STRIP.
jlink_steps() {
  printf '%s' "jlink $1 --add-modules $JRE25_MODULES --no-man-pages --no-header-files --compress=zip-6 \
--output /opt/java && rm -f /opt/java/lib/security/cacerts && cp /etc/ssl/certs/java/cacerts \
/opt/java/lib/security/cacerts && find /opt/java -name \"*.so\" -exec $2 --strip-unneeded {} +"
}

# cross_jlink WORK: $WORK/jdk/opt/java, the JDK 25 runtime for $ARCH (another architecture), made without running
# any of its code: the $ARCH openjdk-25-jdk-headless is extracted (its jmods), and this machine's jlink of the same
# Debian version, in a throw-away native rootfs, links them (jlink refuses jmods of another version), with the same
# options as the native build; the cross binutils strip the $ARCH native libraries (the native objcopy and strip do
# not know its ELF machine). Also writes WORK/busybox-applets, the applet list of the same busybox version.
cross_jlink() {
  local work=$1 gnu jdk
  gnu=$(gnu_type "$ARCH")
  jdk=$work/target-jdk/usr/lib/jvm/java-25-openjdk-$ARCH
  mmdebstrap --quiet --variant=extract --architectures="$ARCH" --include=openjdk-25-jdk-headless \
    "$JDK25_SUITE" "$work/target-jdk" "deb $MIRROR $JDK25_SUITE main" \
    "deb $SECURITY_MIRROR $JDK25_SUITE-security main" >/dev/null
  [ -f "$jdk/jmods/java.base.jmod" ] || die "openjdk-25-jdk-headless:$ARCH has no jmods in $jdk"
  mmdebstrap --quiet --variant=minbase --architectures="$NATIVE_ARCH" \
    --include="openjdk-25-jdk-headless,binutils-${gnu//_/-},busybox" \
    --customize-hook="cp -a '$jdk/jmods' \"\$1\"/opt/target-jmods" \
    --customize-hook="chroot \"\$1\" sh -c '$(jlink_steps "--module-path /opt/target-jmods \
        --strip-java-debug-attributes --strip-native-debug-symbols objcopy=/usr/bin/$gnu-objcopy" "$gnu-strip")'" \
    --customize-hook="chroot \"\$1\" busybox --list >'$work/busybox-applets'" \
    "$JDK25_SUITE" "$work/jdk" "deb $MIRROR $JDK25_SUITE main" "deb $SECURITY_MIRROR $JDK25_SUITE-security main"
  rm -rf "$work/target-jdk"
}

# busybox_links: what `busybox --install -s /usr/bin` does, in the rootfs in the current directory. A busybox of
# another architecture cannot run here: its applets are those cross_jlink listed (same package version).
busybox_links() {
  if [ -z "$SUFFIX" ]; then
    chroot . /usr/bin/busybox --install -s /usr/bin
    return
  fi
  local applet
  while read -r applet; do
    [ -e "usr/bin/$applet" ] || [ -L "usr/bin/$applet" ] || ln -s /usr/bin/busybox "usr/bin/$applet"
  done <"$1"
}

# rootfs_ldconfig: the loader cache of the rootfs in the current directory. None for another architecture (this
# machine's ldconfig would write entries its loader ignores; Debian's loader searches the multiarch directories
# without a cache).
rootfs_ldconfig() {
  [ -z "$SUFFIX" ] || return 0
  chroot . /sbin/ldconfig 2>/dev/null || ldconfig -r .
}

# java_version IMAGE ROOTFS: the base's `java -version`, in a container (the launcher finds libjli through $ORIGIN,
# which needs /proc). An image of another architecture runs under binfmt emulation, else with qemu-user-static on
# its rootfs (-L: the rootfs is the library prefix), else it is not started (said so).
java_version() {
  local image=$1 rootfs=$2 qemu
  qemu=$(command -v "qemu-$QEMU_ARCH-static" || true)
  if runs_natively_or_emulated; then
    docker run --rm "${platform_args[@]}" --network none "$image" java -version
  elif [ -n "$qemu" ]; then
    "$qemu" -L "$rootfs" "$rootfs/opt/java/bin/java" -version
  else
    log "$image: java not started (no emulation of $ARCH here; apt-get install qemu-user-static)"
    return 0
  fi
}

# build_rootfs_image IMAGE PACKAGES [docker import --change ...]
build_rootfs_image() {
  local image=$1 packages=$2; shift 2
  needs_build "$image" || return 0
  log "building $image from Debian $SUITE for $ARCH ($packages)"
  rootfs "$SUITE" "$packages" - | import_image "$image" "$RECIPE_VERSION" "$@"
}

# The fast flavour's base, kept small (GPU hosts pull it): jlink runs in a throw-away trixie rootfs with the full JDK
# (and binutils: Debian's jlink strips native debug symbols with objcopy; `strip` then drops the symbol tables too),
# with only the modules the services reach for and compressed class files. The runtime rootfs is not a Debian
# system but the extracted files of the few packages the JVM and the healthchecks load (--variant=extract: libc,
# libstdc++, zlib, busybox for /bin/sh, the healthchecks' `wget` and the AOT training's shell tools): no apt, dpkg,
# perl, coreutils, locales, gconv modules or docs. Only the jlinked runtime and the CA certificates (which Debian's
# JDK links to instead of shipping) are copied from the JDK rootfs.
build_jre25_image() {
  local image=$1 work
  needs_build "$image" "$JRE25_RECIPE_VERSION" || return 0
  log "building $image: JDK 25 from Debian $JDK25_SUITE for $ARCH, jlinked ($JRE25_MODULES)"
  work=$(mktemp -d /tmp/slipway-jre25.XXXXXX)
  # Global on purpose: the EXIT trap runs after this function's locals are gone (set -u).
  JRE25_WORK=$work
  trap 'rm -rf "${JRE25_WORK:-}"' EXIT
  if [ -n "$SUFFIX" ]; then
    cross_jlink "$work"
  else
    mmdebstrap --quiet --variant=minbase --architectures="$ARCH" --include=openjdk-25-jdk-headless,binutils \
      --customize-hook="chroot \"\$1\" sh -c '$(jlink_steps --strip-debug strip)'" \
      "$JDK25_SUITE" "$work/jdk" "deb $MIRROR $JDK25_SUITE main" "deb $SECURITY_MIRROR $JDK25_SUITE-security main"
  fi
  # The extract variant runs no hooks: the rootfs is finished here, as root, then imported.
  mmdebstrap --quiet --variant=extract --architectures="$ARCH" --include="$JRE25_PACKAGES" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    "$JDK25_SUITE" "$work/rootfs" "deb $MIRROR $JDK25_SUITE main" "deb $MIRROR $JDK25_SUITE-updates main" \
    "deb $SECURITY_MIRROR $JDK25_SUITE-security main" >/dev/null
  # A subshell under the script's set -e (not tested by || or if, which would switch set -e off in it): the first
  # failing step stops the build.
  (
    cd "$work/rootfs"
    find usr/share/doc -type f ! -name copyright -delete
    rm -rf usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/bug \
      usr/share/common-licenses usr/lib/*/gconv var/lib/dpkg var/lib/apt var/cache/apt var/cache/debconf \
      var/log/* etc/apt
    # libc's vector maths, debugging, profiling and NIS/hesiod libraries (nsswitch.conf below names files and dns
    # only) and libstdc++'s gdb printers: nothing here loads them.
    rm -rf usr/share/gcc usr/lib/*/libmvec.so.* usr/lib/*/libc_malloc_debug.so.* usr/lib/*/libmemusage.so \
      usr/lib/*/libpcprofile.so usr/lib/*/libthread_db.so.* usr/lib/*/libBrokenLocale.so.* usr/lib/*/libanl.so.* \
      usr/lib/*/libnsl.so.* usr/lib/*/libnss_compat.so.* usr/lib/*/libnss_hesiod.so.*
    mkdir -p opt
    cp -a "$work/jdk/opt/java" opt/java
    # The class list makes a default CDS archive (none here: each service has its AOT cache); jrt-fs.jar lets other
    # JDKs read this runtime's modules. The JVM itself needs neither.
    rm -f opt/java/lib/classlist opt/java/lib/jrt-fs.jar
    busybox_links "$work/busybox-applets"
    rootfs_ldconfig
    mkdir -p tmp root home/slipway var/lib/slipway/registry var/lib/slipway/jobs
    chmod 1777 tmp
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'slipway:x:1001:0::/home/slipway:/usr/sbin/nologin' \
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >etc/passwd
    printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >etc/group
    printf 'hosts: files dns\n' >etc/nsswitch.conf
    chown -R 1001:0 home/slipway var/lib/slipway
    chmod -R u+rwX,g+rwX var/lib/slipway
  )
  tar -C "$work/rootfs" -c . \
    | import_image "$image" "$JRE25_RECIPE_VERSION" \
      --change 'ENV JAVA_HOME=/opt/java' \
      --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["java", "-version"]'
  java_version "$image" "$work/rootfs" 2>&1 | sed 's/^/  /' >&2 || die "$image: java does not start"
  rm -rf "$work"
  trap - EXIT
}

# slipway/postgres-base:bookworm: Debian's PostgreSQL server (the scale-out profile's job store for several gateway
# replicas). Runs as user postgres; on first start (empty $PGDATA) it creates the cluster with POSTGRES_USER (default
# postgres) / POSTGRES_PASSWORD (required) and the database POSTGRES_DB, password login from any address
# (scram-sha-256), then serves on 5432. Healthcheck: pg_isready.
build_postgres_image() {
  local image=${SLIPWAY_POSTGRES_BASE_IMAGE:-slipway/postgres-base:bookworm$SUFFIX}
  needs_build "$image" || return 0
  log "building $image from Debian $SUITE for $ARCH (postgresql)"
  rootfs "$SUITE" "postgresql" - \
    --customize-hook='chroot "$1" sh -c "pg_lsclusters -h | while read v c _; do pg_dropcluster \$v \$c; done"' \
    --customize-hook='mkdir -p "$1"/var/lib/postgresql/data && chroot "$1" chown postgres:postgres /var/lib/postgresql/data && chmod 700 "$1"/var/lib/postgresql/data' \
    --customize-hook='cat > "$1"/usr/local/bin/slipway-postgres <<'"'"'SH'"'"'
#!/bin/sh
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
if [ ! -s "$data/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "slipway-postgres: POSTGRES_PASSWORD must be set for a new cluster" >&2; exit 1; }
  pwfile=$(mktemp)
  printf "%s\n" "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" --pgdata="$data" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$user\";" | "$bin/postgres" --single -D "$data" -j postgres >/dev/null
  fi
fi
exec "$bin/postgres" -D "$data" -c listen_addresses="*" -c unix_socket_directories=/tmp "$@"
SH
chmod 755 "$1"/usr/local/bin/slipway-postgres' \
    | import_image "$image" "$RECIPE_VERSION" \
      --change 'ENV LANG=C.UTF-8' \
      --change 'ENV PGDATA=/var/lib/postgresql/data' \
      --change 'USER postgres' \
      --change 'EXPOSE 5432' \
      --change 'CMD ["/usr/local/bin/slipway-postgres"]'
}

# The bases below run their packages' maintainer scripts: another architecture needs emulation (see --arch).
if ! runs_natively_or_emulated; then
  log "not building $JRE_BASE, $NGINX_BASE and the postgres base: this machine does not run $ARCH binaries" \
    "(register qemu-user-static's binfmt handler, e.g. apt-get install qemu-user-static binfmt-support)"
  build_jre25_image "$JRE25_BASE"
  exit 0
fi
# mmdebstrap checks with arch-test that the kernel runs the foreign architecture's binaries.
[ -z "$SUFFIX" ] || apt_install arch-test

build_rootfs_image "$JRE_BASE" "openjdk-17-jre-headless,ca-certificates-java,curl" \
  --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$ARCH" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["java", "-version"]'

build_rootfs_image "$NGINX_BASE" "nginx,curl" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["nginx", "-g", "daemon off;"]'

build_jre25_image "$JRE25_BASE"
build_postgres_image
