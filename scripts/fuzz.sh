#!/usr/bin/env bash
# Real fuzzing with Jazzer: each fuzz target of the reliability module for a time budget (Jazzer fuzzes one
# @FuzzTest per JVM, so this loops). A finding stops that target, is saved by Jazzer as a regression input under
# reliability/src/test/resources/.../<Class>Inputs/<method>/ and fails the run; fix the bug, keep the input (the
# default `mvn -B test` replays it). The generated corpus goes to reliability/.cifuzz-corpus/ (not committed).
#
#   scripts/fuzz.sh                 every target, 2 minutes each
#   FUZZ_DURATION=30s scripts/fuzz.sh SafetensorsFuzzTest VocabFuzzTest
set -uo pipefail
cd "$(dirname "$0")/.."
duration="${FUZZ_DURATION:-2m}"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(SafetensorsFuzzTest SafetensorsIndexFuzzTest PyTorchCheckpointFuzzTest ZipIndexFuzzTest UnpicklerFuzzTest
    BertConfigFuzzTest VocabFuzzTest TokenizerConfigFuzzTest TokenizerJsonFuzzTest TokenizerUnicodeFuzzTest
    NewsReaderFuzzTest PriceReaderFuzzTest)
fi
mvn -B -q -pl reliability -am test-compile -DskipTests >/dev/null || exit 1
failed=()
for t in "${targets[@]}"; do
  echo "== fuzzing $t for $duration"
  log="reliability/target/fuzz-$t.log"
  mkdir -p reliability/target
  if mvn -B -Pfuzz -pl reliability -am test -Dfuzz.duration="$duration" -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      >"$log" 2>&1; then
    echo "   no finding: $(grep -a -o '#[0-9]*[[:space:]]*DONE.*exec/s: [0-9]*' "$log" | tail -1 | tr -s ' \t' ' '); log: $log"
  else
    echo "   FINDING or failure: see $log"
    failed+=("$t")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "== targets with findings: ${failed[*]}"
  exit 1
fi
