#!/usr/bin/env bash
# Throughput of `finbert spark-score` in local[1] and local[2] against `finbert predict` on the same input and model
# at the same core count, for a MiniLM-size and a FinBERT-size model, in one run. Each command runs on N and on 2N
# texts and the figure is N / (t(2N) - t(N)): JVM start, Spark start-up and model loading cancel out, what is left is
# the steady rows/s of each path. Both wall-clock rows/s and rows per CPU-second (user + system time of the whole
# JVM: Spark's own threads count) are reported; on a machine shared with other work the CPU figures are the steadier. predict gets the same threads as one local[c] executor: c OpenBLAS / OpenMP threads
# and -Dfinbert.kernel.threads=c (spark-score sets these itself from spark.task.cpus = 1 per task, c tasks).
#
#   spark/bench/spark-vs-predict.sh [WORK_DIR]      (env: N_MINILM=400 N_BASE=100 TEXTS=<csv with a text column>)
#
# Texts: the Financial PhraseBank train split from ../shared/data (read here, never copied into the repo), cycled.
# Output: a Markdown table on stdout; every timing on stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/finbert-spark-bench.XXXXXX)}"
mkdir -p "$work"
texts="${TEXTS:-$root/../shared/data/financial-phrasebank/train.csv}"
n_minilm="${N_MINILM:-400}"
n_base="${N_BASE:-100}"
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

# "WALL CPU" seconds of one command (stdout discarded); CPU = user + system of the JVM and everything it started
timed() {
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" bash -c '"$@"' _ "$@" > /dev/null
  tail -n 1 "$work/time.txt" | awk '{ printf "%.2f %.2f", $1, $2 + $3 }'
}
predict() { # cores model n
  OMP_NUM_THREADS=$1 OPENBLAS_NUM_THREADS=$1 FINBERT_JAVA_OPTS="-Xmx8g -Dfinbert.kernel.threads=$1" \
    ./finbert predict --model "$2" < "$work/in-$3.jsonl"
}
spark_score() { # cores model n
  ./finbert spark-score --master "local[$1]" --model "$2" --input "$work/in-$3.jsonl" --output "$work/out" \
    --overwrite 2> "$work/spark-$1-$3.log"
}
export -f predict spark_score
export work
# rows/s from the N and 2N timings: n / (t2 - t1)
rate() { python3 -c "print(f'{$1 / ($3 - $2):.1f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# warm the build (both launchers build on first use) outside the timings
predict 2 "$work/minilm" "$n_minilm" > /dev/null
spark_score 2 "$work/minilm" "$n_minilm"

echo "| model | cores | predict rows/s (wall) | spark-score rows/s (wall) | wall ratio | predict rows/CPU-s | spark-score rows/CPU-s | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|"
for m in minilm base; do
  n=$([[ $m == minilm ]] && echo "$n_minilm" || echo "$n_base")
  for c in 1 2; do
    # interleaved, so that both paths see about the same load from whatever else runs on the machine
    read -r pw1 pc1 <<< "$(timed predict "$c" "$work/$m" "$n")"
    read -r sw1 sc1 <<< "$(timed spark_score "$c" "$work/$m" "$n")"
    read -r pw2 pc2 <<< "$(timed predict "$c" "$work/$m" $((2 * n)))"
    read -r sw2 sc2 <<< "$(timed spark_score "$c" "$work/$m" $((2 * n)))"
    echo "$m cores=$c N=$n: predict wall ${pw1}/${pw2} s cpu ${pc1}/${pc2} s; spark wall ${sw1}/${sw2} s cpu ${sc1}/${sc2} s; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    pw=$(rate "$n" "$pw1" "$pw2"); sw=$(rate "$n" "$sw1" "$sw2")
    pc=$(rate "$n" "$pc1" "$pc2"); sc=$(rate "$n" "$sc1" "$sc2")
    echo "| $m | $c | $pw | $sw | $(ratio "$sw" "$pw") | $pc | $sc | $(ratio "$sc" "$pc") |"
  done
done
