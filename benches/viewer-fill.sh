#!/usr/bin/env bash
# How the viewer fills in a big file, under Xvfb, beside `render` of the same file at the same
# size in the same run: the first picture, half coverage, any drop in lit pixels while the
# camera rests, the time until the picture is complete (the title stops saying "drawn"),
# whether it then equals render's pixels, when loading ends (the title stops saying
# "loading"), and frame times while the camera is dragged afterwards.
#
#   bash benches/viewer-fill.sh FILE [extra view flags, such as --gpu-memory 1G]
#
# The extra flags go to the viewer only: flags that change the picture make it differ from the
# render. Needs a release build (cargo build --release), Xvfb, xwd, xdotool and python3 with
# numpy. The sampler (benches/viewer/lit.py) takes an xwd of the screen every 0.5 s, which
# costs the viewer some CPU that `render` does not pay.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
lit=$PWD/benches/viewer/lit.py
file=$1
shift
size=1280x720
work=$(mktemp -d)
Xvfb :94 -screen 0 1600x900x24 -nolisten tcp -noreset 2>/dev/null &
xvfb=$!
viewer=
trap 'kill $viewer $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=:94
until xwd -root -silent >/dev/null 2>&1; do sleep 0.1; done
now() { date +%s.%N; }

start=$(now)
"$bin" render "$file" -o "$work/render.png" --size $size 2>/dev/null
render_s=$(echo "$(now) - $start" | bc)
echo "render: $render_s s"
final=$(python3 "$lit" render "$work/render.png")
echo "render's picture: $final lit pixels"

start=$(now)
"$bin" view "$file" --size $size --no-watch "$@" >/dev/null 2>"$work/view.err" &
viewer=$!
python3 "$lit" watch "$start" "$final" | tee "$work/watch.txt"
complete=$(grep -o 'complete: [0-9.]*' "$work/watch.txt" | cut -d' ' -f2)
echo "complete / render: $(echo "scale=2; ${complete:-0} / $render_s" | bc)"
read -r shown differ < <(python3 "$lit" compare "$work/render.png")
echo "finished picture: $shown lit, $differ pixels differ from render's"
title() { xdotool search --name vertexview getwindowname 2>/dev/null | head -1; }
until ! title | grep -q loading; do sleep 0.2; done
echo "loading done: $(echo "$(now) - $start" | bc) s"

# Drag the camera round for 6 s, sampling the frame time in the title.
xdotool mousemove 640 360 mousedown 1
samples=()
for i in $(seq 1 60); do
    xdotool mousemove_relative -- $(((i % 20 < 10) ? 12 : -12)) 2
    sleep 0.1
    ms=$(title | grep -o '[0-9.]* ms' | head -1 | cut -d' ' -f1)
    [ -n "$ms" ] && samples+=("$ms")
done
xdotool mouseup 1
printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print "frame time while dragging: median " a[int((NR+1)/2)] " ms, worst " a[NR] " ms over " NR " samples"}'
