#!/usr/bin/env bash
# Runs JMH benchmarks (or a main class) from benchmarks/target/classes on the benchmarks module's class path. The
# dense backend is chosen in the JVM (-Dfinbert.dense=auto|dnnl|blas), so one class path serves every comparison.
#
#   scripts/bench.sh [JMH args...]      e.g. scripts/bench.sh QuantBenchmark -rf json -rff q.json
#   scripts/bench.sh --main CLASS [args] e.g. scripts/bench.sh --main io.finbert4j.benchmarks.PeakProbe 1
#
# Needs: benchmarks compiled (mvn -q -B -pl benchmarks -am test-compile -DskipTests).
set -euo pipefail
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"  # as ./finbert: no spinning OpenBLAS threads between products (README)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # as ./finbert: no spinning OpenMP (oneDNN, ND4J) workers between regions
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpfile="$root/benchmarks/target/bench-classpath.txt"
if [[ ! -f "$cpfile" || "$root/benchmarks/pom.xml" -nt "$cpfile" ]]; then
  (cd "$root" && mvn -q -B -o dependency:build-classpath -pl benchmarks -Dmdep.outputFile="$cpfile" >&2)
fi
cp="$root/benchmarks/target/classes:$(cat "$cpfile")"
if [[ "${1:-}" == "--main" ]]; then
  shift
  main="$1"; shift
  exec java -Xmx4g --add-modules jdk.incubator.vector -cp "$cp" "$main" "$@"
fi
# JMH forks inherit java.class.path.
exec java -Xmx1g -cp "$cp" org.openjdk.jmh.Main "$@"
