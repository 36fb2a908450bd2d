#!/usr/bin/env bash
# The README's monthly-algorithm table: monthly-sentiment and monthly-finetune on the SYNTHETIC monthly market, with
# labels read by name (ours) and in the published index order (--label-order-as-published), plus buy-and-hold.
# Usage: scripts/trading-comparison.sh MODEL_DIR [WORK_DIR]   (e.g. the quickstart's ~/.cache/finbert4j/quickstart-model)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:?usage: $0 MODEL_DIR [WORK_DIR]}"
work="${2:-$(mktemp -d)}"
"$root/finbert" --version >/dev/null # builds when needed
cp="$root/cli/target/finbert4j-cli-0.1.0-SNAPSHOT.jar:$root/cli/target/lib/*"
java -cp "$cp" io.finbert4j.trading.synthetic.WriteSyntheticMarket monthly "$work/market"
printf '| strategy | labels | total return | Sharpe | max drawdown | fine-tuning |\n|---|---|---|---|---|---|\n'
for s in monthly-sentiment monthly-finetune; do
  for order in names published; do
    extra=()
    [[ "$order" == published ]] && extra=(--label-order-as-published)
    out="$work/$s-$order"
    "$root/finbert" backtest --strategy "$s" --news "$work/market/news.csv" --prices "$work/market/prices.csv" \
      --model "$model" --cache "$work/scores.sqlite" --out "$out" "${extra[@]}" >"$out.log" 2>"$out.err"
    python3 - "$out/metrics.json" "$s" "$order" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
ft = f"{m['finetune_seconds_total']:.0f} s ({m['finetune_seconds_per_month']:.1f} s/month)" if 'finetune_seconds_total' in m else ""
label = "by name (default)" if sys.argv[3] == "names" else "published index order"
print(f"| {sys.argv[2]} | {label} | {100*m['total_return']:.1f} % | {m['sharpe_ratio']:.2f} | {100*m['max_drawdown']:.1f} % | {ft} |")
bh = m['benchmark_total_return']
open(sys.argv[1] + ".bh", "w").write(str(bh))
PY
  done
done
python3 -c "import sys; print(f'| buy-and-hold (equal weight) | | {100*float(open(sys.argv[1]).read()):.1f} % | | | |')" "$work/monthly-sentiment-names/metrics.json.bh"
echo "(work folder: $work)" >&2
