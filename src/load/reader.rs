//! Reading at memory speed: the one pass over vertices (several threads, each reading its share
//! piece by piece and gathering statistics while the piece is still in cache), and positional
//! reads that say when a file ended early.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::format::stats::StatsAccumulator;
use crate::format::vertex::Vertex;

/// Vertices read per step: 256 KiB, so statistics run on data still in the core's L2 cache.
pub(crate) const PIECE_VERTICES: u64 = 13_107;

/// Most threads a pass uses: beyond this memory bandwidth, not copying, is the limit.
const MAX_THREADS: usize = 4;

/// Why reading stopped.
pub(crate) enum ReadError {
    Io(io::Error),
    /// The file ended early (another process truncated it); the length then seen.
    Short(u64),
}

/// How a pass reads vertices: `read(first, into)` fills `into` with vertices `first..`.
pub(crate) type ReadVertices<'a, E> = dyn Fn(u64, &mut [Vertex]) -> Result<(), E> + Sync + 'a;

/// Statistics of vertices `range`, read by `read` piece by piece of `piece` vertices into a
/// small scratch buffer per thread, several threads at once: a file summarised at the speed of
/// the disk or page cache in a few hundred kilobytes, whatever its size. `progress(done, total)`
/// counts vertices.
pub(crate) fn scan<E: Send>(
    range: Range<u64>,
    piece: u64,
    read: &ReadVertices<'_, E>,
    progress: &mut dyn FnMut(u64, u64),
    thread_failed: impl Fn() -> E,
) -> Result<StatsAccumulator, E> {
    let total = range.end.saturating_sub(range.start);
    let share = share_of(total, piece);
    let shares: Vec<Range<u64>> = (0..total.div_ceil(share.max(1)))
        .map(|i| range.start + i * share..(range.start + (i + 1) * share).min(range.end))
        .collect();
    in_shares(
        shares,
        total,
        &|share: Range<u64>, step: &mut dyn FnMut(u64)| {
            let mut scratch = vec![Vertex::default(); piece.min(share.end - share.start) as usize];
            let mut acc = StatsAccumulator::default();
            let mut at = share.start;
            while at < share.end {
                let n = (share.end - at).min(piece) as usize;
                read(at, &mut scratch[..n])?;
                acc.add(&scratch[..n]);
                at += n as u64;
                step(n as u64);
            }
            Ok(acc)
        },
        progress,
        thread_failed,
    )
}

/// Fills `into` with vertices `0..into.len()` by `read`, in place, several threads at once, and
/// returns their statistics, gathered while each piece is still in cache. `progress(done,
/// total)` counts vertices.
pub(crate) fn read_into<E: Send>(
    into: &mut [Vertex],
    read: &ReadVertices<'_, E>,
    progress: &mut dyn FnMut(u64, u64),
    thread_failed: impl Fn() -> E,
) -> Result<StatsAccumulator, E> {
    let total = into.len() as u64;
    let share = share_of(total, PIECE_VERTICES) as usize;
    let shares: Vec<(u64, &mut [Vertex])> = into
        .chunks_mut(share.max(1))
        .enumerate()
        .map(|(i, part)| ((i * share) as u64, part))
        .collect();
    in_shares(
        shares,
        total,
        &|(first, part): (u64, &mut [Vertex]), step: &mut dyn FnMut(u64)| {
            let mut acc = StatsAccumulator::default();
            let mut at = first;
            for piece in part.chunks_mut(PIECE_VERTICES as usize) {
                read(at, piece)?;
                acc.add(piece);
                at += piece.len() as u64;
                step(piece.len() as u64);
            }
            Ok(acc)
        },
        progress,
        thread_failed,
    )
}

/// Vertices per thread's share of `total`: whole pieces, one share per thread.
fn share_of(total: u64, piece: u64) -> u64 {
    let pieces = total.div_ceil(piece.max(1));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(pieces.max(1) as usize) as u64;
    pieces.div_ceil(threads).max(1) * piece.max(1)
}

/// The work on one share of a pass: its statistics, calling `step(n)` after each `n` vertices.
type ShareWork<'a, S, E> =
    dyn Fn(S, &mut dyn FnMut(u64)) -> Result<StatsAccumulator, E> + Sync + 'a;

/// Runs `work` on every share, the first on this thread (which reports `progress` for all) and
/// the others on threads of their own, and merges their statistics.
fn in_shares<S: Send, E: Send>(
    shares: Vec<S>,
    total: u64,
    work: &ShareWork<'_, S, E>,
    progress: &mut dyn FnMut(u64, u64),
    thread_failed: impl Fn() -> E,
) -> Result<StatsAccumulator, E> {
    let done = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let mut shares = shares.into_iter();
        let first = shares.next();
        let done = &done;
        let workers: Vec<_> = shares
            .map(|share| {
                scope.spawn(move || {
                    work(share, &mut |n| {
                        done.fetch_add(n, Ordering::Relaxed);
                    })
                })
            })
            .collect();
        let mut acc = match first {
            Some(share) => work(share, &mut |n| {
                let so_far = done.fetch_add(n, Ordering::Relaxed) + n;
                progress(so_far, total);
            })?,
            None => StatsAccumulator::default(),
        };
        for worker in workers {
            acc.merge(&worker.join().map_err(|_| thread_failed())??);
        }
        Ok(acc)
    })
}

/// Reads `buf.len()` bytes at `offset`, or fails with [`ReadError::Short`] where the file ends.
pub(crate) fn read_exactly_at(
    file: &File,
    mut buf: &mut [u8],
    mut offset: u64,
) -> Result<(), ReadError> {
    while !buf.is_empty() {
        match read_at(file, buf, offset) {
            Ok(0) => return Err(ReadError::Short(offset)),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(())
}

/// [`read_exactly_at`] into memory that may only be written (a mapped GPU buffer).
///
/// # Safety
///
/// `into` must be valid for writes of `len` bytes, untouched by anyone else during the call.
#[cfg(unix)]
pub(crate) unsafe fn read_exactly_at_raw(
    file: &File,
    into: *mut u8,
    len: usize,
    offset: u64,
) -> Result<(), ReadError> {
    use std::os::fd::AsRawFd;
    let mut done = 0usize;
    while done < len {
        let at = offset + done as u64;
        // SAFETY: `into + done .. into + len` is valid for writes (the caller's promise); pread
        // writes at most `len - done` bytes there and reads nothing from it.
        let n = unsafe {
            libc::pread(
                file.as_raw_fd(),
                into.add(done).cast(),
                len - done,
                at as libc::off_t,
            )
        };
        match n {
            0 => return Err(ReadError::Short(at)),
            n if n > 0 => done += n as usize,
            _ => {
                let error = io::Error::last_os_error();
                if error.kind() != io::ErrorKind::Interrupted {
                    return Err(ReadError::Io(error));
                }
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}
