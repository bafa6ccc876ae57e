#!/usr/bin/env bash
# Gateway benchmark (not run by bin/test or CI): one streamed model call directly to the scripted
# model server next to the same call through the model gateway's Unix socket, in one run.
#   bench/gateway/run.sh     (OC_BENCH_CALLS=200, OC_BENCH_DELTA_DELAY_MS=10)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
db=$(bench_database oc_bench_gateway)
jar=api-server/target/opencomputer.jar
models_jar=model-server/target/model-server-0.1.0-SNAPSHOT.jar
if [ -z "${OC_BENCH_SKIP_BUILD:-}" ] && { [ ! -f "$jar" ] || [ ! -f "$models_jar" ] \
    || [ -n "$(find api-server/src brain/src model-server/src -newer "$jar" -print -quit)" ]; }; then
  say "building the server and the model server"
  package_server api-server,model-server
fi
bench_server_classpath
OC_BENCH_DB=$db java ${OC_BENCH_JAVA_OPTS:-} -cp "$lib/BOOT-INF/lib/*:$models_jar" bench/gateway/GatewayBench.java
