#!/usr/bin/env bash
# Proves that ./finbert runs exactly the jars of its last build, so that an upgrade (javacpp 1.5.7 -> 1.5.13,
# OpenBLAS 0.3.19 -> 0.3.31) cannot leave old natives on the class path: (1) a stale jar dropped into
# cli/target/lib (as an earlier build would have left it) is not used; (2) a rebuild, which a changed pom.xml
# triggers after a pull, empties lib/ first. Checked through `finbert info`, which names the OpenBLAS on the class
# path and warns when several javacpp/openblas versions are there. Used by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
lib=cli/target/lib
work="$(mktemp -d "${TMPDIR:-/tmp}/finbert-launcher.XXXXXX")"
trap 'rm -rf "$work"' EXIT
./finbert info > "$work/info0.txt" # builds on first use
want_openblas=$(sed -n 's#.*<openblas.version>\(.*\)</openblas.version>.*#\1#p' pom.xml)

# A jar as javacpp 1.5.7 would have left it: its Maven metadata is what `finbert info` would see.
mkdir -p "$work/stale/META-INF/maven/org.bytedeco/javacpp"
printf 'groupId=org.bytedeco\nartifactId=javacpp\nversion=1.5.7\n' > "$work/stale/META-INF/maven/org.bytedeco/javacpp/pom.properties"
(cd "$work/stale" && jar cf "$root/$lib/javacpp-1.5.7.jar" META-INF)

fail=0
./finbert info > "$work/info1.txt" 2>&1
if grep -q "several versions" "$work/info1.txt"; then
  echo "check-launcher: the stale jar in $lib reached the class path:" >&2; cat "$work/info1.txt" >&2; fail=1
fi
grep -q "BLAS kernel: *OpenBLAS $want_openblas" "$work/info1.txt" ||
  { echo "check-launcher: finbert info does not report OpenBLAS $want_openblas" >&2; cat "$work/info1.txt" >&2; fail=1; }

touch pom.xml # what a pull that changes the pom does: the launcher rebuilds
./finbert info > "$work/info2.txt" 2>&1
if [[ -e "$lib/javacpp-1.5.7.jar" ]]; then
  echo "check-launcher: the rebuild left the stale jar in $lib" >&2; fail=1
  rm -f "$lib/javacpp-1.5.7.jar"
fi
grep "BLAS kernel" "$work/info2.txt"
if [[ "$fail" == 0 ]]; then
  echo "check-launcher: PASS (stale jars ignored, removed by the rebuild)"
else
  exit 1
fi
