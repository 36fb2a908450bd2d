#!/usr/bin/env bash
# Throughput of `finbert spark-score` in local[1] and local[2] against `finbert predict` on the same input and model
# at the same core count, for a MiniLM-size and a FinBERT-size model, in one run. Each command runs on N and on 2N
# texts and the figure is N / (t(2N) - t(N)): JVM start, Spark start-up and model loading cancel out, what is left is
# the steady rows/s of each path. predict gets the same threads as one local[c] executor: c OpenBLAS / OpenMP threads
# and -Dfinbert.kernel.threads=c (spark-score sets these itself from spark.task.cpus = 1 per task, c tasks).
#
#   spark/bench/spark-vs-predict.sh [WORK_DIR]      (env: N_MINILM=800 N_BASE=200 TEXTS=<csv with a text column>)
#
# Texts: the Financial PhraseBank train split from ../shared/data (read here, never copied into the repo), cycled.
# Output: a Markdown table on stdout; every timing on stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/finbert-spark-bench.XXXXXX)}"
mkdir -p "$work"
texts="${TEXTS:-$root/../shared/data/financial-phrasebank/train.csv}"
n_minilm="${N_MINILM:-800}"
n_base="${N_BASE:-200}"
[[ -f "$texts" ]] || { echo "no texts at $texts (set TEXTS=FILE.csv with a 'text' column)" >&2; exit 1; }
cd "$root"

# ---- models
if [[ ! -f "$work/minilm/config.json" ]]; then
  ./finbert import-onnx --minilm --out "$work/minilm-encoder" >&2
  ./finbert init --from "$work/minilm-encoder" --labels positive,negative,neutral --out "$work/minilm" >&2
fi
if [[ ! -f "$work/base/config.json" ]]; then
  cp="cli/target/finbert4j-cli-0.1.0-SNAPSHOT.jar:cli/target/lib/*"
  java -cp "$cp" spark/bench/RandomFinBert.java "$work/base" "$work/minilm" >&2
fi

# ---- inputs: JSON lines {"id": i, "text": ...}, N and 2N rows
python3 - "$texts" "$work" "$n_minilm" "$n_base" <<'PY'
import csv, json, sys
src, work, sizes = sys.argv[1], sys.argv[2], sorted({int(a) for a in sys.argv[3:]})
rows = [r["text"] for r in csv.DictReader(open(src, encoding="utf-8"))]
for n in sizes:
    for k in (n, 2 * n):
        with open(f"{work}/in-{k}.jsonl", "w", encoding="utf-8") as f:
            for i in range(k):
                f.write(json.dumps({"id": i, "text": rows[i % len(rows)]}) + "\n")
PY

now() { date +%s.%N; }
# seconds of one command (stdout discarded)
timed() {
  local t0 t1
  t0=$(now)
  "$@" > /dev/null
  t1=$(now)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}
predict() { # cores model n
  OMP_NUM_THREADS=$1 OPENBLAS_NUM_THREADS=$1 FINBERT_JAVA_OPTS="-Xmx8g -Dfinbert.kernel.threads=$1" \
    ./finbert predict --model "$2" < "$work/in-$3.jsonl"
}
spark_score() { # cores model n
  ./finbert spark-score --master "local[$1]" --model "$2" --input "$work/in-$3.jsonl" --output "$work/out" \
    --overwrite 2> "$work/spark-$1-$3.log"
}
rate() { python3 -c "print(f'{$1 / ($3 - $2):.1f}')"; }

# warm the build (both launchers build on first use) outside the timings
predict 2 "$work/minilm" "$n_minilm" > /dev/null
spark_score 2 "$work/minilm" "$n_minilm"

echo "| model | cores | finbert predict rows/s | spark-score rows/s | spark / predict |"
echo "|---|---|---|---|---|"
for m in minilm base; do
  n=$([[ $m == minilm ]] && echo "$n_minilm" || echo "$n_base")
  for c in 1 2; do
    p1=$(timed predict "$c" "$work/$m" "$n"); p2=$(timed predict "$c" "$work/$m" $((2 * n)))
    s1=$(timed spark_score "$c" "$work/$m" "$n"); s2=$(timed spark_score "$c" "$work/$m" $((2 * n)))
    echo "$m cores=$c predict ${p1}s/${p2}s spark ${s1}s/${s2}s (N=$n, 2N)" >&2
    pr=$(rate "$n" "$p1" "$p2"); sr=$(rate "$n" "$s1" "$s2")
    echo "| $m | $c | $pr | $sr | $(python3 -c "print(f'{$sr / $pr:.2f}')") |"
  done
done
