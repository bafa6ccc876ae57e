#!/usr/bin/env bash
# Session benchmark (not run by bin/test or CI). Starts the scripted model server and two server
# processes with the brain role (workers bench-a and bench-b, lease $OC_BENCH_LEASE, 3s) on a private
# database, then prints in one run:
#   1. control-plane overhead per agent step (instant scripted model, `true` as the command) next to
#      the raw cost of the same docker exec in the same container plus one INSERT, as a ratio;
#   2. crash-to-resume: kill -9 of the worker holding a session mid model call until the other
#      worker's runtime.restarted, next to the configured lease.
#   bench/sessions/run.sh          (OC_BENCH_STEPS=30, OC_BENCH_PORT=18091, OC_BENCH_LEASE=3s)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
db=$(bench_database oc_bench_sessions)

jar=api-server/target/opencomputer.jar
models_jar=model-server/target/model-server-exec.jar
if [ ! -f "$jar" ] || [ ! -f "$models_jar" ] || [ -n "$(find api-server/src brain/src -newer "$jar" -print -quit)" ]; then
  say "building the server and the model server"
  package_server api-server,model-server
fi
bench_server_classpath

port=${OC_BENCH_PORT:-18091}
models_port=$((port + 10))
lease=${OC_BENCH_LEASE:-3s}
operator="oc_op_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
master="1:$(head -c 32 /dev/urandom | base64)"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 $p 2>/dev/null || true; done' EXIT

java -jar "$models_jar" --port "$models_port" >"$OC_DATA_DIR/bench-models.log" 2>&1 &
pids+=($!)
start_server() { # name port
  DATABASE_URL=$db SERVER_PORT=$2 OPENCOMPUTER_OPERATOR_KEY=$operator OPENCOMPUTER_SECRETS_MASTER_KEY=$master \
    java -Xmx512m ${OC_BENCH_SERVER_JAVA_OPTS:-} -jar "$jar" --opencomputer.brain.worker-id="$1" \
      --opencomputer.brain.anthropic-base-url="http://127.0.0.1:$models_port" \
      --opencomputer.brain.lease-duration="$lease" --opencomputer.brain.heartbeat-interval=1s \
      --opencomputer.brain.claim-interval=200ms \
      --opencomputer.sandbox.default-image="$OC_SANDBOX_IMAGE" --opencomputer.sandbox.instance=bench-sessions \
      --logging.level.root=WARN --logging.level.dev.opencomputer.brain=INFO ${OC_BENCH_SERVER_ARGS:-} \
      >"$OC_DATA_DIR/bench-$1.log" 2>&1 &
  echo $!
}
pid_a=$(start_server bench-a "$port")
pids+=("$pid_a")  # start_server runs in a subshell: record its pid here
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$pid_a" 2>/dev/null || { tail -30 "$OC_DATA_DIR/bench-bench-a.log" >&2; die "the server exited"; }
  sleep 0.5
done
pid_b=$(start_server bench-b $((port + 1)))
pids+=("$pid_b")
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$((port + 1))/actuator/health" >/dev/null 2>&1 && break
  sleep 0.5
done

OC_BENCH_URL="http://127.0.0.1:$port" OC_BENCH_OPERATOR=$operator OC_BENCH_DB=$db \
OC_BENCH_MODELS="http://127.0.0.1:$models_port" OC_BENCH_PIDS="bench-a=$pid_a,bench-b=$pid_b" \
OC_BENCH_LEASE=$lease OC_BENCH_FALLBACK_URL="http://127.0.0.1:$((port + 1))" \
  java -cp "$lib/BOOT-INF/lib/*" bench/sessions/SessionBench.java
