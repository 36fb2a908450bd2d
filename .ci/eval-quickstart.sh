#!/usr/bin/env bash
# Optional CI evaluation: the README's offline first command works on a fresh clone with no network:
# ./finbert quickstart imports the bundled all-MiniLM-L6-v2, fine-tunes the demo head, and analyzes the
# example headlines. Checks that it exits 0, prints a row per headline, says it is not FinBERT, and that the
# two unambiguous headlines get the expected label.
set -euo pipefail
cd "$(dirname "$0")/.."
home="$(mktemp -d "${TMPDIR:-/tmp}/finbert-quickstart.XXXXXX")"
trap 'rm -rf "$home"' EXIT
out="$home/out.txt"
start=$(date +%s)
FINBERT_HOME="$home" ./finbert quickstart > "$out"
echo "quickstart: $(( $(date +%s) - start )) s"
cat "$out"
grep -q "not FinBERT" "$out" || { echo "quickstart: missing the not-FinBERT notice" >&2; exit 1; }
grep -E '^positive .*AAPL stock price spikes' "$out" >/dev/null || { echo "quickstart: AAPL headline not positive" >&2; exit 1; }
grep -E '^negative .*cut its dividend' "$out" >/dev/null || { echo "quickstart: dividend-cut headline not negative" >&2; exit 1; }
# ... and it ends with the product: a backtest on the shipped synthetic market, its summary and a report on disk
grep -E '^  Sharpe ratio +-?[0-9]' "$out" >/dev/null || { echo "quickstart: no backtest summary (Sharpe ratio)" >&2; exit 1; }
report=$(sed -n 's/^report: //p' "$out")
[[ -n "$report" && -s "$report" ]] || { echo "quickstart: report.html missing ('$report')" >&2; exit 1; }
echo "quickstart: PASS"
