#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, loopback only: one Master and two Worker JVMs (one core and
# 1 GiB for executors each), started from the module's own jars (no Spark installation, no spark-submit).
# 0. trains the Fashion-MNIST MLP for 100 steps (2 workers, global batch 64, Adam) and checks the equality with
#    single-process training on the same global batches: bit for bit with the gradients summed in the ring's
#    grouping, within 1e-3 of plain training with the global batch;
# 1. trains it for one epoch, checks the test accuracy and the bits of the same-grouping reference;
# 2. trains again, kills worker 1's executor JVM halfway: the barrier stage fails, Spark retries it on a new
#    executor, the workers resume from the last checkpoint, and the result must equal run 1 bit for bit;
# 3. shuts everything down (also on failure or Ctrl-C).
# Usage: fluxion-spark/scripts/cluster-test.sh [--limit N] [--data DIR] [--min-accuracy A]
#   --limit N: the first N training and test samples (default: all 60,000); --min-accuracy: default 0.8
set -euo pipefail
module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$module")"
extra=("$@")

JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
export JAVA_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13

if [ ! -f "$module/target/.built" ] || [ -n "$(find "$root" -path "$root/*/target" -prune -o \( -name '*.java' -o -name 'pom.xml' \) -newer "$module/target/.built" -print -quit)" ]; then
  echo "cluster-test: building fluxion-spark..."
  (cd "$root" && mvn -q -B -Pspark -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package)
  touch "$module/target/.built" "$root/fluxion-cli/target/.built"
fi

work="$(mktemp -d /tmp/fluxion-cluster.XXXXXX)"
# Spark's Worker starts executors from $SPARK_HOME/jars: the module's runtime jars
export SPARK_HOME="$work/spark-home"
mkdir -p "$SPARK_HOME"
ln -s "$module/target/lib" "$SPARK_HOME/jars"
# a copy of the module's classes: a rebuild during the test must not change the running cluster's code
cp -r "$module/target/classes" "$work/classes"
classpath="$work/classes:$module/target/lib/*"
pids=()

shutdown() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  echo "cluster-test: cluster stopped; logs in $work"
}
trap shutdown EXIT

daemon() {  # daemon LOG CLASS ARGS...: a Spark daemon JVM with its own heap limit
  local log="$1"
  shift
  "$JAVA" @"$module/jvm-options.txt" -Xmx256m -cp "$classpath" "$@" >"$log" 2>&1 &
  pids+=($!)
}

wait_for() {  # wait_for LOG PATTERN COUNT
  for _ in $(seq 1 120); do
    if [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; then
      return 0
    fi
    sleep 1
  done
  echo "cluster-test: timed out waiting for '$2' in $1" >&2
  tail -20 "$1" >&2
  exit 1
}

daemon "$work/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
wait_for "$work/master.log" "Starting Spark master at spark://" 1
master="$(grep -o 'spark://127.0.0.1:[0-9]*' "$work/master.log" | head -n 1)"
echo "cluster-test: master at $master"
for w in 1 2; do
  daemon "$work/worker-$w.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
    --cores 1 --memory 1g --work-dir "$work/worker-$w" "$master"
done
wait_for "$work/master.log" "Registering worker" 2
echo "cluster-test: 2 workers registered"

check() {  # check ARGS...: the driver, one JVM with its own heap limit
  "$JAVA" @"$module/jvm-options.txt" -Xmx1536m -Dlog4j2.configurationFile="$module/log4j2-cli.properties" \
    -cp "$classpath" org.fluxion.spark.tools.ClusterCheck --master "$master" --workers 2 "$@" "${extra[@]}"
}

# Closeness to plain training with the global batch is checked over 100 steps only: over a whole epoch of Adam the
# float32 summation-order differences (about 1e-8 after 100 steps) are amplified by ReLU flips and Adam's
# normalization to about 1e-2. The same grouping gives the same bits over any number of steps.
echo "cluster-test: run 0, 100 steps, equality with single-process training on the same global batches"
check --limit 6400 --reference --plain-tolerance 1e-3
echo "cluster-test: run 1, one epoch, uninterrupted, bit-identical to one process summing in the ring's grouping"
check --min-accuracy 0.8 --checkpoints "$work/checkpoints-1" --checkpoint-every 100 \
  --save "$work/run-1.safetensors" --reference
echo "cluster-test: run 2, killing worker 1's executor halfway"
# 60000 samples / 64 per step = 937 steps; half: 468 (or half of the --limit run)
limit=0
for ((i = 0; i < ${#extra[@]}; i++)); do
  [ "${extra[$i]}" = "--limit" ] && limit="${extra[$((i + 1))]}"
done
total=$(( (limit > 0 ? limit : 60000) / 64 ))
check --checkpoints "$work/checkpoints-2" --checkpoint-every 100 --kill-at $(( total / 2 )) \
  --compare "$work/run-1.safetensors"
echo "cluster-test: all checks passed"
