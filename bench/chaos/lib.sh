# The chaos loop's own PostgreSQL cluster and container engine (see docs/chaos.md), which it may
# restart at will without touching the cluster of bin/test or the Podman service other runs share.
# Sourced by the loop (ChaosLoop runs `bash -c 'source bench/chaos/lib.sh; chaos_… ARGS'`).
# shellcheck shell=bash
OC_ROOT=${OC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
source "$OC_ROOT/bin/lib/common.sh"
source "$OC_ROOT/bin/lib/postgres.sh"

_chaos_pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# chaos_pg_start DIR PORT: a cluster in DIR on 127.0.0.1:PORT; prints its JDBC URL. Durable (fsync,
# synchronous commit: PostgreSQL's defaults), unlike bin/test's: a restart -m immediate is a crash,
# and with synchronous_commit=off a crash loses commits already acknowledged to the servers.
chaos_pg_start() {
  OC_PG_EXTRA_OPTS="" ensure_postgres "$1" "$2" | tail -1
}

# chaos_pg_restart DIR MODE: pg_ctl restart -m MODE (fast or immediate, a crash and recovery).
chaos_pg_restart() {
  local dir=$1 mode=$2 data
  data=$(_chaos_pg_data "$dir")
  _chaos_pg_as "$(pg_bin_dir)/pg_ctl" -D "$data" -w -t 120 -m "$mode" restart >/dev/null
}

# chaos_pg_stop DIR
chaos_pg_stop() {
  local data; data=$(_chaos_pg_data "$1")
  _chaos_pg_as "$(pg_bin_dir)/pg_ctl" -D "$data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
}

# The data directory ensure_postgres chose (it moves it when user postgres cannot reach DIR).
_chaos_pg_data() {
  local dir=$1
  if [ -f "$dir/data/PG_VERSION" ]; then echo "$dir/data"; return; fi
  echo "/var/lib/opencomputer/pg-$(echo "$dir" | md5sum | cut -c1-8)/data"
}

# chaos_engine_start BASE: a Podman API service of the loop's own on unix://BASE/podman.sock with its
# own storage, run directory and file locks (never the shared service's shared-memory locks, which
# a first start would reset), and the busybox sandbox image in it. Prints DOCKER_HOST.
chaos_engine_start() {
  local base=$1
  OC_PODMAN_BASE=$base
  source "$OC_ROOT/bin/lib/engine.sh"
  mkdir -p "$base" && chmod 700 "$base" && mkdir -p "$base/tmp" "$base/libpod-tmp"
  export CONTAINERS_CONF=$base/containers.conf CONTAINERS_STORAGE_CONF=$base/storage.conf
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$base/events.log"
image_copy_tmp_dir = "$base/tmp"
tmp_dir = "$base/libpod-tmp"
lock_type = "file"
exit_command_delay = 30
CONF
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
runroot = "$base/run"
graphroot = "$base/root"
CONF
  _chaos_engine_up "$base" >&2
  export DOCKER_HOST=unix://$base/podman.sock
  OC_SANDBOX_IMAGE=localhost/opencomputer-sandbox-bb:latest
  image_exists "$OC_SANDBOX_IMAGE" || ensure_images >&2
  echo "$DOCKER_HOST"
}

_chaos_engine_up() {
  local base=$1 sock=$1/podman.sock
  rm -f "$sock"
  # exec, no setsid (which forks when it leads its group): $! is the service itself, to kill -9 it
  (cd "$base" || exit 1
   CONTAINERS_CONF=$base/containers.conf CONTAINERS_STORAGE_CONF=$base/storage.conf TMPDIR=$base/tmp \
     exec podman system service --time=0 "unix://$sock" >>"$base/service.log" 2>&1 </dev/null) &
  echo $! >"$base/service.pid"
  for _ in $(seq 1 300); do engine_ping "unix://$sock" && return 0; sleep 0.1; done
  tail -20 "$base/service.log"; die "the chaos loop's Podman API did not come up"
}

# chaos_engine_restart BASE: kill -9 of the API service, then a new one (containers keep running
# under their conmon, as they do when Podman's service restarts).
chaos_engine_restart() {
  local base=$1 pid
  source "$OC_ROOT/bin/lib/engine.sh"
  pid=$(cat "$base/service.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && tr "\\0" " " <"/proc/$pid/cmdline" 2>/dev/null | grep -q "system service"; then
    kill -9 "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  _chaos_engine_up "$base"
}

# chaos_engine_stop BASE: removes the loop's containers and volumes, then stops the service.
chaos_engine_stop() {
  local base=$1 pid
  # through this service's own socket only: never the shared service's containers
  podman --remote --url "unix://$base/podman.sock" rm -af -t 0 >/dev/null 2>&1 || true
  podman --remote --url "unix://$base/podman.sock" volume prune -f >/dev/null 2>&1 || true
  pid=$(cat "$base/service.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && tr "\\0" " " <"/proc/$pid/cmdline" 2>/dev/null | grep -q "system service"; then
    kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
