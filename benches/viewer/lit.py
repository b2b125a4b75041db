"""Lit pixels of the viewer's window (the top left W x H of an X screen: there is no window
manager to move it), for benches/viewer-fill.sh.

  lit.py render PNG           lit pixels of a PNG
  lit.py compare PNG          lit pixels of the screen, and how many differ from the PNG
  lit.py watch START FINAL    every 0.5 s: lit pixels and the window title, until the title
                              stops saying "drawn"; prints the first picture, half coverage
                              (of FINAL lit pixels), the completion time (seconds since START,
                              a Unix time) and the largest drop in lit pixels
"""
import struct
import subprocess
import sys
import time
import zlib

import numpy as np

W, H = 1280, 720


def png(path):
    """The RGB pixels of an 8-bit RGBA PNG."""
    data = open(path, 'rb').read()
    pos, idat, w, h = 8, b'', 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h = struct.unpack('>II', body[:8])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * 4)
    out = np.zeros((h, w * 4), np.int32)
    prev = np.zeros(w * 4, np.int32)
    for y in range(h):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(w * 4, np.int32)
            for x in range(w * 4):
                a = cur[x - 4] if x >= 4 else 0
                b = prev[x]
                c = prev[x - 4] if x >= 4 else 0
                if kind == 1:
                    pred = a
                elif kind == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + pred) & 255
        out[y] = cur
        prev = cur
    return out.reshape(h, w, 4)[:, :, :3].astype(np.uint8)


def screen():
    """The window's RGB pixels, from an xwd of the screen (32-bit BGRX pixels)."""
    d = subprocess.run(['xwd', '-root', '-silent'], capture_output=True, check=True).stdout
    header = int.from_bytes(d[0:4], 'big')
    colors = int.from_bytes(d[76:80], 'big')
    width = int.from_bytes(d[16:20], 'big')
    height = int.from_bytes(d[20:24], 'big')
    px = np.frombuffer(d[header + colors * 12:], np.uint8)[:width * height * 4]
    return px.reshape(height, width, 4)[:H, :W, 2::-1]


def lit(pixels):
    return int((pixels != 0).any(axis=2).sum())


def title():
    out = subprocess.run(['xdotool', 'search', '--name', 'vertexview', 'getwindowname'],
                         capture_output=True, text=True).stdout
    return out.strip().split('\n')[0]


def watch(start, final):
    first = half = None
    last, drop, where = 0, 0, ''
    while True:
        t = time.time() - start
        shown, name = lit(screen()), title()
        if first is None and shown > 0:
            first = t
            print(f'first picture: {t:.2f} s ({shown} lit)', flush=True)
        if half is None and shown >= final // 2:
            half = t
            print(f'half coverage: {t:.2f} s ({shown} lit) - {name}', flush=True)
        if shown < last and last - shown > drop:
            drop, where = last - shown, f'at {t:.2f} s: {last} -> {shown} lit - {name}'
        last = shown
        if name and 'drawn' not in name:
            print(f'complete: {t:.2f} s', flush=True)
            break
        if t > 600:
            print(f'not complete after 600 s: {name}', flush=True)
            break
        time.sleep(0.5)
    print(f'largest drop at rest: {drop} lit pixels ({where})' if drop else 'no drop at rest')


if __name__ == '__main__':
    if sys.argv[1] == 'render':
        print(lit(png(sys.argv[2])))
    elif sys.argv[1] == 'compare':
        shown = screen()
        print(lit(shown), int((shown != png(sys.argv[2])).any(axis=2).sum()))
    else:
        watch(float(sys.argv[2]), int(sys.argv[3]))
