# Finds (or starts) a Docker Engine API endpoint and builds the local sandbox images.
# shellcheck shell=bash

# Podman's socket, storage and logs live in a directory only this user can write (never a
# predictable path under /tmp, where another local user could plant a symlink first): as root
# /run/opencomputer/podman, else $XDG_RUNTIME_DIR/opencomputer-podman or .data/podman.
if [ -z "${OC_PODMAN_BASE:-}" ]; then
  if [ "$(id -u)" = 0 ]; then OC_PODMAN_BASE=/run/opencomputer/podman
  elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then OC_PODMAN_BASE=$XDG_RUNTIME_DIR/opencomputer-podman
  else OC_PODMAN_BASE=$OC_DATA_DIR/podman; fi
fi
OC_SANDBOX_IMAGE=${OC_SANDBOX_IMAGE:-localhost/opencomputer-sandbox-bb:latest}
OC_HOSTUSR_IMAGE=${OC_HOSTUSR_IMAGE:-localhost/opencomputer-sandbox-hostusr:latest}
OC_ACP_IMAGE=${OC_ACP_IMAGE:-localhost/opencomputer-sandbox-acp:latest}
OC_ACP_PACKAGES=${OC_ACP_PACKAGES:-@zed-industries/claude-agent-acp@0.23.1}
OC_CODEX_IMAGE=${OC_CODEX_IMAGE:-localhost/opencomputer-sandbox-codex:latest}
OC_CODEX_PACKAGES=${OC_CODEX_PACKAGES-@zed-industries/codex-acp@0.16.0}

# engine_curl HOST PATH [curl args...]: one Engine API call against a unix:// or tcp:// endpoint.
engine_curl() {
  local host=$1 path=$2; shift 2
  case "$host" in
    unix://*) curl -fsS --unix-socket "${host#unix://}" "$@" "http://engine$path" ;;
    tcp://*)  curl -fsS "$@" "http://${host#tcp://}$path" ;;
    *) return 1 ;;
  esac
}
engine_ping() { engine_curl "$1" /_ping --max-time 3 2>/dev/null | grep -qx OK; }

start_podman_service() {
  local sock=$OC_PODMAN_BASE/podman.sock
  if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! dpkg -s busybox-static >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "no Docker Engine API found and Podman is not installed.
  Start Docker (and set DOCKER_HOST if it is not at /var/run/docker.sock), or install Podman:
  apt-get install podman runc busybox-static"
    say "no Docker Engine found; installing Podman (apt-get install podman runc busybox-static)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc busybox-static curl >/dev/null) \
      || die "could not install Podman"
  fi
  private_dir "$OC_PODMAN_BASE"
  mkdir -p "$OC_PODMAN_BASE/tmp"
  export CONTAINERS_CONF=$OC_PODMAN_BASE/containers.conf CONTAINERS_STORAGE_CONF=$OC_PODMAN_BASE/storage.conf
  # runc (crun fails on hybrid cgroups), cgroupfs (no systemd), no host rlimits copied into containers.
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
image_copy_tmp_dir = "$OC_PODMAN_BASE/tmp"
exit_command_delay = 30
CONF
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "${OC_PODMAN_STORAGE_DRIVER:-overlay}"
runroot = "$OC_PODMAN_BASE/run"
graphroot = "$OC_PODMAN_BASE/root"
CONF
  if ! engine_ping "unix://$sock"; then
    local old
    old=$(cat "$OC_PODMAN_BASE/service.pid" 2>/dev/null || true)
    if [ -n "$old" ] && tr "\\0" " " <"/proc/$old/cmdline" 2>/dev/null | grep -q "system service" 2>/dev/null; then kill "$old"; sleep 1; fi
    rm -f "$sock"
    say "starting Podman's Docker-compatible API on unix://$sock"
    # Run it from its own directory: conmon (the per-container monitor it starts) creates an empty
    # file "oom" in its working directory whenever a container is OOM-killed, which is how a stray
    # "oom" kept appearing at the root of the checkout the tests were started from.
    (cd "$OC_PODMAN_BASE" || exit 1
     TMPDIR=$OC_PODMAN_BASE/tmp setsid podman system service --time=0 "unix://$sock" >>"$OC_PODMAN_BASE/service.log" 2>&1 </dev/null &
     echo $! >"$OC_PODMAN_BASE/service.pid")
    for _ in $(seq 1 150); do engine_ping "unix://$sock" && break; sleep 0.1; done
    engine_ping "unix://$sock" || { tail -20 "$OC_PODMAN_BASE/service.log" >&2; die "Podman API did not come up"; }
  fi
  export DOCKER_HOST=unix://$sock
}

# ensure_engine: exports DOCKER_HOST naming a live Docker Engine API (DOCKER_HOST as given,
# the local Docker socket, or Podman's compatible service started here).
ensure_engine() {
  if [ -n "${DOCKER_HOST:-}" ] && engine_ping "$DOCKER_HOST"; then return 0; fi
  if engine_ping unix:///var/run/docker.sock; then export DOCKER_HOST=unix:///var/run/docker.sock; return 0; fi
  start_podman_service
}

# import_image NAME DIR CHANGES...: builds an image from a root filesystem through the Engine
# API (no registry, no Dockerfile FROM).
import_image() {
  local name=$1 dir=$2 q="" c; shift 2
  for c in "$@"; do q="$q&changes=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$c")"; done
  tar -C "$dir" -c . | engine_curl "$DOCKER_HOST" "/images/create?fromSrc=-&repo=${name%:*}&tag=${name##*:}$q" \
    -X POST -H 'Content-Type: application/x-tar' --data-binary @- >/dev/null
}
image_exists() { engine_curl "$DOCKER_HOST" "/images/$1/json" >/dev/null 2>&1; }

# ensure_images: a tiny static-busybox image, and one that gets bash/git/python/java from a
# read-only bind mount of the host's /usr.
ensure_images() {
  local r
  if ! image_exists "$OC_SANDBOX_IMAGE"; then
    local bb; bb=$(command -v busybox || true)
    [ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=/bin/busybox
    [ -x "$bb" ] || die "busybox (static) is needed to build the local sandbox image: apt-get install busybox-static"
    r=$(mktemp -d)
    mkdir -p "$r"/{bin,etc,root,tmp,workspace,proc,sys,dev} && chmod 1777 "$r/tmp"
    cp "$bb" "$r/bin/busybox"
    for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    import_image "$OC_SANDBOX_IMAGE" "$r" 'CMD ["/bin/sh"]' 'WORKDIR /workspace'
    rm -rf "$r"; say "built image $OC_SANDBOX_IMAGE"
  fi
  if ! image_exists "$OC_HOSTUSR_IMAGE"; then
    r=$(mktemp -d)
    mkdir -p "$r"/{usr,root,tmp,var/tmp,workspace,proc,sys,dev,run,etc} && chmod 1777 "$r/tmp" "$r/var/tmp"
    for d in bin lib lib64 sbin; do ln -s "usr/$d" "$r/$d"; done
    for f in passwd group hosts nsswitch.conf ld.so.conf ld.so.cache ssl ca-certificates alternatives java-17-openjdk gitconfig bash.bashrc profile; do
      [ -e "/etc/$f" ] && cp -a "/etc/$f" "$r/etc/" 2>/dev/null || true
    done
    [ -d /etc/ld.so.conf.d ] && cp -a /etc/ld.so.conf.d "$r/etc/"
    import_image "$OC_HOSTUSR_IMAGE" "$r" 'CMD ["/bin/bash"]' 'WORKDIR /workspace' \
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    rm -rf "$r"; say "built image $OC_HOSTUSR_IMAGE (run it with /usr bind-mounted read-only)"
  fi
}

# hostusr_root DIR: the root filesystem of an image that borrows /usr from the host (bind mount).
hostusr_root() {
  local r=$1 d f
  mkdir -p "$r"/{usr,root,tmp,var/tmp,workspace,proc,sys,dev,run,etc} && chmod 1777 "$r/tmp" "$r/var/tmp"
  for d in bin lib lib64 sbin; do ln -s "usr/$d" "$r/$d"; done
  for f in passwd group hosts nsswitch.conf ld.so.conf ld.so.cache ssl ca-certificates alternatives java-17-openjdk gitconfig bash.bashrc profile; do
    [ -e "/etc/$f" ] && cp -a "/etc/$f" "$r/etc/" 2>/dev/null || true
  done
  [ -d /etc/ld.so.conf.d ] && cp -a /etc/ld.so.conf.d "$r/etc/"
  return 0
}

# acp_image IMAGE PACKAGES NPM_DIR HELPERS...: the hostusr image plus npm PACKAGES (installed with npm
# into NPM_DIR, cached; reinstalled when the list changes) under /opt/opencomputer/acp, and the
# HELPERS files under /opt/opencomputer/bin. Rebuilt when the packages or the helpers change. Node
# comes from the host's /usr (bind mount).
acp_image() {
  local image=$1 packages=$2 npm_dir=$3 stamp r; shift 3
  stamp=$(printf '%s\n' "$packages" | cat - "$@" | sha256sum | cut -c1-12)
  if image_exists "$image" && [ "$(cat "$npm_dir/.image-stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  command -v npm >/dev/null || die "npm is needed to build the ACP sandbox image ($image)"
  mkdir -p "$npm_dir"
  if [ "$(cat "$npm_dir/.packages" 2>/dev/null)" != "$packages" ]; then
    say "installing $packages with npm into $npm_dir"
    # shellcheck disable=SC2086
    (cd "$npm_dir" && [ -f package.json ] || echo '{"private":true}' >"$npm_dir/package.json"
     cd "$npm_dir" && npm install --no-audit --no-fund --silent $packages >/dev/null) \
      || die "npm install $packages failed"
    printf '%s' "$packages" >"$npm_dir/.packages"
  fi
  r=$(mktemp -d)
  hostusr_root "$r"
  mkdir -p "$r/opt/opencomputer/acp" "$r/opt/opencomputer/bin"
  cp -a "$npm_dir/node_modules" "$r/opt/opencomputer/acp/"
  cp "$@" "$r/opt/opencomputer/bin/"
  find "$r/opt/opencomputer/bin" -type f ! -name '*.js' -exec chmod 755 {} +
  import_image "$image" "$r" 'CMD ["/bin/bash"]' 'WORKDIR /workspace' \
    'ENV PATH=/opt/opencomputer/bin:/opt/opencomputer/acp/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  rm -rf "$r"; printf '%s' "$stamp" >"$npm_dir/.image-stamp"
  say "built image $image ($packages; run it with /usr bind-mounted read-only)"
}

# ensure_acp_image: the images of the built-in ACP runtimes. $OC_ACP_IMAGE: the Claude agent
# ($OC_ACP_PACKAGES, .data/npm/acp) with the model gateway's forwarder and the agent launcher;
# $OC_CODEX_IMAGE: codex-acp ($OC_CODEX_PACKAGES, .data/npm/codex; its native binary comes with it
# from npm) with the same two and codex's own launcher (deploy/sandbox/codex). OC_CODEX_PACKAGES=""
# builds no codex image (the runtime then lists as not installed).
ensure_acp_image() {
  local acp=$OC_ROOT/deploy/sandbox/acp
  acp_image "$OC_ACP_IMAGE" "$OC_ACP_PACKAGES" "$OC_DATA_DIR/npm/acp" "$acp/oc-acp-launch" "$acp/oc-forward.js"
  if [ -n "$OC_CODEX_PACKAGES" ]; then
    acp_image "$OC_CODEX_IMAGE" "$OC_CODEX_PACKAGES" "$OC_DATA_DIR/npm/codex" "$acp/oc-acp-launch" \
      "$acp/oc-forward.js" "$OC_ROOT/deploy/sandbox/codex/oc-codex-acp"
  fi
}

# ensure_relay: the static egress relay (deploy/sandbox/oc-relay.c) built with the host's gcc into
# .data/bin/oc-relay, rebuilt when its source changes; the brain copies it into each sandbox that
# has a network. Exports OPENCOMPUTER_EGRESS_RELAY. Without gcc and a static libc (Debian: gcc,
# libc6-dev) it says so and the brain falls back to the node forwarder.
ensure_relay() {
  local src=$OC_ROOT/deploy/sandbox/oc-relay.c out=$OC_DATA_DIR/bin/oc-relay
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    if ! command -v gcc >/dev/null; then
      say "no gcc: the egress relay is not built (sandboxes with a network use the node forwarder)"; return 0
    fi
    mkdir -p "$OC_DATA_DIR/bin"
    gcc -O2 -static -o "$out.tmp" "$src" && mv "$out.tmp" "$out" \
      || { rm -f "$out.tmp"; say "building the egress relay failed (is libc6-dev installed?)"; return 0; }
    say "built the egress relay $out"
  fi
  export OPENCOMPUTER_EGRESS_RELAY=${OPENCOMPUTER_EGRESS_RELAY:-$out}
}
