#!/usr/bin/env bash
# Builds the small local sample images used by Berth's tests and demos.
# No registry is needed: each image is a busybox-static rootfs fed to `docker import`.
#
#   berth/sample-web:latest    busybox httpd on ${PORT:-80} serving /www:
#                                GET /        -> text page with hostname and $MESSAGE (CGI)
#                                GET /health  -> 200 "ok"
#                              PID 1 is a tiny sh wrapper that forwards SIGTERM/SIGINT,
#                              so `docker stop` returns promptly.
#   berth/sample-tools:latest  same rootfs, default CMD `sh`; for tests that run commands
#                              such as `sh -c 'exit 3'`, `sleep 1000`, a CPU burn loop, etc.
#   berth/pause:latest         the pause container of awsvpc tasks (owns the task's network
#                              namespace): sleeps until SIGTERM/SIGINT, then exits 0 at once.
#
# Both images carry all busybox applet symlinks, /etc/passwd + /etc/group (root, nobody
# uid/gid 65534) and a 1777 /tmp. The script is idempotent: an image whose label
# org.berth.sample-digest already matches the hash of (this script + busybox binary) is
# left alone. Usage: eng/build-sample-images.sh   (set BUSYBOX=/path to override the binary)
set -euo pipefail

readonly LABEL_KEY=org.berth.sample-digest
readonly WEB_IMAGE=berth/sample-web:latest
readonly TOOLS_IMAGE=berth/sample-tools:latest
readonly PAUSE_IMAGE=berth/pause:latest

log() { echo "build-sample-images: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- locate (or install) a static busybox ------------------------------------
find_busybox() {
  if [ -n "${BUSYBOX:-}" ]; then
    echo "$BUSYBOX"
    return
  fi
  if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
    log "installing busybox-static via apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null 2>&1 || {
      as_root apt-get update -qq >/dev/null
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
    }
  fi
  dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n1
}

BUSYBOX_BIN="$(find_busybox)"
if [ ! -x "$BUSYBOX_BIN" ]; then
  log "static busybox binary not found (got '$BUSYBOX_BIN')"
  exit 1
fi

SCRIPT_PATH="${BASH_SOURCE[0]}"
DIGEST="$({ sha256sum <"$SCRIPT_PATH"; sha256sum <"$BUSYBOX_BIN"; } | sha256sum | cut -d' ' -f1)"

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/berth-sample-images.XXXXXX")"
trap 'rm -rf "$WORKDIR"' EXIT

# --- rootfs construction -----------------------------------------------------
make_base_rootfs() {
  local root="$1" p
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,proc,sys,dev,var/run}
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  cp "$BUSYBOX_BIN" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # Every applet at its canonical location (bin/sh, usr/bin/wget, sbin/ifconfig, ...).
  while IFS= read -r p; do
    [ -n "$p" ] && [ "$p" != "bin/busybox" ] || continue
    mkdir -p "$root/$(dirname "$p")"
    ln -sf /bin/busybox "$root/$p"
  done < <("$BUSYBOX_BIN" --list-full)
  [ -e "$root/bin/sh" ] || ln -s /bin/busybox "$root/bin/sh"

  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
  touch "$root/etc/hosts" "$root/etc/hostname" "$root/etc/resolv.conf"
}

make_web_rootfs() {
  local root="$1"
  make_base_rootfs "$root"
  mkdir -p "$root/www/cgi-bin"

  # PID 1 wrapper: a bare httpd as PID 1 would ignore SIGTERM (no handler installed).
  cat >"$root/usr/local/bin/sample-web" <<'EOF'
#!/bin/sh
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 0' TERM INT
/bin/busybox httpd -f -p "${PORT:-80}" -h /www &
pid=$!
wait "$pid"
exit $?
EOF
  chmod 0755 "$root/usr/local/bin/sample-web"

  # No /www/index.html: busybox httpd then serves "/" via /www/cgi-bin/index.cgi.
  cat >"$root/www/cgi-bin/index.cgi" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "hello from berth/sample-web"
echo "hostname: $(hostname)"
if [ -n "${MESSAGE:-}" ]; then echo "message: $MESSAGE"; fi
EOF
  chmod 0755 "$root/www/cgi-bin/index.cgi"
  echo ok >"$root/www/health"
  chmod 0644 "$root/www/health"
}

make_tools_rootfs() {
  make_base_rootfs "$1"
}

make_pause_rootfs() {
  local root="$1"
  make_base_rootfs "$root"
  # A shell waiting on a background sleep handles TERM at once (a bare `sleep` as PID 1 would ignore it).
  cat >"$root/usr/local/bin/pause" <<'EOF'
#!/bin/sh
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
EOF
  chmod 0755 "$root/usr/local/bin/pause"
}

# --- build / skip ------------------------------------------------------------
current_digest() {
  docker image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$1" 2>/dev/null || true
}

build_image() {
  local image="$1" builder="$2"; shift 2
  if [ "$(current_digest "$image")" = "$DIGEST" ]; then
    echo "$image: up to date"
    return
  fi
  local root="$WORKDIR/${image//[\/:]/_}"
  "$builder" "$root"
  local changes=(
    --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin'
    --change "LABEL $LABEL_KEY=$DIGEST"
  )
  local c
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . \
    | docker import "${changes[@]}" - "$image" >/dev/null
  echo "$image: built"
}

build_image "$WEB_IMAGE" make_web_rootfs \
  'CMD ["/usr/local/bin/sample-web"]' \
  'EXPOSE 80/tcp' \
  'WORKDIR /www'
build_image "$TOOLS_IMAGE" make_tools_rootfs \
  'CMD ["sh"]' \
  'WORKDIR /'
build_image "$PAUSE_IMAGE" make_pause_rootfs \
  'CMD ["/usr/local/bin/pause"]' \
  'WORKDIR /'
