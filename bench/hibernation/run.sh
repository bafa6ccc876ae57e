#!/usr/bin/env bash
# Hibernation benchmark (not run by bin/test or CI). Starts the scripted model server and one server
# with the brain role (idle-hibernate-after $OC_BENCH_IDLE, 1s; hibernate-check-interval 50ms) on a
# private database, then prints in one run, over $OC_BENCH_ROUNDS rounds (10):
#   1. hibernate: session.idle -> session.hibernated minus the idle time, next to the raw engine's
#      `stop` of a container of the same image and settings, as a ratio;
#   2. wake to first command: POST of a message to a hibernated session -> command.exited of its first
#      command (`echo ready`, instant scripted model), next to the raw engine's `start` + `exec` of the
#      same command until its output, as a ratio.
#   bench/hibernation/run.sh          (OC_BENCH_ROUNDS=10, OC_BENCH_PORT=18121, OC_BENCH_IDLE=1s)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
db=$(bench_database oc_bench_hibernation)

jar=api-server/target/opencomputer.jar
models_jar=model-server/target/model-server-exec.jar
if [ ! -f "$jar" ] || [ ! -f "$models_jar" ] || [ -n "$(find api-server/src brain/src -newer "$jar" -print -quit)" ]; then
  say "building the server and the model server"
  package_server api-server,model-server
fi
bench_server_classpath

port=${OC_BENCH_PORT:-18121}
models_port=$((port + 10))
idle=${OC_BENCH_IDLE:-1s}
operator="oc_op_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
master="1:$(head -c 32 /dev/urandom | base64)"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 $p 2>/dev/null || true; done' EXIT

java -jar "$models_jar" --port "$models_port" >"$OC_DATA_DIR/bench-hib-models.log" 2>&1 &
pids+=($!)
DATABASE_URL=$db SERVER_PORT=$port OPENCOMPUTER_OPERATOR_KEY=$operator OPENCOMPUTER_SECRETS_MASTER_KEY=$master \
  java -Xmx512m -jar "$jar" --opencomputer.brain.worker-id=bench-hib \
    --opencomputer.brain.anthropic-base-url="http://127.0.0.1:$models_port" \
    --opencomputer.brain.claim-interval=200ms \
    --opencomputer.brain.idle-hibernate-after="$idle" --opencomputer.brain.hibernate-check-interval=50ms \
    --opencomputer.sandbox.default-image="$OC_SANDBOX_IMAGE" --opencomputer.sandbox.instance=bench-hibernation \
    --logging.level.root=WARN ${OC_BENCH_SERVER_ARGS:-} >"$OC_DATA_DIR/bench-hib-server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { tail -30 "$OC_DATA_DIR/bench-hib-server.log" >&2; die "the server exited"; }
  sleep 0.5
done

OC_BENCH_URL="http://127.0.0.1:$port" OC_BENCH_OPERATOR=$operator OC_BENCH_MODELS="http://127.0.0.1:$models_port" \
OC_BENCH_IDLE=$idle OC_BENCH_IMAGE=$OC_SANDBOX_IMAGE \
  java -cp "$lib/BOOT-INF/lib/*" bench/hibernation/HibernationBench.java
