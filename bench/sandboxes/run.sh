#!/usr/bin/env bash
# Sandbox benchmark (not run by bin/test or CI): starts the server on a private database, then
# measures sandbox create -> first exec output and exec round trips through our API next to the raw
# Docker Engine API doing the same on the same image, in one run, and prints the ratios.
#   bench/sandboxes/run.sh            (OC_BENCH_ROUNDS=20, OC_BENCH_PORT=18081)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
db=$(bench_database oc_bench)

jar=api-server/target/opencomputer.jar
if [ ! -f "$jar" ] || [ -n "$(find api-server/src sandbox-driver/src -newer "$jar" -print -quit)" ]; then
  say "building the server"
  package_server api-server
fi
bench_server_classpath

port=${OC_BENCH_PORT:-18081}
operator="oc_op_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL=$db SERVER_PORT=$port \
OPENCOMPUTER_OPERATOR_KEY=$operator OPENCOMPUTER_SECRETS_MASTER_KEY="1:$(head -c 32 /dev/urandom | base64)" \
  java -jar "$jar" --opencomputer.sandbox.default-image="$OC_SANDBOX_IMAGE" --opencomputer.sandbox.instance=bench \
    --opencomputer.api.tiers.standard.max-live-sandboxes=1000 --logging.level.root=WARN ${OC_BENCH_SERVER_ARGS:-} \
    >"$OC_DATA_DIR/bench-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { tail -30 "$OC_DATA_DIR/bench-server.log" >&2; die "the server exited"; }
  sleep 0.5
done
key=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/tenants" -H "Authorization: Bearer $operator" \
  -H 'Content-Type: application/json' -d '{"name":"bench"}' | sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p')

OC_BENCH_URL="http://127.0.0.1:$port" OC_BENCH_KEY=$key OC_BENCH_IMAGE=$OC_SANDBOX_IMAGE \
  java -cp "$lib/BOOT-INF/lib/*" bench/sandboxes/SandboxBench.java
