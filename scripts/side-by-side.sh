#!/usr/bin/env bash
# The README's main performance table in one go: for MiniLM (real all-MiniLM-L6-v2 weights) and FinBERT-size (random
# BERT-base weights with a 3-label head), five shapes, SideBySide interleaves ours on oneDNN (the default), ours on
# OpenBLAS (-Dfinbert.dense=blas for that model) and ONNX Runtime round by round in one JVM, so all three see the same
# machine conditions; then the training step, oneDNN vs OpenBLAS. About 10 minutes on 2 cores; run it on a quiet
# machine. Output: one block per shape (median ms/call per engine and the per-round median ratios).
#   scripts/side-by-side.sh [OUT_FILE]
set -euo pipefail
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-/dev/stdout}"
jar=benchmarks/target/benchmarks.jar
[[ -f "$jar" ]] || mvn -q -B package -DskipTests -pl benchmarks -am >&2
run=(java -Xms2g -Xmx6g -XX:+UseParallelGC --add-modules jdk.incubator.vector -cp "$jar" io.finbert4j.benchmarks.SideBySide)
{
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; flags: $(grep -m1 flags /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_vnni|avx512_bf16|amx_tile)$' | tr '\n' ' ')"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  # model shape rounds calls-per-round: each round takes about a second per engine
  for spec in "minilm 1x16 7 30" "minilm 1x64 7 12" "minilm 1x128 7 6" "minilm 32x48 7 3" "minilm 32x128 5 1" \
      "bert-base 1x16 7 8" "bert-base 1x64 5 3" "bert-base 1x128 5 2" "bert-base 32x48 5 1" "bert-base 32x128 3 1"; do
    "${run[@]}" $spec 2>&1 | grep -v "^WARNING: Using incubator"
  done
  "${run[@]}" train 32x48 5 1 2>&1 | grep -v "^WARNING: Using incubator"
} > "$out"
