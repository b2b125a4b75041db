//! [`RemoteFile`]: a file on an HTTP(S) server (object storage) read by range requests, as
//! `Read + Seek`: blocks fetched on demand, neighbouring missing blocks coalesced into one
//! request, a few kept. Bounded at every step: connecting gives up after
//! [`CONNECT_TIMEOUT`], a request after [`REQUEST_TIMEOUT`], and a request that fails (a
//! dropped connection, a short body, a server error) is tried [`ATTEMPTS`] times in all, with a
//! growing pause, before the read fails. A server that does not honour range requests is an
//! error at once, never a whole body taken for a piece of it.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Tries of a request before the read fails.
pub const ATTEMPTS: u32 = 3;
/// Bytes fetched at least per request (a block).
pub const BLOCK: u64 = 256 * 1024;
/// Blocks kept.
const KEPT: usize = 64;

/// Whether `path` names a file on a web server rather than on disk.
pub fn is_url(path: &std::path::Path) -> bool {
    let text = path.to_string_lossy();
    text.starts_with("http://") || text.starts_with("https://")
}

/// What a remote file has cost so far: requests made and bytes received.
#[derive(Debug, Default)]
pub struct Traffic {
    requests: AtomicU64,
    bytes: AtomicU64,
}

impl Traffic {
    /// Requests made (each try counts).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Bytes of bodies received.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// A remote file read by range requests; see the module.
pub struct RemoteFile {
    url: String,
    agent: ureq::Agent,
    len: u64,
    pos: u64,
    /// (block index, its bytes), the most recently used last.
    blocks: Vec<(u64, Vec<u8>)>,
    traffic: Arc<Traffic>,
}

impl std::fmt::Debug for RemoteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteFile")
            .field("url", &self.url)
            .field("len", &self.len)
            .finish()
    }
}

impl RemoteFile {
    /// Opens `url`: one range request for its first block, which says how long the file is and
    /// that the server honours ranges (and holds the header every reader reads first).
    pub fn open(url: &str) -> io::Result<RemoteFile> {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .build();
        let mut file = RemoteFile {
            url: url.to_owned(),
            agent: config.into(),
            len: 0,
            pos: 0,
            blocks: Vec::new(),
            traffic: Arc::new(Traffic::default()),
        };
        let (first, total) = file.get(0, BLOCK)?;
        file.len = total;
        file.blocks.push((0, first));
        Ok(file)
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The requests and bytes this file (and its clones' reads) cost.
    pub fn traffic(&self) -> Arc<Traffic> {
        self.traffic.clone()
    }

    /// Bytes `start..end` (end > start), tried [`ATTEMPTS`] times, and the file's length as the
    /// server gives it.
    fn get(&self, start: u64, end: u64) -> io::Result<(Vec<u8>, u64)> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(100 << (2 * attempt)));
            }
            match self.get_once(start, end) {
                Ok(got) => return Ok(got),
                // Refusing ranges, or a missing file, is not a passing failure.
                Err(e) if e.kind() == io::ErrorKind::Unsupported => return Err(e),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        let e = last.unwrap_or_else(|| io::Error::other("no attempt made"));
        Err(io::Error::new(
            e.kind(),
            format!("{} (after {ATTEMPTS} tries)", e),
        ))
    }

    fn get_once(&self, start: u64, end: u64) -> io::Result<(Vec<u8>, u64)> {
        self.traffic.requests.fetch_add(1, Ordering::Relaxed);
        let mut response = self
            .agent
            .get(&self.url)
            .header("Range", format!("bytes={start}-{}", end - 1))
            .call()
            .map_err(|e| io::Error::other(format!("cannot fetch bytes {start}..{end}: {e}")))?;
        let status = response.status().as_u16();
        match status {
            206 => {}
            200 => return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the server does not honour range requests (it answered 200 with the whole file)",
            )),
            404 | 410 => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the server has no such file (HTTP {status})"),
                ))
            }
            _ => {
                return Err(io::Error::other(format!(
                    "the server answered HTTP {status}"
                )))
            }
        }
        // Content-Range: bytes START-LAST/TOTAL.
        let range = response
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let parsed = range.strip_prefix("bytes ").and_then(|r| {
            let (span, total) = r.split_once('/')?;
            let (first, _) = span.split_once('-')?;
            Some((first.parse::<u64>().ok()?, total.parse::<u64>().ok()?))
        });
        let Some((first, total)) = parsed else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("a range answer without a usable Content-Range ('{range}')"),
            ));
        };
        if first != start {
            return Err(io::Error::other(format!(
                "asked for bytes from {start}, got them from {first}"
            )));
        }
        let want = end.min(total).saturating_sub(start);
        let mut body = Vec::with_capacity(want as usize);
        response
            .body_mut()
            .as_reader()
            .take(want)
            .read_to_end(&mut body)?;
        self.traffic
            .bytes
            .fetch_add(body.len() as u64, Ordering::Relaxed);
        if (body.len() as u64) < want {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the body ended after {} of {want} bytes", body.len()),
            ));
        }
        Ok((body, total))
    }

    /// Makes blocks `first..=last` present, fetching the missing ones in runs of neighbours.
    fn fetch(&mut self, first: u64, last: u64) -> io::Result<()> {
        let mut block = first;
        while block <= last {
            if self.blocks.iter().any(|(b, _)| *b == block) {
                block += 1;
                continue;
            }
            let mut end = block;
            while end < last && !self.blocks.iter().any(|(b, _)| *b == end + 1) {
                end += 1;
            }
            let start = block * BLOCK;
            let stop = ((end + 1) * BLOCK).min(self.len);
            let (bytes, _) = self.get(start, stop)?;
            for (i, chunk) in bytes.chunks(BLOCK as usize).enumerate() {
                self.blocks.push((block + i as u64, chunk.to_vec()));
            }
            block = end + 1;
        }
        // The oldest go first, but never one this read needs, however old.
        let keep = KEPT.max((last - first + 1) as usize);
        while self.blocks.len() > keep {
            let Some(old) = self
                .blocks
                .iter()
                .position(|(b, _)| !(first..=last).contains(b))
            else {
                break;
            };
            self.blocks.remove(old);
        }
        Ok(())
    }
}

impl Read for RemoteFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        let end = (self.pos + buf.len() as u64).min(self.len);
        let (first, last) = (self.pos / BLOCK, (end - 1) / BLOCK);
        self.fetch(first, last)?;
        let mut done = 0;
        while self.pos < end {
            let block = self.pos / BLOCK;
            let i = self
                .blocks
                .iter()
                .position(|(b, _)| *b == block)
                .ok_or_else(|| io::Error::other("a block fetched is gone"))?;
            // The most recently used last.
            let entry = self.blocks.remove(i);
            let within = (self.pos - block * BLOCK) as usize;
            let n = (entry.1.len().saturating_sub(within)).min((end - self.pos) as usize);
            if n == 0 {
                self.blocks.push(entry);
                break;
            }
            buf[done..done + n].copy_from_slice(&entry.1[within..within + n]);
            self.blocks.push(entry);
            done += n;
            self.pos += n as u64;
        }
        Ok(done)
    }
}

impl Seek for RemoteFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        self.pos = new
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}
