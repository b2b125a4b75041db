#!/usr/bin/env bash
# The paths other adapters take, measured on this machine's two software adapters in one run:
# whole `vertexview render` processes (wall time, peak RSS by GNU time) on Vulkan (lavapipe) with
# mapped uploads, on Vulkan forced to stage every upload (VERTEXVIEW_MAPPED_BUFFERS=0, a discrete
# GPU's path) and on GL (llvmpipe: staged, 32-bit atomics), by both rasterisers.
#
#   bash benches/adapters.sh [COUNT...] [-- OLD_VERTEXVIEW]
#
# Default counts: 10000000 (200 MB, whole) and 150000000 (3 GB, streamed). With OLD_VERTEXVIEW
# the same staged renders by an older build run beside, for the before and after of a change.
# Needs a release build (cargo build --release) and /usr/bin/time. Files go to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
counts=()
old=
while [ $# -gt 0 ]; do
    case $1 in
        --) old=$2; shift 2 ;;
        *) counts+=("$1"); shift ;;
    esac
done
[ ${#counts[@]} -gt 0 ] || counts=(10000000 150000000)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
t() { /usr/bin/time -f "$1: %e s, peak RSS %M KiB" "${@:2}" 2>&1 | grep -v '^wrote' || true; }
for n in "${counts[@]}"; do
    file=$dir/cube-$n.bin
    "$bin" gen --shape cube --count "$n" -o "$file" 2>/dev/null
    # Into the page cache first, so that every run reads at the same speed.
    cat "$file" >/dev/null
    echo "== $n vertices ($(stat -c %s "$file") bytes); baseline: cat to /dev/null"
    t "cat" sh -c "cat $file >/dev/null"
    for raster in compute pipeline; do
        args=(render "$file" -o "$dir/out.png" --size 1920x1080 --raster "$raster")
        t "vulkan mapped, $raster" env WGPU_BACKEND=vulkan "$bin" "${args[@]}"
        t "vulkan staged, $raster" env WGPU_BACKEND=vulkan VERTEXVIEW_MAPPED_BUFFERS=0 "$bin" "${args[@]}"
        t "gl, $raster" env WGPU_BACKEND=gl "$bin" "${args[@]}"
        if [ -n "$old" ]; then
            t "gl by $old, $raster" env WGPU_BACKEND=gl "$old" "${args[@]}"
        fi
    done
done
