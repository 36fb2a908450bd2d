#!/usr/bin/env bash
# One command for the README's performance figures (issue #6): builds the benchmarks, runs, in this order,
#   1. PeakProbe          sgemm GFLOP/s at the shapes BERT issues (the "peak" every other figure is a fraction of)
#   2. InferenceBenchmark ours (float32, int8, and bf16 where the CPU has it) vs ONNX Runtime float32, MiniLM and
#                         FinBERT-size, 1x16 1x64 1x128 32x48 32x128 (p50, p99, seq/s)
#   3. TrainStepBenchmark forward + backward + AdamW, MiniLM 32x48 (with its own sgemm probe in the same JVM)
#   4. MemoryProbe        FinBERT-size: resident memory after load, cold vs warm first prediction, training memory
#   5. QuantBenchmark.ortMiniLm  ONNX Runtime's int8 (and fp32) MiniLM at 32x48 and 1x16
#   6. `finbert bench --profile` where the time goes: 1x16 and 32x48 inference (float32, int8, bf16 where the CPU
#      has it), 32x48 training step; and 1x16 once more with OMP_WAIT_POLICY=ACTIVE
# and writes everything to an output directory (default perf-results/<UTC timestamp>/), with report.md holding
# the tables (PerfReport) and throughput-minilm.png / throughput-bert-base.png the plots.
#
#   scripts/perf-report.sh [OUT_DIR]          full run: about 30 minutes on a quiet 2-core machine
#   QUICK=1 scripts/perf-report.sh [OUT_DIR]  one shape per model and shorter iterations: a smoke test of the pipeline
#
# Run it on a quiet machine: every figure is a wall-clock measurement. The int8 comparison with ONNX Runtime's int8
# model's kernel-level comparison (QuantizedLinear vs float gemm) runs with: scripts/bench.sh QuantBenchmark.linear.
set -euo pipefail
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"  # as ./finbert: no spinning OpenBLAS threads between products (README)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # as ./finbert: no spinning OpenMP (oneDNN, ND4J) workers between regions
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-perf-results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
echo "perf-report: building (mvn package -DskipTests) ..." >&2
mvn -q -B package -DskipTests >&2

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores," \
    "family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
  echo "SIMD flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|avx2|fma|avx512.*|amx.*|avx_vnni|avx_ne_convert)$' | sort -u | tr '\n' ' ')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | sed -n 1p)"
} | tee "$out/machine.txt" >&2

jmh=(java -jar "$jar" -foe true)
# bf16 is measured only where the CPU has bf16 instructions (elsewhere --precision bf16 runs float32 with a notice)
if grep -qwE 'avx512_bf16|amx_bf16|avx_ne_convert' /proc/cpuinfo; then
  nobf16=()
  echo "bf16: measured (the CPU has bf16 instructions)" | tee -a "$out/machine.txt" >&2
else
  nobf16=(-e 'InferenceBenchmark.finbert4jBf16')
  echo "bf16: not measured (no AVX512-BF16 / AMX-BF16 / AVX-NE-CONVERT on this CPU)" | tee -a "$out/machine.txt" >&2
fi
if [[ "${QUICK:-0}" == 1 ]]; then
  quick=(-wi 1 -w 1 -i 1 -r 1)
  "${jmh[@]}" PeakProbe -p m=1536 -p kn=768:3072 "${quick[@]}" -rf json -rff "$out/peak.json" >&2
  "${jmh[@]}" InferenceBenchmark "${nobf16[@]}" -p shape=1x16,32x48 "${quick[@]}" -rf json -rff "$out/inference.json" >&2
  "${jmh[@]}" TrainStepBenchmark.trainStep "${quick[@]}" -rf json -rff "$out/train.json" >&2
else
  "${jmh[@]}" PeakProbe -p m=16,128,1536,4096 -p kn=768:3072,384:1536,768:768 -rf json -rff "$out/peak.json" >&2
  "${jmh[@]}" InferenceBenchmark "${nobf16[@]}" -rf json -rff "$out/inference.json" >&2
  "${jmh[@]}" TrainStepBenchmark -rf json -rff "$out/train.json" >&2
fi
# int8: ONNX Runtime's own int8 MiniLM (and its fp32) ...
"${jmh[@]}" QuantBenchmark.ortMiniLm -p shape=32x48,1x16 -wi 2 -i 3 -rf json -rff "$out/ort-int8.json" >&2
java -Xmx2g --add-modules jdk.incubator.vector -cp "$jar" io.finbert4j.benchmarks.MemoryProbe | tee "$out/memory.txt" >&2
# the same cold-start measurement after FinBert.load's warm-up passes (fresh JVM)
java -Xmx2g --add-modules jdk.incubator.vector -cp "$jar" io.finbert4j.benchmarks.MemoryProbe "" 0 0 3 | tee "$out/memory-warmup.txt" >&2

minilm="${TMPDIR:-/tmp}/finbert4j-bench-minilm"  # imported by InferenceBenchmark
# ... and ours (./finbert picks the oneDNN natives for int8 on AVX-512 VNNI CPUs, else it says it fell back)
profiles=("--batch-size 1 --length 16" "--batch-size 32 --length 48" "--batch-size 32 --length 48 --train"
  "--batch-size 32 --length 48 --precision int8" "--batch-size 1 --length 16 --precision int8")
if [[ ${#nobf16[@]} == 0 ]]; then
  profiles+=("--batch-size 32 --length 48 --precision bf16" "--batch-size 1 --length 16 --precision bf16")
fi
for args in "${profiles[@]}"; do
  name="profile-$(echo "$args" | tr -d '-' | tr ' ' '_').txt"
  seconds=5
  # a training step takes ~0.75 s: 5 s would be a handful of steps, most of them before the JIT is done
  [[ "$args" == *--train* ]] && seconds=30
  ./finbert bench --model "$minilm" $args --seconds "$seconds" --profile > "$out/$name"
done
# batch-1 latency with spinning OpenMP workers (./finbert's default is PASSIVE: see the README's JVM settings)
OMP_WAIT_POLICY=ACTIVE ./finbert bench --model "$minilm" --batch-size 1 --length 16 --seconds 5 \
  > "$out/bench-batchsize_1_length_16-omp-active.txt"

java -cp "$jar" io.finbert4j.benchmarks.PerfReport "$out/peak.json" "$out/inference.json" "$out/train.json" \
  "$out/ort-int8.json" > "$out/report.md"
for model in minilm bert-base; do
  java scripts/PlotThroughput.java "$out/inference.json" "$out/throughput-$model.png" \
    "Throughput (sequences/s), $model, ours vs ONNX Runtime" --only model=$model >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
cat "$out/machine.txt" "$out/report.md" "$out/memory.txt" "$out/memory-warmup.txt"
echo "perf-report: results in $out" >&2
