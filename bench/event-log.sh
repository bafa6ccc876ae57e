#!/usr/bin/env bash
# The event-log benchmark (never run by bin/test or CI): append throughput at 16 writers next to
# plain JDBC, SSE commit-to-receive latency at 1,000 and 5,000 subscribers with heap per idle
# subscriber, and catch-up of 10,000 events next to COPY TO STDOUT. See docs/performance.md.
# It uses its own PostgreSQL cluster with durable (default) settings under .data/bench-pg,
# port $OC_BENCH_PG_PORT (25434), and refuses to run against any other cluster that happens to
# listen on that port. Extra arguments go to the benchmark, e.g.
#   bench/event-log.sh --parts append --duration 10
set -euo pipefail
source "$(dirname "$0")/../bin/lib/common.sh"
source "$OC_ROOT/bin/lib/postgres.sh"
source "$OC_ROOT/bin/lib/engine.sh"
cd "$OC_ROOT"
find_jdk
# Sessions need a sandbox image on an engine; the server runs the api role only, so that no brain
# worker runs the streamed session and every event on its stream is one the benchmark appended.
ensure_engine
ensure_images
export DOCKER_HOST OPENCOMPUTER_ROLES=api OPENCOMPUTER_SANDBOX_DEFAULT_IMAGE=$OC_SANDBOX_IMAGE
# One tenant with thousands of streams: lift the per-tenant caps of its tier.
export SPRING_APPLICATION_JSON='{"opencomputer":{"api":{"tiers":{"standard":{"requests-per-minute":100000000,
  "requests-per-minute-per-key":100000000,"max-streams":100000}}}}}'
port=${OC_BENCH_PG_PORT:-25434}
url=$(ensure_postgres "$OC_DATA_DIR/bench-pg" "$port")
# ensure_postgres reuses whatever answers on the port: make sure it is this cluster, durable.
settings=$("$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
  "select current_setting('data_directory') || ' ' || current_setting('fsync') || ' ' || current_setting('synchronous_commit')")
case "$settings" in
  *"/bench-pg/data on on") ;;
  *) die "port $port is served by another cluster or a non-durable one ($settings); set OC_BENCH_PG_PORT to a free port" ;;
esac
say "PostgreSQL for the benchmark: $url (fsync and synchronous_commit on)"
if [ "${OC_BENCH_SKIP_BUILD:-}" != 1 ]; then
  say "building the server and the benchmark"
  package_server api-server,bench -Pbench
fi
exec java -Xmx2g -cp "bench/target/classes:bench/target/lib/*" dev.opencomputer.bench.EventLogBench \
  --admin-url "$url" --server-jar api-server/target/opencomputer.jar "$@"
