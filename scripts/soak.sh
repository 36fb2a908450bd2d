#!/usr/bin/env bash
# Long-run memory probes of the reliability module (figures for the README's memory table):
#   SoakProbe       N texts of mixed lengths (1-200 words) from 4 threads sharing one FinBert: RSS and live heap
#                   after warm-up, at 50 % and at the end (bound: growth under 5 %)
#   LoadCloseProbe  C cycles of FinBert.load -> analyze 16 texts -> close (bound: RSS within 10 % of cycle 1)
# Models: "finbert" = a random FinBERT-size model (BERT-base 12x768, 110 M parameters), "mini" = 4x256, or a model
# directory. Environment: SOAK_MODEL (default mini), SOAK_TEXTS (100000), SOAK_THREADS (4), CYCLE_MODEL (finbert),
# CYCLES (50), SOAK_WARMUP (2000), SOAK_MALLOC_DEFAULT (1: glibc's own mmap threshold instead of ./finbert's).
# Each probe exits non-zero when its bound is broken.
#   scripts/soak.sh                       both probes
#   scripts/soak.sh soak | cycles         one of them
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl reliability -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
  -Dmdep.includeScope=runtime >/dev/null
cp="reliability/target/classes:$(cat reliability/target/cp.txt)"
java_opts=(-Xmx4g --add-modules jdk.incubator.vector -Dfile.encoding=UTF-8)
export OPENBLAS_THREAD_TIMEOUT=4
if [[ "${SOAK_MALLOC_DEFAULT:-0}" == 1 ]]; then # glibc's sliding mmap threshold, to see what it does
  unset MALLOC_MMAP_THRESHOLD_
else # as ./finbert (README, "Long runs")
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
fi
echo "MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-(glibc default)}"
tok=tests/src/test/resources/tiny-finbert
grep -m1 'model name' /proc/cpuinfo || true
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
what="${1:-both}"
status=0
if [[ "$what" == both || "$what" == soak ]]; then
  java "${java_opts[@]}" -cp "$cp" io.finbert4j.reliability.SoakProbe "${SOAK_MODEL:-mini}" "${SOAK_TEXTS:-100000}" \
    "${SOAK_THREADS:-4}" 16 "${SOAK_WARMUP:-2000}" "$tok" 2>&1 | grep --line-buffered -v 'WARNING: Using incubator modules' || status=1
fi
if [[ "$what" == both || "$what" == cycles ]]; then
  java "${java_opts[@]}" -cp "$cp" io.finbert4j.reliability.LoadCloseProbe "${CYCLE_MODEL:-finbert}" "${CYCLES:-50}" \
    "$tok" 2>&1 | grep --line-buffered -v 'WARNING: Using incubator modules' || status=1
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
