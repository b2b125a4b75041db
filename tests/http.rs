//! COPC over HTTP, from a loopback server inside the test: one that honours range requests
//! (counted), one that answers every request with the whole file, one that drops the connection
//! mid-body once, and one that always does. The picture is the one the file on disk gives, or
//! the error is clear and bounded in time, never a wrong picture.

mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::headless::*;
use common::serve::{serve, serve_counted, serve_with, Mode};

fn copc() -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/simple_with_page.copc.laz");
    let bytes = std::fs::read(&path).unwrap();
    (s(&path), bytes)
}

fn render_to(input: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let out = s(out);
    let mut args = vec!["render", input, "--size", "160x120", "-o", &out];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_copc_url_renders_as_the_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = copc();
    let (url, served) = serve(bytes.clone(), Mode::Ranges);
    let (disk, remote) = (dir.path().join("disk.png"), dir.path().join("url.png"));
    assert!(render_to(&path, &disk, &[]).status.success());
    let out = render_to(&url, &remote, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&disk).unwrap(),
        std::fs::read(&remote).unwrap()
    );
    // One request: the first block, which holds this small file whole.
    assert_eq!(served.load(Ordering::SeqCst), 1);
    // The levels over HTTP are the levels on disk.
    let text = stdout(&run(&["inspect", &url, "--lod", "1"]));
    assert!(text.contains("vertices     90\n"), "{text}");
    assert!(text.contains("octree 3     48 nodes, 778 points"), "{text}");
    let fetched = text.lines().find(|l| l.starts_with("fetched")).unwrap();
    // The file is smaller than a block: the first request, which asks for one, brings it all.
    assert_eq!(
        fetched,
        format!(
            "fetched      {} bytes in 1 range requests (100.0 % of the file)",
            bytes.len()
        )
    );
}

#[test]
fn a_server_that_ignores_ranges_is_an_error_not_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let (_, bytes) = copc();
    let (url, served) = serve(bytes, Mode::Whole);
    let out = render_to(&url, &dir.path().join("x.png"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the server does not honour range requests"),
        "{}",
        stderr(&out)
    );
    // Said at the first answer: no retries of a refusal.
    assert_eq!(served.load(Ordering::SeqCst), 1);
    assert!(!dir.path().join("x.png").exists());
}

#[test]
fn a_dropped_connection_is_tried_again_and_then_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = copc();
    let disk = dir.path().join("disk.png");
    assert!(render_to(&path, &disk, &[]).status.success());
    // Once: the retry gets the bytes, and the picture is the file's.
    let (url, _) = serve(bytes.clone(), Mode::DropOnce);
    let remote = dir.path().join("url.png");
    let out = render_to(&url, &remote, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&disk).unwrap(),
        std::fs::read(&remote).unwrap()
    );
    // Always: three tries, then one line saying so, in a few seconds.
    let (url, served) = serve(bytes, Mode::DropAlways);
    let started = Instant::now();
    let out = render_to(&url, &dir.path().join("never.png"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("after 3 tries"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    // Three tries of the first block.
    assert_eq!(served.load(Ordering::SeqCst), 3);
}

/// Ranges of a remote file come back exactly, whatever their order: near ones share a request
/// (with the bytes between them), far ones go [`IN_FLIGHT`] requests at a time, and none is
/// asked for twice.
#[test]
fn ranges_come_back_exactly_by_coalesced_requests_several_in_flight() {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use vertexview::load::http::{Ranges, COALESCE_GAP, IN_FLIGHT};
    let len = 8u64 << 20;
    let bytes: Vec<u8> = (0..len as usize).map(|i| (i * 7 % 251) as u8).collect();
    let company = Arc::new(AtomicUsize::new(0));
    let served = serve_with(bytes.clone(), Mode::Ranges, None, company.clone());
    let (ranges, head) = Ranges::open(&served.url, 100).unwrap();
    assert!(head[..] == bytes[..100]);
    assert_eq!(ranges.len(), len);
    // From now on a request waits until IN_FLIGHT of them have been in flight at once.
    company.store(IN_FLIGHT, Ordering::SeqCst);
    // Six places 1 MiB apart, each two ranges within the gap (asked for last first), and the
    // file's last bytes: seven requests; an empty range asks for nothing.
    let mut asked = Vec::new();
    for k in (1..=6u64).rev() {
        let at = k << 20;
        asked.push(at + 1000 + COALESCE_GAP / 2..at + 5000 + COALESCE_GAP / 2);
        asked.push(at..at + 1000);
    }
    asked.push(len - 10..len);
    asked.push(500..500);
    let started = Instant::now();
    let got = ranges.get_many(&asked).unwrap();
    for (r, g) in asked.iter().zip(&got) {
        assert!(g[..] == bytes[r.start as usize..r.end as usize], "{r:?}");
    }
    assert_eq!(served.requests.load(Ordering::SeqCst), 1 + 7);
    assert_eq!(served.most_at_once.load(Ordering::SeqCst), IN_FLIGHT);
    // Never held up waiting for company: they were asked for together.
    assert!(started.elapsed() < Duration::from_secs(4));
    let each = 5000 + COALESCE_GAP / 2;
    let sent = 100 + 6 * each + 10;
    assert_eq!(served.bytes.load(Ordering::SeqCst) as u64, sent);
    let traffic = ranges.traffic();
    assert_eq!((traffic.requests(), traffic.bytes()), (8, sent));
    // A range past the end is an error, and asks for nothing.
    let past = ranges
        .get_many(std::slice::from_ref(&(len - 10..len + 1)))
        .unwrap_err();
    assert!(past.to_string().contains("not within the file"), "{past}");
    assert_eq!(served.requests.load(Ordering::SeqCst), 8);
}

/// A COPC file of many nodes over HTTP: the same picture as from disk, each byte fetched about
/// once (nodes by their own ranges, not rounded to blocks), in a few requests.
#[test]
fn a_copc_file_of_many_nodes_renders_from_a_url_as_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let raw = gen(dir.path(), "g.bin", "galaxy", "300000");
    let copc = dir.path().join("g.copc.laz");
    let convert = run(&["convert", &s(&raw), &s(&copc)]);
    assert!(convert.status.success(), "{}", stderr(&convert));
    let bytes = std::fs::read(&copc).unwrap();
    let (url, requests, sent) = serve_counted(bytes.clone(), Mode::Ranges, None);
    let (disk, remote) = (dir.path().join("disk.png"), dir.path().join("url.png"));
    assert!(render_to(&s(&copc), &disk, &[]).status.success());
    let out = render_to(&url, &remote, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&disk).unwrap(),
        std::fs::read(&remote).unwrap()
    );
    let (sent, len) = (sent.load(Ordering::SeqCst), bytes.len());
    // Short gaps between the nodes a request spans come with them.
    assert!(
        len - len / 10 < sent && sent < len + len / 10,
        "{sent} bytes sent of a {len}-byte file in {} requests",
        requests.load(Ordering::SeqCst)
    );
    let requests = requests.load(Ordering::SeqCst);
    assert!((3..60).contains(&requests), "{requests} requests");
}
