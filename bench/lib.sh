# Shared set-up of the benchmark scripts under bench/*/run.sh. Source it from a script; it leaves
# the shell in the repository root with a JDK, a container engine and the local images ready.
# shellcheck shell=bash
OC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$OC_ROOT/bin/lib/common.sh"
source "$OC_ROOT/bin/lib/postgres.sh"
source "$OC_ROOT/bin/lib/engine.sh"
cd "$OC_ROOT"

find_jdk
ensure_engine
ensure_images
export DOCKER_HOST
# A benchmark is one tenant doing far more than a tier allows: lift the per-tenant caps.
export SPRING_APPLICATION_JSON='{"opencomputer":{"api":{"tiers":{"standard":{"requests-per-minute":100000000,
  "requests-per-minute-per-key":100000000,"max-streams":100000,"max-pending-sessions":100000,
  "max-live-sandboxes":1000,"max-running-sessions":1000}}}}}'

# The bin/test cluster (fsync off), or OC_BENCH_PG_PORT.
pg_port=${OC_BENCH_PG_PORT:-${OC_TEST_PG_PORT:-25433}}

# bench_database NAME: a fresh, empty database NAME; prints its JDBC URL.
bench_database() {
  OC_PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    ensure_postgres "$OC_DATA_DIR/test-pg" "$pg_port" >/dev/null
  "$(pg_bin_dir)/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres \
    -c "drop database if exists $1 with (force)" -c "create database $1" >/dev/null
  echo "jdbc:postgresql://127.0.0.1:$pg_port/$1?user=postgres"
}

# bench_server_classpath: unpacks the server jar's libraries into $lib, the classpath of the
# single-file Java benchmarks (java -cp "$lib/BOOT-INF/lib/*" bench/…/X.java).
bench_server_classpath() {
  lib=$OC_DATA_DIR/bench-lib
  rm -rf "$lib" && mkdir -p "$lib"
  (cd "$lib" && "$JAVA_HOME/bin/jar" xf "$OC_ROOT/api-server/target/opencomputer.jar" BOOT-INF/lib)
}
