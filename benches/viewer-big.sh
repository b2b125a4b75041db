#!/usr/bin/env bash
# The viewer on a big file, under Xvfb: time to the first picture, frame times while the camera
# is dragged (read from the window title, which shows the last frame's time), and time until the
# picture is complete (the title stops saying "% drawn" and "loading").
#
#   bash benches/viewer-big.sh FILE [extra view flags...]
#
# Needs a release build, Xvfb, xwd and xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
file=$1
shift
Xvfb :93 -screen 0 1600x900x24 -nolisten tcp -noreset 2>/dev/null &
xvfb=$!
trap 'kill $viewer $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=:93
now() { date +%s.%N; }
start=$(now)
"$bin" view "$file" --size 1280x720 --no-watch "$@" >/dev/null 2>&1 &
viewer=$!
lit() { xwd -root -silent | python3 -c "
import sys; d=sys.stdin.buffer.read(); h=int.from_bytes(d[0:4],'big'); n=int.from_bytes(d[76:80],'big')
px=d[h+n*12:]; print(sum(1 for i in range(0,len(px),4*97) if px[i:i+3]!=b'\0\0\0'))"; }
until [ "$(lit 2>/dev/null || echo 0)" -gt 0 ]; do sleep 0.05; done
echo "first picture: $(echo "$(now) - $start" | bc) s"
title() { xdotool search --name vertexview getwindowname 2>/dev/null | head -1; }
# Drag the camera round for 6 s, sampling the frame time in the title.
xdotool mousemove 640 360 mousedown 1
samples=()
for i in $(seq 1 60); do
    xdotool mousemove_relative -- $(( (i % 20 < 10) ? 12 : -12 )) 2
    sleep 0.1
    ms=$(title | grep -o '[0-9.]* ms' | head -1 | cut -d' ' -f1)
    [ -n "$ms" ] && samples+=("$ms")
done
xdotool mouseup 1
printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print "frame time while dragging: median " a[int((NR+1)/2)] " ms, worst " a[NR] " ms over " NR " samples"}'
rest=$(now)
until ! title | grep -q -e 'drawn' -e 'loading'; do sleep 0.1; done
echo "full density after the drag ended: $(echo "$(now) - $rest" | bc) s; since start: $(echo "$(now) - $start" | bc) s"
title
