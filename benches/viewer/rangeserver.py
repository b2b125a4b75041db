"""A loopback HTTP server that honours range requests, for benches/copc-http.sh: serves the
files of a folder, and after every answer prints `SECONDS BYTES` (since it started, and the
body bytes sent so far) on stdout, so a bench can say how much a client had fetched by when.

  rangeserver.py DIR PORT [LATENCY]

LATENCY (seconds, default 0) holds every answer back that long, as object storage's round
trip does, so that requests in flight at once show what they are worth.
"""
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORT = sys.argv[1], int(sys.argv[2])
LATENCY = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
START = time.time()
SENT = [0]
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_GET(self):
        time.sleep(LATENCY)
        path = os.path.join(ROOT, os.path.basename(self.path))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        size = os.path.getsize(path)
        m = re.match(r'bytes=(\d+)-(\d*)', self.headers.get('Range', ''))
        first, last = 0, size - 1
        if m:
            first = int(m.group(1))
            last = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
            self.send_response(206)
            self.send_header('Content-Range', f'bytes {first}-{last}/{size}')
        else:
            self.send_response(200)
        self.send_header('Content-Length', str(last - first + 1))
        self.send_header('Accept-Ranges', 'bytes')
        self.end_headers()
        with open(path, 'rb') as f:
            f.seek(first)
            left = last - first + 1
            while left > 0:
                block = f.read(min(left, 1 << 20))
                if not block:
                    break
                self.wfile.write(block)
                left -= len(block)
        with LOCK:
            SENT[0] += last - first + 1
            print(f'{time.time() - START:.3f} {SENT[0]}', flush=True)


ThreadingHTTPServer(('127.0.0.1', PORT), Handler).serve_forever()
