#!/usr/bin/env bash
# Webhook benchmark (not run by bin/test or CI). Starts one server with the api and dispatcher roles
# (http and 127.0.0.1 allowed, per-endpoint concurrency $OC_BENCH_CONCURRENCY) on a private database,
# then prints in one run:
#   1. deliveries/s from the event log to a local receiver that answers 200 at once ($OC_BENCH_EVENTS
#      user.message events committed in bursts, first commit -> last receipt), next to a plain
#      java.net.http.HttpClient loop posting the same bodies with the same concurrency, as a ratio;
#   2. p50/p99 from commit (the event's log time) to receipt at a paced $OC_BENCH_PACED_RATE events/s.
#   bench/webhooks/run.sh   (OC_BENCH_EVENTS=20000, OC_BENCH_CONCURRENCY=64, OC_BENCH_PACED_RATE=500,
#                            OC_BENCH_WARMUP=5000, OC_BENCH_PORT=18131)
# Fails (non-zero, "BENCHMARK FAILED: …") when a figure cannot be computed.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
db=$(bench_database oc_bench_webhooks)

jar=api-server/target/opencomputer.jar
if [ ! -f "$jar" ] || [ -n "$(find api-server/src webhook-dispatcher/src event-log/src -newer "$jar" -print -quit)" ]; then
  say "building the server"
  package_server api-server
fi
bench_server_classpath

port=${OC_BENCH_PORT:-18131}
concurrency=${OC_BENCH_CONCURRENCY:-64}
operator="oc_op_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
master="1:$(head -c 32 /dev/urandom | base64)"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return; sleep 0.25
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap stop_all EXIT

DATABASE_URL=$db SERVER_PORT=$port OPENCOMPUTER_OPERATOR_KEY=$operator OPENCOMPUTER_SECRETS_MASTER_KEY=$master \
  java -Xmx768m ${OC_BENCH_SERVER_JAVA_OPTS:-} -jar "$jar" --opencomputer.roles=api,dispatcher \
    --opencomputer.webhooks.allow-http=true --opencomputer.webhooks.allowed-networks[0]=127.0.0.1/32 \
    --opencomputer.webhooks.endpoint-concurrency="$concurrency" --opencomputer.webhooks.concurrency="$concurrency" \
    --opencomputer.sandbox.instance=bench-webhooks \
    --logging.level.root=WARN ${OC_BENCH_SERVER_ARGS:-} >"$OC_DATA_DIR/bench-webhooks-server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { tail -30 "$OC_DATA_DIR/bench-webhooks-server.log" >&2; die "the server exited"; }
  sleep 0.5
done

OC_BENCH_URL="http://127.0.0.1:$port" OC_BENCH_OPERATOR=$operator OC_BENCH_DATABASE_URL=$db \
OC_BENCH_CONCURRENCY=$concurrency \
  java -Xmx512m -cp "$lib/BOOT-INF/lib/*" bench/webhooks/WebhookBench.java
