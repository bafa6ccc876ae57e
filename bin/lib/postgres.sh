# Starts (idempotently) a private PostgreSQL cluster from the installed binaries.
# shellcheck shell=bash

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -z "$d" ] && command -v initdb >/dev/null 2>&1 && d=$(dirname "$(command -v initdb)")
  echo "$d"
}

# ensure_postgres DIR PORT: a cluster in DIR listening on 127.0.0.1:PORT (trust auth, local only).
# initdb and postgres refuse to run as root, so as root they run as the unprivileged 'postgres'
# user (created when missing). Prints the JDBC URL of its 'postgres' database.
ensure_postgres() {
  local dir=$1 port=$2 bin as=()
  bin=$(pg_bin_dir)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${OC_NO_INSTALL:-}" != 1 ]; then
      say "PostgreSQL binaries not found; installing the 'postgresql' package with apt-get"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
        || die "could not install PostgreSQL; install it yourself (apt-get install postgresql) or set DATABASE_URL"
      bin=$(pg_bin_dir)
    else
      die "PostgreSQL server binaries (initdb, pg_ctl) are not installed.
  Install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15),
  or point DATABASE_URL at an existing PostgreSQL 14+ database."
    fi
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    # The data directory may be owner-only; the cluster's user only needs to pass through it.
    chmod o+x "$(dirname "$dir")" 2>/dev/null || true
    if ! runuser -u postgres -- test -x "$dir"; then
      # The unprivileged user cannot reach a directory below this checkout (e.g. under /root).
      # A root-owned parent that no other user can write into (not /tmp: no planted symlinks).
      private_dir /var/lib/opencomputer
      chmod 711 /var/lib/opencomputer
      local alt="/var/lib/opencomputer/pg-$(echo "$dir" | md5sum | cut -c1-8)"
      say "user 'postgres' cannot reach $dir; keeping the cluster in $alt instead"
      dir=$alt
      [ -L "$dir" ] && die "$dir is a symbolic link; refusing to use it"
      mkdir -p "$dir"
    fi
    chown postgres:postgres "$dir"; chmod 700 "$dir"
    as=(runuser -u postgres --)
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $dir/data"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! "${as[@]}" "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 ${OC_PG_EXTRA_OPTS:-}" >/dev/null \
      || { tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start (log: $dir/server.log)"; }
  fi
  echo "jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
}
