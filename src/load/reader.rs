//! Reading a vertex file into memory at memory speed: several threads, each copying its share
//! of the file piece by piece and gathering statistics while the piece is still in cache.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::format::stats::StatsAccumulator;
use crate::format::vertex::{Vertex, STRIDE};

/// Vertices read per step: 256 KiB, so statistics run on data still in the core's L2 cache.
const PIECE_VERTICES: usize = 13_107;

/// Most threads a load uses: beyond this memory bandwidth, not copying, is the limit.
const MAX_THREADS: usize = 4;

/// Why reading stopped.
pub(crate) enum ReadError {
    Io(io::Error),
    /// The file ended early (another process truncated it); the length then seen.
    Short(u64),
}

/// Fills `vertices` from the first `len` bytes of `file` (the rest stays zero) and returns their
/// statistics, calling `progress(bytes_done, len)` as pieces finish.
pub(crate) fn read_vertices(
    file: &File,
    vertices: &mut [Vertex],
    len: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<StatsAccumulator, ReadError> {
    let pieces = vertices.len().div_ceil(PIECE_VERTICES);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(pieces.max(1));
    let share = pieces.div_ceil(threads) * PIECE_VERTICES;
    let done = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let mut shares = vertices.chunks_mut(share.max(1)).enumerate();
        let first = shares.next();
        let workers: Vec<_> = shares
            .map(|(i, part)| {
                let done = &done;
                scope.spawn(move || {
                    read_share(
                        file,
                        part,
                        (i * share * STRIDE) as u64,
                        len,
                        done,
                        &mut |_, _| {},
                    )
                })
            })
            .collect();
        let mut acc = match first {
            Some((_, part)) => read_share(file, part, 0, len, &done, progress)?,
            None => StatsAccumulator::default(),
        };
        for worker in workers {
            let theirs = worker
                .join()
                .map_err(|_| ReadError::Io(io::Error::other("a loader thread failed")))??;
            acc.merge(&theirs);
        }
        Ok(acc)
    })
}

/// Reads the vertices of one share, which starts at byte `start` of the file.
fn read_share(
    file: &File,
    part: &mut [Vertex],
    start: u64,
    len: u64,
    done: &AtomicU64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<StatsAccumulator, ReadError> {
    let mut acc = StatsAccumulator::default();
    let mut offset = start;
    for piece in part.chunks_mut(PIECE_VERTICES) {
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(piece);
        let want = (bytes.len() as u64).min(len.saturating_sub(offset)) as usize;
        read_exactly_at(file, &mut bytes[..want], offset)?;
        offset += want as u64;
        acc.add(piece);
        let total = done.fetch_add(want as u64, Ordering::Relaxed) + want as u64;
        progress(total, len);
    }
    Ok(acc)
}

/// Reads vertices `first..first + count` of `file` (of `len` bytes) through a scratch buffer per
/// thread, several threads at once, and returns their statistics: the file summarised at the
/// speed of the disk or page cache, in a few hundred kilobytes of memory whatever its size.
pub(crate) fn scan_vertices(
    file: &File,
    len: u64,
    first: u64,
    count: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<StatsAccumulator, ReadError> {
    let piece = PIECE_VERTICES as u64;
    let pieces = count.div_ceil(piece);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(pieces.max(1) as usize) as u64;
    let share = pieces.div_ceil(threads.max(1)) * piece;
    let done = AtomicU64::new(0);
    let total = count * STRIDE as u64;
    let scan = |start: u64, end: u64, progress: &mut dyn FnMut(u64, u64)| {
        let mut scratch = vec![Vertex::default(); PIECE_VERTICES];
        let mut acc = StatsAccumulator::default();
        let mut at = start;
        while at < end {
            let n = (end - at).min(piece) as usize;
            let vertices = &mut scratch[..n];
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(vertices);
            let offset = at * STRIDE as u64;
            let want = (bytes.len() as u64).min(len.saturating_sub(offset)) as usize;
            // An unpadded last vertex gets zero padding, as the loader gives it.
            bytes[want..].fill(0);
            read_exactly_at(file, &mut bytes[..want], offset)?;
            acc.add(vertices);
            at += n as u64;
            let so_far = done.fetch_add(want as u64, Ordering::Relaxed) + want as u64;
            progress(so_far, total);
        }
        Ok::<_, ReadError>(acc)
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads)
            .map(|t| {
                let start = first + t * share;
                let end = (start + share).min(first + count);
                let scan = &scan;
                scope.spawn(move || scan(start.min(end), end, &mut |_, _| {}))
            })
            .collect();
        let mut acc = scan(first, (first + share).min(first + count), progress)?;
        for worker in workers {
            let theirs = worker
                .join()
                .map_err(|_| ReadError::Io(io::Error::other("a reading thread failed")))??;
            acc.merge(&theirs);
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
