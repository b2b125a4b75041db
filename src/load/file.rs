//! [`VertexFile`]: a validated vertex file, its vertices viewed in place and its statistics.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use memmap2::{Mmap, MmapMut, MmapOptions};

use super::error::LoadError;
use super::input::{open_input, Input};
use super::length::vertex_count;
use super::reader::{read_exactly_at, read_into, ReadError};
use crate::format::stats::VertexStats;
use crate::format::vertex::{Vertex, FORMAT, STRIDE};
use crate::format::View;

enum Storage {
    /// Made in memory; always whole 20-byte vertices (an unpadded last vertex gets zero padding).
    Owned(Vec<Vertex>),
    /// Read from a file into anonymous memory, padded the same way.
    Read(MmapMut),
    /// Mapped from the file; see [`VertexFile::open_mapped`].
    Mapped(Mmap),
}

/// A validated vertex file: its vertices viewed in place, and statistics from the same pass.
///
/// ```
/// use vertexview::{Vertex, VertexFile};
/// use glam::Vec3;
///
/// let vertices = [Vertex::new(Vec3::new(1.0, 2.0, 3.0), [65535, 0, 0])];
/// let file = VertexFile::from_bytes(bytemuck::cast_slice(&vertices))?;
/// assert_eq!(file.len(), 1);
/// assert_eq!(file.vertices()[0].color, [65535, 0, 0]);
/// assert_eq!(file.stats().bounds.unwrap().max, Vec3::new(1.0, 2.0, 3.0));
/// # Ok::<(), vertexview::LoadError>(())
/// ```
pub struct VertexFile {
    path: PathBuf,
    storage: Storage,
    file_len: u64,
    unpadded_last: bool,
    stats: VertexStats,
}

impl std::fmt::Debug for VertexFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VertexFile")
            .field("path", &self.path)
            .field("file_len", &self.file_len)
            .field("mapped", &matches!(self.storage, Storage::Mapped(_)))
            .field("stats", &self.stats)
            .finish()
    }
}

impl VertexFile {
    /// Reads and validates the file at `path`.
    ///
    /// A named pipe (FIFO) is read as a stream to its end. Directories, devices, sockets and kernel
    /// files (`/proc`, `/sys`) are refused with [`LoadError::NotAFile`], saying which they are.
    /// The bytes are copied into memory (at page-cache speed), so another process may truncate or
    /// rewrite the file at any time without harm: this is the safe default, and what the viewer's
    /// live reload relies on. [`open_mapped`](Self::open_mapped) avoids the copy.
    pub fn open(path: impl AsRef<Path>) -> Result<VertexFile, LoadError> {
        Self::open_with_progress(path, |_, _| {})
    }

    /// [`open`](Self::open), calling `progress(bytes_read, total_bytes)` as pieces arrive.
    pub fn open_with_progress(
        path: impl AsRef<Path>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<VertexFile, LoadError> {
        let path = path.as_ref();
        let (file, len) = match open_input(path)? {
            Input::Regular(file, len) => (file, len),
            Input::Stream(file) => return Self::read_stream(path, file, progress),
        };
        let (count, unpadded_last) = vertex_count(path, len)?;
        let io = |error| LoadError::Io {
            path: path.to_owned(),
            error,
        };
        let mut memory = match count {
            0 => None,
            _ => Some(zeroed_memory(count * STRIDE).map_err(io)?),
        };
        let vertices: &mut [Vertex] = match &mut memory {
            Some(m) => {
                // Anonymous mappings start on a page boundary, so this cast does not fail; if it
                // ever did, it would say so rather than read nothing.
                let misalignment = m.as_ptr() as usize % std::mem::align_of::<Vertex>();
                bytemuck::try_cast_slice_mut(&mut m[..]).map_err(|_| LoadError::View {
                    path: path.to_owned(),
                    error: crate::format::ViewError::Misaligned {
                        misalignment,
                        align: std::mem::align_of::<Vertex>(),
                        wanted: FORMAT,
                    },
                })?
            }
            None => &mut [],
        };
        // Vertex i's bytes, in place; an unpadded last vertex keeps its zero padding.
        let read = |first: u64, piece: &mut [Vertex]| {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(piece);
            let offset = first * STRIDE as u64;
            let want = (bytes.len() as u64).min(len.saturating_sub(offset)) as usize;
            read_exactly_at(&file, &mut bytes[..want], offset)
        };
        let mut progress = |done: u64, _| progress((done * STRIDE as u64).min(len), len);
        let acc = read_into(vertices, &read, &mut progress, || {
            ReadError::Io(io::Error::other("a loader thread failed"))
        })
        .map_err(|e| match e {
            ReadError::Io(error) => io(error),
            ReadError::Short(found) => LoadError::Changed {
                path: path.to_owned(),
                expected: len,
                found,
            },
        })?;
        // A file that grew while it was read is as suspect as one that shrank.
        let mut probe = [0u8; 1];
        if (&file)
            .seek(SeekFrom::Start(len))
            .and_then(|_| (&file).read(&mut probe))
            .map_err(io)?
            != 0
        {
            return Err(LoadError::Changed {
                path: path.to_owned(),
                expected: len,
                found: file.metadata().map_or(len + 1, |m| m.len()),
            });
        }
        Ok(VertexFile {
            path: path.to_owned(),
            storage: memory.map_or(Storage::Owned(Vec::new()), Storage::Read),
            file_len: len,
            unpadded_last,
            stats: acc.finish(),
        })
    }

    /// Maps the file at `path` and validates it, without copying its bytes.
    ///
    /// # Safety
    ///
    /// The caller must guarantee that no process truncates the file while the returned
    /// `VertexFile` lives. On Linux, touching a mapped page past a truncated end kills the process
    /// with `SIGBUS`; no Rust code can catch that. Writes that keep the length only change what is
    /// drawn. Files that an engine rewrites while they are viewed belong with [`open`](Self::open).
    pub unsafe fn open_mapped(path: impl AsRef<Path>) -> Result<VertexFile, LoadError> {
        let path = path.as_ref();
        let (file, len) = match open_input(path)? {
            Input::Regular(file, len) => (file, len),
            // A pipe cannot be mapped; reading it is the only way.
            Input::Stream(file) => return Self::read_stream(path, file, |_, _| {}),
        };
        let (count, unpadded_last) = vertex_count(path, len)?;
        if count == 0 {
            return Ok(Self::owned(path.to_owned(), Vec::new(), len, false));
        }
        // A length of 20·n − 2 is 2 mod 4 and so never ends on a page boundary: the two padding
        // bytes of an unpadded last vertex lie in the file's last page, which the kernel fills
        // with zeros past the end. Mapping `count * STRIDE` bytes is therefore always valid.
        //
        // SAFETY: the caller promises the file is not truncated while mapped (see above).
        let map = unsafe {
            MmapOptions::new()
                .len(count * STRIDE)
                .populate()
                .map(&file)
                .map_err(|error| LoadError::Io {
                    path: path.to_owned(),
                    error,
                })?
        };
        let stats = VertexStats::of(cast_vertices(path, &map)?);
        Ok(VertexFile {
            path: path.to_owned(),
            storage: Storage::Mapped(map),
            file_len: len,
            unpadded_last,
            stats,
        })
    }

    /// Reads vertices from a stream (stdin, a pipe, a socket) to its end, calling
    /// `progress(bytes_read, 0)` as it goes, and validates the length at the end. `name` is what
    /// messages call it, such as `<stdin>`. The vertices are read straight into memory that holds
    /// them aligned, so a stream costs its own size in memory, once.
    pub fn read_from(
        name: impl Into<PathBuf>,
        reader: impl Read,
        progress: impl FnMut(u64, u64),
    ) -> Result<VertexFile, LoadError> {
        Self::read_stream(&name.into(), reader, progress)
    }

    fn read_stream(
        path: &Path,
        mut reader: impl Read,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<VertexFile, LoadError> {
        let mut vertices: Vec<Vertex> = Vec::new();
        let mut filled = 0usize;
        loop {
            if filled == vertices.len() * STRIDE {
                let grown = (vertices.len() * 2).max(1 << 16);
                vertices.resize(grown, Vertex::default());
            }
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut vertices);
            match reader.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    progress(filled as u64, 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(LoadError::Io {
                        path: path.to_owned(),
                        error,
                    })
                }
            }
        }
        let len = filled as u64;
        let (count, unpadded_last) = vertex_count(path, len)?;
        // The bytes past `len` are still the zeros they were made with: an unpadded last
        // vertex gets zero padding, as from a file.
        vertices.truncate(count);
        vertices.shrink_to_fit();
        Ok(Self::owned(path.to_owned(), vertices, len, unpadded_last))
    }

    /// Validates vertex bytes already in memory (copied once, to own them with the alignment
    /// `&[Vertex]` needs). The file name in errors is `<memory>`.
    pub fn from_bytes(bytes: &[u8]) -> Result<VertexFile, LoadError> {
        Self::from_named_bytes("<memory>", bytes)
    }

    /// [`from_bytes`](Self::from_bytes) with a name for messages, such as `colors.bin (built in)`.
    pub fn from_named_bytes(
        name: impl Into<PathBuf>,
        bytes: &[u8],
    ) -> Result<VertexFile, LoadError> {
        let path = name.into();
        let len = bytes.len() as u64;
        let (count, unpadded_last) = vertex_count(&path, len)?;
        let mut vertices = bytemuck::zeroed_vec::<Vertex>(count);
        bytemuck::cast_slice_mut::<Vertex, u8>(&mut vertices)[..bytes.len()].copy_from_slice(bytes);
        Ok(Self::owned(path, vertices, len, unpadded_last))
    }

    /// Wraps vertices made in memory (by a generator, say) as if loaded from a file of their bytes.
    pub fn from_vertices(name: impl Into<PathBuf>, vertices: Vec<Vertex>) -> VertexFile {
        let len = (vertices.len() * STRIDE) as u64;
        Self::owned(name.into(), vertices, len, false)
    }

    fn owned(
        path: PathBuf,
        vertices: Vec<Vertex>,
        file_len: u64,
        unpadded_last: bool,
    ) -> VertexFile {
        let stats = VertexStats::of(&vertices);
        VertexFile {
            path,
            storage: Storage::Owned(vertices),
            file_len,
            unpadded_last,
            stats,
        }
    }

    /// The path (or name) the vertices came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Length of the file in bytes.
    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    /// Number of vertices.
    pub fn len(&self) -> usize {
        self.stats.count
    }

    /// Whether the file holds no vertices.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the last vertex was stored without its 2 padding bytes.
    pub fn unpadded_last(&self) -> bool {
        self.unpadded_last
    }

    /// Whether the bytes are mapped from the file rather than copied.
    pub fn is_mapped(&self) -> bool {
        matches!(self.storage, Storage::Mapped(_))
    }

    /// The vertices, in place.
    pub fn vertices(&self) -> &[Vertex] {
        match &self.storage {
            Storage::Owned(v) => v,
            Storage::Read(map) => bytemuck::try_cast_slice(map).unwrap_or_default(),
            // Validated when mapped; the mapping is page-aligned and a whole number of vertices.
            Storage::Mapped(map) => bytemuck::try_cast_slice(map).unwrap_or_default(),
        }
    }

    /// The vertex bytes as the GPU takes them: `len() * 20` bytes, an unpadded last vertex padded
    /// with zeros.
    pub fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self.vertices())
    }

    /// The bytes as a memoryview-style [`View`] of format `<3f3H2x`.
    pub fn view(&self) -> View<'_> {
        View::new(self.bytes())
            .cast(FORMAT)
            .unwrap_or_else(|_| View::new(&[]))
    }

    /// Statistics gathered while loading.
    pub fn stats(&self) -> &VertexStats {
        &self.stats
    }
}

/// `len` zeroed bytes, page-aligned. Anonymous memory rather than a `Vec` so that it can ask for
/// huge pages: faulting in 4 KiB pages one by one costs more than the copy from the page cache.
fn zeroed_memory(len: usize) -> io::Result<MmapMut> {
    let memory = MmapOptions::new().len(len).map_anon()?;
    #[cfg(target_os = "linux")]
    {
        // Only a hint: without transparent huge pages the memory is simply slower to fill.
        let _ = memory.advise(memmap2::Advice::HugePage);
    }
    Ok(memory)
}

/// The file's bytes as vertices, through the same memoryview-style cast users get.
fn cast_vertices<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a [Vertex], LoadError> {
    View::new(bytes)
        .cast(FORMAT)
        .and_then(|v| v.as_slice::<Vertex>())
        .map_err(|error| LoadError::View {
            path: path.to_owned(),
            error,
        })
}
