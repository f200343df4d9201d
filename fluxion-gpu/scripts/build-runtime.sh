#!/usr/bin/env bash
# Builds everything the GPU machine needs into one folder (default fluxion-gpu/target/gpu-run), < 64 MiB:
#   runtime/  a Java runtime trimmed by jlink to the modules Fluxion uses (that machine has no Java)
#   lib/      fluxion-core, fluxion-gpu and the JUnit jars;  test-classes/  the module's tests
#   run-all.sh, torch_reference.py, summarize.py  (the one script that runs every GPU test and benchmark)
# Usage: fluxion-gpu/scripts/build-runtime.sh [output-folder]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mkdir -p "${1:-$root/fluxion-gpu/target/gpu-run}" && cd "${1:-$root/fluxion-gpu/target/gpu-run}" && pwd)"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

(cd "$root" && mvn -o -q -B -Pgpu -pl fluxion-gpu -am package -DskipTests \
  && mvn -o -q -B -Pgpu -pl fluxion-gpu dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$out/lib.new")
rm -rf "$out/lib" "$out/test-classes" && mv "$out/lib.new" "$out/lib"
cp "$root"/fluxion-gpu/target/fluxion-gpu-*.jar "$out/lib/"
cp -r "$root/fluxion-gpu/target/test-classes" "$out/test-classes"
cp "$here/run-all.sh" "$here/torch_reference.py" "$here/summarize.py" "$root/fluxion-gpu/README.md" "$out/"

# The modules the jars need (jdeps), plus the Vector API that fluxion-core adds at run time.
modules="$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 \
  --add-modules jdk.incubator.vector -cp "$out/lib/*" "$out"/lib/fluxion-*.jar "$out/test-classes" 2>/dev/null | tail -1)"
modules="$modules,jdk.incubator.vector,jdk.management,jdk.zipfs"  # zipfs: JUnit scans jars (no jdk.compiler: 13 MB; the README test compiles under Maven)
# JDK 24+ can link from its own run-time image when it ships without jmods (JEP 493), as Temurin 25 does.
rm -rf "$out/runtime"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-9 \
  --output "$out/runtime" 2>&1 | grep -v "incubator modules" || true
echo "modules: $modules"
du -sh "$out/runtime" "$out/lib" "$out/test-classes" "$out"
