#!/usr/bin/env bash
# Proves that a Maven project depending only on finbert4j-core gets the pinned natives transitively: javacpp 1.5.13,
# OpenBLAS 0.3.31 and oneDNN 3.11 (not the 1.5.7 / 0.3.19 that nd4j-native 1.0.0-M2.1 declares; our parent's
# dependencyManagement does not reach a consumer's build). Steps: install tokenizer, weights, core and the parent
# into a TEMPORARY local repository (seeded with hard links to ~/.m2, so nothing is downloaded twice and nothing of
# ours lands in ~/.m2), write a consumer project, check its `dependency:tree`, then compile and run a class in it
# that prints the OpenBLAS kernel finbert4j reports. Exit 0 only when all of that holds. Used by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
host_repo="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
want_javacpp=$(sed -n 's#.*<javacpp.version>\(.*\)</javacpp.version>.*#\1#p' "$root/pom.xml")
want_openblas=$(sed -n 's#.*<openblas.version>\(.*\)</openblas.version>.*#\1#p' "$root/pom.xml")
want_dnnl=$(sed -n 's#.*<dnnl.version>\(.*\)</dnnl.version>.*#\1#p' "$root/pom.xml")
version=$(sed -n '0,/<version>/s#.*<version>\(.*\)</version>.*#\1#p' "$root/pom.xml")
work="$(mktemp -d "${TMPDIR:-/tmp}/finbert-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
mkdir -p "$repo"
if [[ -d "$host_repo" ]]; then
  cp -al "$host_repo/." "$repo/" 2>/dev/null || cp -a "$host_repo/." "$repo/"
  rm -rf "$repo/io/finbert4j" # only what this run installs
fi
echo "check-consumer: installing parent, tokenizer, weights, core $version into $repo"
(cd "$root" && mvn -q -B install -DskipTests -Dmaven.repo.local="$repo" -pl .,tokenizer,weights,core) ||
  { echo "check-consumer: install failed" >&2; exit 1; }

mkdir -p "$work/consumer/src/main/java/demo"
cat > "$work/consumer/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId><artifactId>consumer</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies>
    <dependency><groupId>io.finbert4j</groupId><artifactId>finbert4j-core</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
cat > "$work/consumer/src/main/java/demo/Main.java" <<'JAVA'
package demo;

public class Main {
  public static void main(String[] args) {
    io.finbert4j.core.BlasKernel k = io.finbert4j.core.BlasKernel.detect();
    System.out.println("kernel: " + k.describe());
    System.out.println("warning: " + k.warning());
  }
}
JAVA
cd "$work/consumer"
mvn -q -B -Dmaven.repo.local="$repo" dependency:tree -Dincludes=org.bytedeco -DoutputFile="$work/tree.txt" >/dev/null ||
  { echo "check-consumer: dependency:tree failed" >&2; exit 1; }
cat "$work/tree.txt"
fail=0
for want in "org.bytedeco:javacpp:jar:$want_javacpp" "org.bytedeco:openblas:jar:$want_openblas" \
    "org.bytedeco:dnnl:jar:$want_dnnl"; do
  grep -q "$want" "$work/tree.txt" || { echo "check-consumer: $want not resolved" >&2; fail=1; }
done
if grep -E "org.bytedeco:(javacpp|openblas):" "$work/tree.txt" | grep -v -e ":$want_javacpp" -e ":$want_openblas" ; then
  echo "check-consumer: other javacpp/openblas versions resolved (above)" >&2; fail=1
fi
mvn -q -B -Dmaven.repo.local="$repo" dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" > "$work/build.txt" 2>&1 ||
  { cat "$work/build.txt"; echo "check-consumer: consumer class path failed" >&2; exit 1; }
javac -d target/classes -cp "$(cat "$work/cp.txt")" src/main/java/demo/Main.java ||
  { echo "check-consumer: consumer compile failed" >&2; exit 1; }
java -cp "target/classes:$(cat "$work/cp.txt")" demo.Main > "$work/run.txt" 2>&1 || { cat "$work/run.txt"; echo "check-consumer: consumer run failed" >&2; exit 1; }
grep -v "^WARNING: Using incubator" "$work/run.txt"
grep -q "kernel: OpenBLAS $want_openblas, core " "$work/run.txt" || { echo "check-consumer: consumer does not run OpenBLAS $want_openblas" >&2; fail=1; }
grep -q "^warning: null$" "$work/run.txt" || { echo "check-consumer: the consumer's OpenBLAS kernel has a warning (above)" >&2; fail=1; }
if [[ "$fail" == 0 ]]; then
  echo "check-consumer: PASS (javacpp $want_javacpp, OpenBLAS $want_openblas, through finbert4j-core alone)"
else
  exit 1
fi
