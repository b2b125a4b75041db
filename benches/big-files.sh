#!/usr/bin/env bash
# Files larger than memory: `gen`, `inspect` and `render` of big files, with wall time and peak
# resident memory (GNU time). Optionally the same render by an older build, in the same run.
#
#   bash benches/big-files.sh COUNT [DIR] [OLD_VERTEXVIEW]
#
# COUNT vertices (150000000 is 3 GB, 1000000000 is 20 GB) are written to DIR (default: a
# temporary folder; the file is kept when DIR is given). Needs a release build and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
count=$1
dir=${2:-}
old=${3:-}
if [ -z "$dir" ]; then
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
file=$dir/sphere-$count.bin
t() { /usr/bin/time -f "$1: %e s, peak RSS %M KiB" "${@:2}"; }
if [ ! -f "$file" ]; then
    t "gen $count" "$bin" gen --shape sphere --count "$count" -o "$file"
fi
ls -l "$file"
t "inspect" "$bin" inspect "$file" >/dev/null
for raster in compute pipeline; do
    t "render --raster $raster" "$bin" render "$file" -o "$dir/new-$raster.png" --raster "$raster"
done
if [ -n "$old" ]; then
    t "render by $old" "$old" render "$file" -o "$dir/old.png"
    "$bin" render "$file" -o "$dir/check.png" --reference "$dir/old.png" | sed 's/^/new against old: /'
fi
