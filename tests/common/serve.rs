//! A loopback HTTP server for tests of reading by range requests: honouring ranges (counted),
//! refusing them, or dropping the connection mid-body.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// 206 with the bytes asked for.
    Ranges,
    /// 200 with the whole file, whatever was asked.
    Whole,
    /// As `Ranges`, but the first request gets half its body, then the connection closes.
    DropOnce,
    /// Every request gets half its body.
    DropAlways,
}

/// Serves `bytes` at `http://127.0.0.1:PORT/scan.copc.laz`, one request per connection, each
/// on a thread of its own; returns the URL and the number of requests served.
pub fn serve(bytes: Vec<u8>, mode: Mode) -> (String, Arc<AtomicUsize>) {
    let (url, requests, _) = serve_counted(bytes, mode, None);
    (url, requests)
}

/// [`serve`], also counting the body bytes sent; with a `gate`, a request that would take the
/// bytes sent past its value waits until the test raises it.
pub fn serve_counted(
    bytes: Vec<u8>,
    mode: Mode,
    gate: Option<Arc<AtomicUsize>>,
) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let served = serve_with(bytes, mode, gate, Arc::new(AtomicUsize::new(0)));
    (served.url, served.requests, served.bytes)
}

/// What a server of [`serve_with`] has done.
pub struct Served {
    pub url: String,
    /// Requests answered or being answered.
    pub requests: Arc<AtomicUsize>,
    /// Body bytes sent.
    pub bytes: Arc<AtomicUsize>,
    /// The most requests it held at once.
    pub most_at_once: Arc<AtomicUsize>,
}

/// Serves `bytes` as [`serve_counted`] does. Until `company` requests (as the test sets it
/// now) have been in flight at once, a request waits for others to come (5 s at most), as a
/// slow object store would: a client that asks for several at once gets them together, one
/// that asks one at a time waits.
pub fn serve_with(
    bytes: Vec<u8>,
    mode: Mode,
    gate: Option<Arc<AtomicUsize>>,
    company: Arc<AtomicUsize>,
) -> Served {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/scan.copc.laz", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let sent_bytes = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(bytes);
    let result = Served {
        url,
        requests: served.clone(),
        bytes: sent_bytes.clone(),
        most_at_once: most.clone(),
    };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (count, sent_count, gate) = (served.clone(), sent_bytes.clone(), gate.clone());
            let (most, in_flight, dropped) = (most.clone(), in_flight.clone(), dropped.clone());
            let (bytes, company) = (bytes.clone(), company.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut range = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(r) = lower.strip_prefix("range: bytes=") {
                        let (a, b) = r.trim().split_once('-').unwrap();
                        range = Some((a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()));
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                let waited = std::time::Instant::now();
                while most.load(Ordering::SeqCst) < company.load(Ordering::SeqCst)
                    && waited.elapsed() < std::time::Duration::from_secs(5)
                {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                let asked = range.map_or(bytes.len(), |(a, b)| b.min(bytes.len() - 1) + 1 - a);
                while let Some(gate) = &gate {
                    if sent_count.load(Ordering::SeqCst) + asked <= gate.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                let _ = match (mode, range) {
                    (Mode::Whole, _) | (_, None) => {
                        sent_count.fetch_add(bytes.len(), Ordering::SeqCst);
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            bytes.len()
                        );
                        stream
                            .write_all(head.as_bytes())
                            .and_then(|()| stream.write_all(&bytes[..]))
                    }
                    (_, Some((a, b))) => {
                        let b = b.min(bytes.len() - 1);
                        let body = &bytes[a..=b];
                        let head = format!(
                        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {a}-{b}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        bytes.len(),
                        body.len()
                    );
                        let drop = body.len() > 1
                            && match mode {
                                Mode::DropAlways => true,
                                Mode::DropOnce => dropped.fetch_add(1, Ordering::SeqCst) == 0,
                                _ => false,
                            };
                        let sent = if drop { &body[..body.len() / 2] } else { body };
                        sent_count.fetch_add(sent.len(), Ordering::SeqCst);
                        stream
                            .write_all(head.as_bytes())
                            .and_then(|()| stream.write_all(sent))
                    }
                };
                in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    result
}
