#!/usr/bin/env bash
# The chaos loop (docs/chaos.md), not run by bin/test (which runs the short ChaosIT): two server
# processes, one PostgreSQL cluster and one Podman API service of its own, scripted sessions, and
# faults injected at random points from a printed seed. Prints
#   faults N, lost L, duplicated D, re-run R, stuck S
# and exits non-zero when any of L, D, R, S is not 0.
#   bench/chaos/run.sh [--faults 50] [--seed N] [--sessions 3] [--kinds kill_server,stop_server,…]
# Ports: OC_CHAOS_PORT_A / OC_CHAOS_PORT_B (servers), OC_CHAOS_PG_PORT (default: free ports).
# Logs: .data/chaos/server-*.log, .data/chaos/podman/service.log, the run's output.
set -euo pipefail
source "$(dirname "$0")/../../bin/lib/common.sh"
cd "$OC_ROOT"
find_jdk
faults=50 seed="" sessions=3 kinds=all
while [ $# -gt 0 ]; do
  case "$1" in
    --faults) faults=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    *) die "unknown option $1 (--faults N --seed N --sessions N --kinds a,b)" ;;
  esac
done
[ -n "$seed" ] || seed=$(( $(od -An -N4 -tu4 /dev/urandom) ))
say "chaos loop: $faults faults, seed $seed"
# The loop is a test class (it uses the scripted model server): build the jar and the test classes
# with the usual build, then run it on the test classpath.
if [ "${OC_CHAOS_SKIP_BUILD:-}" != 1 ]; then
  say "building the server jar and the test classes"
  package_server api-server dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$OC_DATA_DIR/chaos-classpath.txt" >/dev/null
fi
# a copy of the classes, so that a rebuild while the loop runs does not change it
rm -rf "$OC_DATA_DIR/chaos-classes" && mkdir -p "$OC_DATA_DIR/chaos-classes"
cp -r api-server/target/test-classes "$OC_DATA_DIR/chaos-classes/test" && cp -r api-server/target/classes "$OC_DATA_DIR/chaos-classes/main"
cp=$OC_DATA_DIR/chaos-classes/test:$OC_DATA_DIR/chaos-classes/main:$(cat "$OC_DATA_DIR/chaos-classpath.txt")
exec "$JAVA_HOME/bin/java" -cp "$cp" dev.opencomputer.server.chaos.ChaosLoop \
  --faults "$faults" --seed "$seed" --sessions "$sessions" --kinds "$kinds"
