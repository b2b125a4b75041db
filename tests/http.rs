//! COPC over HTTP, from a loopback server inside the test: one that honours range requests
//! (counted), one that answers every request with the whole file, one that drops the connection
//! mid-body once, and one that always does. The picture is the one the file on disk gives, or
//! the error is clear and bounded in time, never a wrong picture.

mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::headless::*;
use common::serve::{serve, Mode};

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

/// A remote file of several blocks reads back exactly, wherever reads start and end, fetching
/// each block once and neighbouring missing blocks in one request.
#[test]
fn a_remote_file_reads_its_bytes_by_coalesced_ranges() {
    use std::io::{Read, Seek, SeekFrom};
    use vertexview::load::http::{RemoteFile, BLOCK};
    let bytes: Vec<u8> = (0..5 * BLOCK as usize + 1234)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let (url, served) = serve(bytes.clone(), Mode::Ranges);
    let mut remote = RemoteFile::open(&url).unwrap();
    assert_eq!(remote.len(), bytes.len() as u64);
    // Blocks 1 to 3 in one request; then block 5 (the short last one).
    let mut got = vec![0u8; 3 * BLOCK as usize];
    remote.seek(SeekFrom::Start(BLOCK)).unwrap();
    remote.read_exact(&mut got).unwrap();
    assert!(got[..] == bytes[BLOCK as usize..4 * BLOCK as usize]);
    let mut tail = Vec::new();
    remote.seek(SeekFrom::End(-100)).unwrap();
    remote.read_to_end(&mut tail).unwrap();
    assert!(tail[..] == bytes[bytes.len() - 100..]);
    assert_eq!(served.load(Ordering::SeqCst), 3);
    // Within blocks already here: nothing more fetched.
    for (at, n) in [
        (10u64, 100usize),
        (BLOCK - 3, 7),
        (2 * BLOCK + 5, BLOCK as usize),
    ] {
        let mut part = vec![0u8; n];
        remote.seek(SeekFrom::Start(at)).unwrap();
        remote.read_exact(&mut part).unwrap();
        assert!(part[..] == bytes[at as usize..at as usize + n], "{at}+{n}");
    }
    assert_eq!(served.load(Ordering::SeqCst), 3);
    let traffic = remote.traffic();
    assert_eq!((traffic.requests(), traffic.bytes()), (3, 4 * BLOCK + 1234));
}

/// A read that needs a block kept from long ago and one not yet fetched, when the blocks kept
/// are at their limit: the old one stays for it (it was once dropped first, failing the read).
#[test]
fn a_remote_file_keeps_the_old_blocks_a_read_needs() {
    use std::io::{Read, Seek, SeekFrom};
    use vertexview::load::http::{RemoteFile, BLOCK};
    let blocks = 80usize;
    let bytes: Vec<u8> = (0..blocks * BLOCK as usize)
        .map(|i| (i * 13 % 253) as u8)
        .collect();
    let (url, _) = serve(bytes.clone(), Mode::Ranges);
    let mut remote = RemoteFile::open(&url).unwrap();
    let mut read = |at: u64, n: usize| {
        let mut part = vec![0u8; n];
        remote.seek(SeekFrom::Start(at)).unwrap();
        remote.read_exact(&mut part).unwrap();
        assert!(part[..] == bytes[at as usize..at as usize + n], "{at}+{n}");
    };
    // Block 0 (the open fetched it) and 1, then 63 far ones, one request each: 65 fetched.
    read(BLOCK, 10);
    for b in 10..73u64 {
        read(b * BLOCK, 10);
    }
    // Blocks 1 (kept, the oldest left) and 2 (not fetched) in one read.
    read(2 * BLOCK - 5, 10);
}
