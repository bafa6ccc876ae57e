#!/usr/bin/env bash
# Runs every benchmark under bench/ (never run by bin/test or CI), one after the other, each setting
# up what it needs the way bin/test does, and prints one summary table of the figures they report
# (their "FIGURE" lines): figure, ours, baseline, the compared value, target, met or not.
#   bench/all.sh                    every benchmark
#   bench/all.sh sessions webhooks  only those (names: event-log and the directories under bench/)
# Logs and the table go to .data/bench-results/<UTC time>/. Exits non-zero when a benchmark failed or
# reported no figure; its row says FAILED and the table still prints.
set -uo pipefail
source "$(dirname "$0")/../bin/lib/common.sh"
cd "$OC_ROOT"
find_jdk

declare -A script=([event-log]=bench/event-log.sh)
for run in bench/*/run.sh; do
  name=$(basename "$(dirname "$run")"); script[$name]=$run
done
if [ $# -gt 0 ]; then names=("$@"); else mapfile -t names < <(printf '%s\n' "${!script[@]}" | sort); fi
for name in "${names[@]}"; do [ -n "${script[$name]:-}" ] || die "no benchmark named $name (have: ${!script[*]})"; done

out=$OC_DATA_DIR/bench-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
say "building the server, the model server and the benchmark module once"
package_server api-server,model-server,bench -Pbench || die "the build failed"
export OC_BENCH_SKIP_BUILD=1

failed=0
: >"$out/figures.tsv"
{
  echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
} >"$out/machine.txt"
for name in "${names[@]}"; do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  say "benchmark $name (load average $load) -> $out/$name.log"
  start=$(date +%s)
  timeout "${OC_BENCH_TIMEOUT:-1800}" bash "${script[$name]}" >"$out/$name.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  lines=$(grep -P '^FIGURE\t' "$out/$name.log" | cut -f2-)
  if [ $rc -ne 0 ] || [ -z "$lines" ]; then
    failed=1
    why=$(grep -m1 -o 'BENCHMARK FAILED.*' "$out/$name.log" || tail -1 "$out/$name.log")
    printf '%s\t%s\t-\t-\t-\t-\tFAILED (exit %s): %s\n' "$name" "(no figure)" "$rc" "${why:0:120}" >>"$out/figures.tsv"
    say "  $name FAILED (exit $rc, ${secs}s): ${why:0:200}"
  fi
  [ -n "$lines" ] && while IFS= read -r line; do
    printf '%s\t%s\t%s\n' "$name" "$line" "load $load" >>"$out/figures.tsv"
  done <<<"$lines"
  echo "$name: ${secs}s, exit $rc, load average before $load, after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
done

# The table: a value meets its target when the comparison holds; "-" targets are informational.
awk -F'\t' '
  function met(v, t,   op, n) {
    if (t == "-" || t == "") return "-"
    match(t, /^(<=|>=|<|>)/); op = substr(t, 1, RLENGTH); n = substr(t, RLENGTH + 1) + 0
    if (op == "<=") return (v <= n) ? "met" : "NOT met"
    if (op == ">=") return (v >= n) ? "met" : "NOT met"
    if (op == "<") return (v < n) ? "met" : "NOT met"
    if (op == ">") return (v > n) ? "met" : "NOT met"
    return "?"
  }
  BEGIN { print "| benchmark | figure | ours | baseline | value | target | met |"; print "|---|---|---|---|---|---|---|" }
  $7 ~ /^FAILED/ { printf "| %s | %s | - | - | - | - | **%s** |\n", $1, $2, $7; next }
  { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, met($5 + 0, $6) }
' "$out/figures.tsv" >"$out/table.md"
echo
cat "$out/machine.txt"
echo
cat "$out/table.md"
echo
say "results in $out"
exit $failed
