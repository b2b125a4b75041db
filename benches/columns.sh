#!/usr/bin/env bash
# What colouring by a column and eye-dome lighting cost a whole `vertexview render`, by both
# rasterisers, beside the file's own colours in the same run (best of five wall times each).
#
#   bash benches/columns.sh [COUNT]
#
# The file is a galaxy of COUNT (default 10 000 000) default 20-byte records read with the layout
# `pos:3f col:3H w:1H`: the same bytes, the padding named as a 16-bit column `w`, so that
# `--color w` reads a column in place and `--color file` the colours, nothing else changing.
# Needs a release build (cargo build --release). Files go to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
n=${1:-10000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/galaxy.bin
"$bin" gen --shape galaxy --count "$n" -o "$file" 2>/dev/null
cat "$file" >/dev/null
best() {
    local name=$1 best=
    shift
    for _ in 1 2 3 4 5; do
        local start end
        start=$(date +%s.%N)
        "$bin" render "$file" -o "$dir/out.png" --size 1920x1080 --layout "pos:3f col:3H w:1H" "$@" 2>/dev/null
        end=$(date +%s.%N)
        local t
        t=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    printf '%-34s best of 5: %.3f s\n' "$name" "$best"
}
echo "== $n vertices, 1920x1080"
for raster in compute pipeline; do
    best "$raster, file colours" --raster "$raster" --color file
    best "$raster, --color w (in place)" --raster "$raster" --color w
    best "$raster, --color x" --raster "$raster" --color x
    best "$raster, file colours, --edl" --raster "$raster" --color file --edl
done
