#!/usr/bin/env bash
# Whole `vertexview render` processes, --raster compute against --raster pipeline in the same run:
# wall time and peak resident memory (GNU time), at 1920x1080, on files made with `gen`.
#
#   bash benches/render-process.sh [COUNTS...]     (default: 1000000 10000000)
#
# Runs each case three times, alternating the paths, and prints every run; the README quotes
# the medians. Needs a release build (cargo build --release) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/vertexview
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000000 10000000)
for n in "${counts[@]}"; do
    "$bin" gen --shape cube --count "$n" -o "$dir/cube.bin" 2>/dev/null
    for run in 1 2 3; do
        for raster in pipeline compute; do
            /usr/bin/time -f "$n vertices, $raster: %e s, peak RSS %M KiB" \
                "$bin" render "$dir/cube.bin" -o "$dir/out-$raster.png" --size 1920x1080 \
                --raster "$raster" 2>&1 | grep -v '^wrote'
        done
    done
    "$bin" render "$dir/cube.bin" -o "$dir/check.png" --size 1920x1080 --raster compute \
        --reference "$dir/out-pipeline.png" 2>/dev/null | sed "s/^/$n vertices, compute against pipeline: /"
done
