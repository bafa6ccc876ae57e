#!/usr/bin/env bash
# Egress benchmark (not run by bin/test or CI): a 10 MB download with curl inside a real sandbox
# through the egress proxy (forwarder -> Unix socket -> proxy -> upstream) next to the same download
# with the same curl directly on the host, alternating, in one run; and the latency a small request
# gains on the way.   bench/egress/run.sh   (OC_BENCH_ROUNDS=10, OC_BENCH_MB=10, OC_BENCH_CPUS=1;
# OC_BENCH_DIAGNOSE=1 adds a client straight on the proxy's socket and curl through the forwarder run on the host)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
jar=api-server/target/opencomputer.jar
if [ -z "${OC_BENCH_SKIP_BUILD:-}" ] && { [ ! -f "$jar" ] \
    || [ -n "$(find api-server/src brain/src sandbox-driver/src session-model/src -newer "$jar" -print -quit)" ]; }; then
  say "building the server"
  package_server api-server
fi
command -v curl >/dev/null || die "curl is needed on the host (the direct baseline)"
bench_server_classpath
ensure_relay
OC_BENCH_IMAGE=$OC_HOSTUSR_IMAGE java ${OC_BENCH_JAVA_OPTS:-} -cp "$lib/BOOT-INF/lib/*" bench/egress/EgressBench.java
