//! [`VertexSource`]: a vertex file read in pieces, never whole. Validated from its length alone,
//! summarised in one pass at the speed of the disk, and read piece by piece into memory the
//! caller owns (such as a mapped GPU buffer), so files larger than memory can be drawn.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::LoadError;
use crate::file::{open_input, vertex_count, Input, VertexFile};
use crate::reader::{read_exactly_at, scan_vertices, ReadError};
use crate::stats::{StatsAccumulator, VertexStats};
use crate::vertex::{Vertex, STRIDE, UNPADDED_SIZE};

enum Origin {
    File(File),
    Memory(Arc<[u8]>),
    Loaded(VertexFile),
}

impl Origin {
    /// The bytes of a source held in memory.
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Origin::File(_) => None,
            Origin::Memory(bytes) => Some(bytes),
            Origin::Loaded(file) => Some(file.bytes()),
        }
    }
}

/// What tells one version of a file from another without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    len: u64,
    modified: Option<SystemTime>,
}

impl Version {
    fn of(file: &File) -> Option<Version> {
        let meta = file.metadata().ok()?;
        Some(Version {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// A vertex file opened for reading in pieces.
///
/// ```
/// use vertexview::{source::VertexSource, Vertex};
///
/// let source = VertexSource::open("assets/colors.bin")?;
/// assert_eq!(source.len(), 100_000);
/// // One pass for the bounding box, in a few hundred kilobytes whatever the size.
/// let stats = source.stats(|_, _| {})?;
/// // Then piece by piece into memory of your own (here a Vec; a mapped GPU buffer works too).
/// let mut piece = vec![Vertex::default(); 4096];
/// for range in source.pieces(4096) {
///     let n = (range.end - range.start) as usize;
///     source.read(range.start, &mut piece[..n])?;
/// }
/// source.check_unchanged()?;
/// # assert!(stats.bounds.is_some());
/// # Ok::<(), vertexview::LoadError>(())
/// ```
pub struct VertexSource {
    path: PathBuf,
    origin: Origin,
    file_len: u64,
    count: u64,
    unpadded_last: bool,
    version: Option<Version>,
}

impl std::fmt::Debug for VertexSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VertexSource")
            .field("path", &self.path)
            .field("file_len", &self.file_len)
            .field("count", &self.count)
            .finish()
    }
}

impl VertexSource {
    /// Opens the regular file at `path` and validates its length; nothing is read yet. Special
    /// files are refused as [`VertexFile::open`](crate::VertexFile::open) refuses them. A named
    /// pipe can be read only once, so it is read to its end into memory here.
    pub fn open(path: impl AsRef<Path>) -> Result<VertexSource, LoadError> {
        let path = path.as_ref();
        let (file, len) = match open_input(path)? {
            Input::Regular(file, len) => (file, len),
            Input::Stream(pipe) => {
                return VertexFile::read_from(path, pipe, |_, _| {}).map(Self::from_file)
            }
        };
        let (count, unpadded_last) = vertex_count(path, len)?;
        Ok(VertexSource {
            path: path.to_owned(),
            version: Version::of(&file),
            origin: Origin::File(file),
            file_len: len,
            count: count as u64,
            unpadded_last,
        })
    }

    /// A source over vertex bytes already in memory (the built-in sample, a stream read whole),
    /// named `name` in messages.
    pub fn from_memory(
        name: impl Into<PathBuf>,
        bytes: impl Into<Arc<[u8]>>,
    ) -> Result<VertexSource, LoadError> {
        let path = name.into();
        let bytes = bytes.into();
        let (count, unpadded_last) = vertex_count(&path, bytes.len() as u64)?;
        Ok(VertexSource {
            path,
            file_len: bytes.len() as u64,
            origin: Origin::Memory(bytes),
            count: count as u64,
            unpadded_last,
            version: None,
        })
    }

    /// A source over a file already loaded (a stream read to its end, say), without a copy.
    pub fn from_file(file: VertexFile) -> VertexSource {
        VertexSource {
            path: file.path().to_owned(),
            file_len: file.file_len(),
            count: file.len() as u64,
            unpadded_last: file.unpadded_last(),
            origin: Origin::Loaded(file),
            version: None,
        }
    }

    /// The path (or name) it reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of vertices.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether there are no vertices.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Length of the file in bytes.
    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    /// Whether the last vertex was stored without its 2 padding bytes.
    pub fn unpadded_last(&self) -> bool {
        self.unpadded_last
    }

    /// Statistics of every vertex, from one pass over the file (several threads, a small scratch
    /// buffer each), calling `progress(bytes_read, total_bytes)` as pieces finish.
    pub fn stats(&self, mut progress: impl FnMut(u64, u64)) -> Result<VertexStats, LoadError> {
        self.stats_of(0..self.count, &mut progress)
    }

    /// Statistics of vertices `range`.
    pub fn stats_of(
        &self,
        range: Range<u64>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VertexStats, LoadError> {
        let range = range.start.min(self.count)..range.end.min(self.count);
        match &self.origin {
            Origin::File(file) => scan_vertices(
                file,
                self.file_len,
                range.start,
                range.end - range.start,
                progress,
            )
            .map(|acc| acc.finish())
            .map_err(|e| self.read_error(e)),
            Origin::Loaded(file) if range == (0..self.count) => Ok(*file.stats()),
            Origin::Memory(_) | Origin::Loaded(_) => {
                let mut acc = StatsAccumulator::default();
                let mut piece = vec![Vertex::default(); 1 << 14];
                let mut at = range.start;
                while at < range.end {
                    let n = (range.end - at).min(piece.len() as u64) as usize;
                    self.read(at, &mut piece[..n])?;
                    acc.add(&piece[..n]);
                    at += n as u64;
                }
                Ok(acc.finish())
            }
        }
    }

    /// The vertices in pieces of `per_piece` (the last may be shorter), as index ranges.
    pub fn pieces(&self, per_piece: u64) -> impl Iterator<Item = Range<u64>> {
        let per_piece = per_piece.max(1);
        let count = self.count;
        (0..count.div_ceil(per_piece)).map(move |i| i * per_piece..((i + 1) * per_piece).min(count))
    }

    /// Reads vertices `first..first + into.len()` into `into`. An unpadded last vertex gets zero
    /// padding. A file that has become shorter than it was is [`LoadError::Changed`].
    pub fn read(&self, first: u64, into: &mut [Vertex]) -> Result<(), LoadError> {
        self.read_bytes(first, bytemuck::cast_slice_mut(into))
    }

    /// [`read`](Self::read) into bytes, `into.len()` a multiple of 20: for memory that is not
    /// typed as vertices, such as a mapped GPU buffer, which the bytes then reach unchanged.
    pub fn read_bytes(&self, first: u64, into: &mut [u8]) -> Result<(), LoadError> {
        let offset = first * STRIDE as u64;
        let want = (into.len() as u64).min(self.file_len.saturating_sub(offset)) as usize;
        let (data, padding) = into.split_at_mut(want);
        padding.fill(0);
        match &self.origin {
            Origin::File(file) => {
                read_exactly_at(file, data, offset).map_err(|e| self.read_error(e))
            }
            memory => {
                let bytes = memory.bytes().unwrap_or_default();
                data.copy_from_slice(&bytes[offset as usize..offset as usize + want]);
                Ok(())
            }
        }
    }

    /// [`read_bytes`](Self::read_bytes) into memory that must only be written, such as a mapped
    /// GPU buffer (possibly write-combined, possibly uninitialised, so never to be seen as a
    /// `&mut [u8]`): on Unix the kernel reads the file straight into it.
    ///
    /// # Safety
    ///
    /// `into` must be valid for writes of `len` bytes, and nothing may read or write that memory
    /// during the call.
    pub unsafe fn read_bytes_raw(
        &self,
        first: u64,
        into: *mut u8,
        len: usize,
    ) -> Result<(), LoadError> {
        let offset = first * STRIDE as u64;
        let want = (len as u64).min(self.file_len.saturating_sub(offset)) as usize;
        // SAFETY: `want <= len`, within what the caller vouches for.
        unsafe { std::ptr::write_bytes(into.add(want), 0, len - want) };
        match &self.origin {
            #[cfg(unix)]
            Origin::File(file) => {
                // SAFETY: as above; the kernel only writes.
                unsafe { crate::reader::read_exactly_at_raw(file, into, want, offset) }
                    .map_err(|e| self.read_error(e))
            }
            #[cfg(not(unix))]
            Origin::File(_) => {
                let mut staging = vec![0u8; want];
                self.read_bytes(first, &mut staging)?;
                // SAFETY: as above.
                unsafe { std::ptr::copy_nonoverlapping(staging.as_ptr(), into, want) };
                Ok(())
            }
            memory => {
                let bytes = memory.bytes().unwrap_or_default();
                let from = &bytes[offset as usize..offset as usize + want];
                // SAFETY: as above; `from` is ours and does not overlap `into`.
                unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), into, want) };
                Ok(())
            }
        }
    }

    /// Vertex `index`, read from the file (for a readout that needs one vertex of a huge file).
    pub fn vertex(&self, index: u64) -> Result<Vertex, LoadError> {
        let mut v = [Vertex::default()];
        self.read(index, &mut v)?;
        Ok(v[0])
    }

    /// Fails if the file's length or modification time differ from when it was opened: call it
    /// after reading the pieces, so that a picture of a file rewritten meanwhile is never passed
    /// off as the file's.
    pub fn check_unchanged(&self) -> Result<(), LoadError> {
        let (Origin::File(file), Some(then)) = (&self.origin, &self.version) else {
            return Ok(());
        };
        match Version::of(file) {
            Some(now) if now.len != then.len => Err(LoadError::Changed {
                path: self.path.clone(),
                expected: then.len,
                found: now.len,
            }),
            Some(now) if now == *then => Ok(()),
            _ => Err(LoadError::Rewritten {
                path: self.path.clone(),
            }),
        }
    }

    fn read_error(&self, error: ReadError) -> LoadError {
        match error {
            ReadError::Io(error) => LoadError::Io {
                path: self.path.clone(),
                error,
            },
            ReadError::Short(found) => LoadError::Changed {
                path: self.path.clone(),
                expected: self.file_len,
                found,
            },
        }
    }
}

/// Bytes of a file of `count` vertices, the last unpadded when `unpadded_last`.
pub fn file_bytes(count: u64, unpadded_last: bool) -> u64 {
    count * STRIDE as u64
        - if unpadded_last && count > 0 {
            (STRIDE - UNPADDED_SIZE) as u64
        } else {
            0
        }
}
