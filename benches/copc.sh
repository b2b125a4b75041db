#!/usr/bin/env bash
# COPC, written and read: `convert` of COUNT galaxy points to COPC beside plain LAZ and a copy
# of the raw file (same run, page cache), with wall time and peak resident memory; `render` of
# the COPC file from disk, from a loopback URL and from one whose every answer comes LATENCY s
# late (benches/viewer/rangeserver.py, which honours ranges and counts the bytes it sends);
# then the viewer on both URLs under Xvfb: when the first picture shows (lit pixels in the
# window) and how much of the file had been fetched by then, and when loading ends.
#
#   [LATENCY=0.05] bash benches/copc.sh [COUNT] [DIR]
#
# COUNT defaults to 20000000 (400 MB raw). Files go to DIR (default: a temporary folder,
# removed after). Needs a release build (cargo build --release), /usr/bin/time, Xvfb, xwd,
# xdotool, python3 with numpy, and laspy with lazrs (cargo xtask setup installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/vertexview
count=${1:-20000000}
dir=${2:-}
if [ -z "$dir" ]; then
    dir=$(mktemp -d)
    cleanup_dir=1
fi
port=8779
server=
xvfb=
viewer=
cleanup() {
    kill $viewer $server $xvfb 2>/dev/null || true
    if [ -n "${cleanup_dir:-}" ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT
t() { /usr/bin/time -f "$1: %e s, peak RSS %M KiB" "${@:2}"; }
raw=$dir/galaxy-$count.bin
[ -f "$raw" ] || "$bin" gen --shape galaxy --count "$count" -o "$raw" >/dev/null
cat "$raw" >/dev/null
t "cp (baseline)" cp "$raw" "$dir/copy.bin"
rm "$dir/copy.bin"
t "convert to LAZ" "$bin" convert "$raw" "$dir/g.laz" 2>&1 | grep -v '^wrote'
t "convert to COPC" "$bin" convert "$raw" "$dir/g.copc.laz" 2>&1 | grep -v '^wrote'
size=$(stat -c %s "$dir/g.copc.laz")
python3 - "$dir/g.copc.laz" <<'PY'
import sys, laspy
with laspy.CopcReader.open(sys.argv[1]) as r:
    entries = r.root_page.entries.values()
    print(f"laspy reads it: {sum(e.point_count for e in entries)} points in {len(entries)} nodes,",
          f"{len(r.query(level=0))} at the root")
PY

# Two servers: loopback as it is, and one that holds each answer back LATENCY seconds (object
# storage's round trip; default 0.05).
latency=${LATENCY:-0.05}
python3 benches/viewer/rangeserver.py "$dir" $port >"$dir/served.log" &
server=$!
python3 benches/viewer/rangeserver.py "$dir" $((port + 1)) "$latency" >"$dir/served-slow.log" &
server="$server $!"
for p in $port $((port + 1)); do
    until python3 -c "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:$p/g.copc.laz', headers={'Range': 'bytes=0-0'})).read()" 2>/dev/null; do sleep 0.1; done
done

t "render from disk" "$bin" render "$dir/g.copc.laz" --size 800x600 -o "$dir/disk.png"
t "render from a loopback URL" "$bin" render "http://127.0.0.1:$port/g.copc.laz" --size 800x600 -o "$dir/url.png"
t "render from a URL answering after $latency s" "$bin" render "http://127.0.0.1:$((port + 1))/g.copc.laz" --size 800x600 -o "$dir/slow.png"
cmp "$dir/disk.png" "$dir/url.png" && cmp "$dir/disk.png" "$dir/slow.png" && echo "the same pixels all three ways"
t "render the same points as plain LAZ (baseline)" "$bin" render "$dir/g.laz" --size 800x600 -o "$dir/laz.png"
rm "$dir/g.laz"

Xvfb :93 -screen 0 1600x900x24 -nolisten tcp -noreset 2>/dev/null &
xvfb=$!
export DISPLAY=:93
until xwd -root -silent >/dev/null 2>&1; do sleep 0.1; done

# The viewer on the file at PORT (its server logging to LOG): when the first picture shows, and
# when loading ends, with the bytes fetched by then.
viewer_at() {
    local p=$1 log=$2
    local before start
    before=$(tail -n 1 "$log" | cut -d' ' -f2)
    start=$(date +%s.%N)
    "$bin" view "http://127.0.0.1:$p/g.copc.laz" --size 1280x720 --no-watch --no-panel \
        >/dev/null 2>"$dir/view.err" &
    viewer=$!
    python3 - "$start" "$log" "$size" "${before:-0}" <<'PY'
import sys, time, subprocess
import numpy as np
sys.path.insert(0, "benches/viewer")
import lit
start, log, size = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def served():
    lines = open(log).read().split()
    return int(lines[-1]) if lines else 0
before = int(sys.argv[4])  # the probe that waited for the server
while True:
    try:
        shown = lit.lit(lit.screen())
    except subprocess.CalledProcessError:
        shown = 0
    if shown > 0:
        t, b = time.time() - start, served() - before
        print(f"  first picture: {t:.2f} s, {shown} lit pixels, {b} bytes fetched "
              f"({100 * b / size:.1f} % of the file)")
        break
    time.sleep(0.05)
while "loading" in lit.title() or lit.title() == "":
    time.sleep(0.2)
t, b = time.time() - start, served() - before
print(f"  loading done: {t:.2f} s, {b} bytes fetched ({100 * b / size:.1f} % of the file)")
PY
    kill $viewer 2>/dev/null || true
    wait $viewer 2>/dev/null || true
    viewer=
}
echo "viewer over loopback HTTP:"
viewer_at $port "$dir/served.log"
echo "viewer over HTTP answering after $latency s:"
viewer_at $((port + 1)) "$dir/served-slow.log"
