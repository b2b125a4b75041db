//! Files on an HTTP(S) server (object storage), read by range requests: [`Ranges`] fetches any
//! byte ranges from any thread, neighbouring ranges coalesced into one request, up to
//! [`IN_FLIGHT`] requests at once (how a COPC file's hierarchy pages and nodes are fetched).
//!
//! Bounded at every step: connecting gives up after [`CONNECT_TIMEOUT`], a request after
//! [`REQUEST_TIMEOUT`], and a request that fails (a dropped connection, a short body, a server
//! error) is tried [`ATTEMPTS`] times in all, with a growing pause, before the read fails. A
//! server that does not honour range requests is an error at once, never a whole body taken for
//! a piece of it.

use std::io::{self, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Tries of a request before the read fails.
pub const ATTEMPTS: u32 = 3;
/// Requests [`Ranges::get_many`] keeps in flight at once: object storage answers each after a
/// round trip of tens of milliseconds, so a few at once keep the line busy.
pub const IN_FLIGHT: usize = 4;
/// Ranges this close are fetched in one request, the bytes between them with them: cheaper
/// than another round trip.
pub const COALESCE_GAP: u64 = 64 * 1024;
/// Coalesced requests stop growing at this size, so that several can be in flight.
pub const COALESCE_MAX: u64 = 8 << 20;

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

/// A file on a web server whose byte ranges any thread may fetch; see the module.
pub struct Ranges {
    url: String,
    agent: ureq::Agent,
    len: u64,
    traffic: Arc<Traffic>,
}

impl std::fmt::Debug for Ranges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ranges")
            .field("url", &self.url)
            .field("len", &self.len)
            .finish()
    }
}

impl Ranges {
    /// Opens `url` with one request for its first `first` bytes (at least one), which says how
    /// long the file is and that the server honours ranges; returns those bytes too.
    pub fn open(url: &str, first: u64) -> io::Result<(Ranges, Vec<u8>)> {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .build();
        let mut ranges = Ranges {
            url: url.to_owned(),
            agent: config.into(),
            len: 0,
            traffic: Arc::new(Traffic::default()),
        };
        let (bytes, total) = ranges.get(0, first.max(1))?;
        ranges.len = total;
        Ok((ranges, bytes))
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The requests and bytes fetching from this file has cost.
    pub fn traffic(&self) -> Arc<Traffic> {
        self.traffic.clone()
    }

    /// The bytes of each of `ranges` (within the file), in their order: ranges lying within
    /// [`COALESCE_GAP`] of each other fetched by one request of at most [`COALESCE_MAX`] bytes
    /// (a single larger range by one of its own), up to [`IN_FLIGHT`] requests at once.
    pub fn get_many(&self, ranges: &[Range<u64>]) -> io::Result<Vec<Vec<u8>>> {
        if let Some(r) = ranges.iter().find(|r| r.start > r.end || r.end > self.len) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "bytes {}..{} are not within the file's {} bytes",
                    r.start, r.end, self.len
                ),
            ));
        }
        let requests = coalesce(ranges);
        let next = AtomicUsize::new(0);
        let bodies: Mutex<Vec<Option<Vec<u8>>>> = Mutex::new(vec![None; requests.len()]);
        let failed: Mutex<Option<io::Error>> = Mutex::new(None);
        let fetch = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(request) = requests.get(i) else {
                return;
            };
            if failed.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                return;
            }
            match self.get(request.span.start, request.span.end) {
                Ok((body, _)) => bodies.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(body),
                Err(e) => {
                    failed
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(e);
                    return;
                }
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..IN_FLIGHT.min(requests.len()) {
                scope.spawn(fetch);
            }
            fetch();
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let bodies = bodies.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut out = vec![Vec::new(); ranges.len()];
        for (request, body) in requests.iter().zip(bodies) {
            let body = body.unwrap_or_default();
            for &k in &request.parts {
                let r = &ranges[k];
                let from = (r.start - request.span.start) as usize;
                let to = (r.end - request.span.start) as usize;
                out[k] = body
                    .get(from..to)
                    .ok_or_else(|| io::Error::other("a coalesced answer is short"))?
                    .to_vec();
            }
        }
        Ok(out)
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
        let mut body = Vec::with_capacity(want.min(COALESCE_MAX) as usize);
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
}

/// One request of [`Ranges::get_many`]: the span it asks for and the ranges it serves.
#[derive(Debug, PartialEq)]
struct Request {
    span: Range<u64>,
    parts: Vec<usize>,
}

/// `ranges` gathered into requests, in file order: each next range within [`COALESCE_GAP`] of
/// the span so far joins it while the span stays within [`COALESCE_MAX`]. Empty ranges ask for
/// nothing.
fn coalesce(ranges: &[Range<u64>]) -> Vec<Request> {
    let mut order: Vec<usize> = (0..ranges.len())
        .filter(|&k| !ranges[k].is_empty())
        .collect();
    order.sort_by_key(|&k| (ranges[k].start, ranges[k].end));
    let mut requests: Vec<Request> = Vec::new();
    for k in order {
        let r = &ranges[k];
        if let Some(last) = requests.last_mut() {
            let end = last.span.end.max(r.end);
            if r.start <= last.span.end + COALESCE_GAP && end - last.span.start <= COALESCE_MAX {
                last.span.end = end;
                last.parts.push(k);
                continue;
            }
        }
        requests.push(Request {
            span: r.clone(),
            parts: vec![k],
        });
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ranges_share_a_request_far_and_large_ones_do_not() {
        let gap = COALESCE_GAP;
        let ranges = [
            // Out of order, and one empty: asks for nothing.
            5000 + gap..6000 + gap,
            0..1000,
            1000 + gap..5000 + gap,
            7000..7000,
            // Past the gap from the previous span.
            10_000 + 3 * gap..10_100 + 3 * gap,
            // Alone larger than a request may grow: its own request, and its neighbour one too.
            20 * COALESCE_MAX..21 * COALESCE_MAX + 1,
            21 * COALESCE_MAX + 1..21 * COALESCE_MAX + 2,
        ];
        let requests = coalesce(&ranges);
        let spans: Vec<(Range<u64>, Vec<usize>)> =
            requests.into_iter().map(|r| (r.span, r.parts)).collect();
        assert_eq!(
            spans,
            [
                (0..6000 + gap, vec![1, 2, 0]),
                (10_000 + 3 * gap..10_100 + 3 * gap, vec![4]),
                (20 * COALESCE_MAX..21 * COALESCE_MAX + 1, vec![5]),
                (21 * COALESCE_MAX + 1..21 * COALESCE_MAX + 2, vec![6]),
            ]
        );
    }
}
