#!/usr/bin/env bash
# `vertexview diff` of two identical files by index against `cmp` of the same files, from the
# page cache, in the same run: wall time and peak resident memory (GNU time), three runs each.
#
#   bash benches/diff.sh [COUNT]      (default 10000000: two 200 MB files)
#
# Needs a release build (cargo build --release) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
count=${1:-10000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" gen --shape cube --count "$count" -o "$dir/a.bin" 2>/dev/null
cp "$dir/a.bin" "$dir/b.bin"
cat "$dir/a.bin" "$dir/b.bin" >/dev/null
for run in 1 2 3; do
    /usr/bin/time -f "cmp (baseline): %e s, peak RSS %M KiB" cmp "$dir/a.bin" "$dir/b.bin"
    /usr/bin/time -f "vertexview diff: %e s, peak RSS %M KiB" "$bin" diff "$dir/a.bin" "$dir/b.bin" >/dev/null
done
