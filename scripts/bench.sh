#!/usr/bin/env bash
# Runs JMH benchmarks from benchmarks/target/classes on a chosen ND4J native build, so that the same benchmark
# can be compared on the generic and the oneDNN + AVX-512 natives (the shaded benchmarks.jar bundles whichever
# natives it was built with; this script swaps the natives jar on an explicit class path instead).
#
#   scripts/bench.sh generic|onednn [JMH args...]      e.g. scripts/bench.sh onednn QuantBenchmark -rf json -rff q.json
#   scripts/bench.sh generic|onednn --main CLASS [args] e.g. scripts/bench.sh onednn --main io.finbert4j.benchmarks.PeakProbe 1
#
# Needs: benchmarks built (flock /tmp/finbert-benchmarks.lock mvn -q -B -o install -pl benchmarks -DskipTests) and
# both natives jars in ~/.m2 (the cli build copies them too: mvn ... -pl cli package).
set -euo pipefail
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"  # as ./finbert: no spinning OpenBLAS threads between products (README)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
variant="${1:?usage: scripts/bench.sh generic|onednn [JMH args | --main CLASS args]}"
shift
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
cpfile="$root/benchmarks/target/bench-classpath.txt"
if [[ ! -f "$cpfile" || "$root/benchmarks/pom.xml" -nt "$cpfile" ]]; then
  (cd "$root" && mvn -q -B -o dependency:build-classpath -pl benchmarks -Dmdep.outputFile="$cpfile" >&2)
fi
generic_jar="nd4j-native-1.0.0-M2.1-linux-x86_64.jar"
cp="$root/benchmarks/target/classes"
IFS=":" read -r -a jars < "$cpfile" || true  # no trailing newline in the file
for j in "${jars[@]}"; do
  [[ "$(basename "$j")" == "$generic_jar" ]] && continue
  cp="$cp:$j"
done
case "$variant" in
  generic) cp="$cp:$m2/org/nd4j/nd4j-native/1.0.0-M2.1/$generic_jar" ;;
  onednn)
    cp="$cp:$m2/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx512.jar"
    cp="$cp:$m2/org/bytedeco/dnnl/2.5.2-1.5.7/dnnl-2.5.2-1.5.7-linux-x86_64.jar" ;;
  *) echo "bench.sh: natives must be generic or onednn, got '$variant'" >&2; exit 1 ;;
esac
if [[ "${1:-}" == "--main" ]]; then
  shift
  main="$1"; shift
  exec java -Xmx4g --add-modules jdk.incubator.vector -cp "$cp" "$main" "$@"
fi
# JMH forks inherit java.class.path, so the chosen natives are used in the measured JVMs too.
exec java -Xmx1g -cp "$cp" org.openjdk.jmh.Main "$@"
