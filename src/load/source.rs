//! [`VertexSource`]: a vertex file read in pieces, never whole. Validated from its length alone,
//! summarised in one pass at the speed of the disk, and read piece by piece into memory the
//! caller owns (such as a mapped GPU buffer), so files larger than memory can be drawn.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::LoadError;
use super::file::VertexFile;
use super::input::{open_input, Input};
use super::laz::LazRecords;
use super::length::record_count;
use super::reader::{read_exactly_at, scan, ReadError, PIECE_VERTICES};
use super::version::FileVersion;
use crate::format::records::{shift_for, Decoder};
use crate::format::stats::VertexStats;
use crate::format::vertex::{Vertex, STRIDE};
use crate::format::Up;
use crate::format::{Column, GpuLayout, Layout};

enum Origin {
    File(File),
    /// A LAZ file: records decompressed on demand.
    Laz(File, LazRecords),
    /// A COPC file's octree nodes, coarsest level first, decoded on demand (from disk or a URL).
    Copc(Box<super::copc::CopcNodes>),
    Memory(Arc<[u8]>),
    Loaded(VertexFile),
}

impl Origin {
    /// The bytes of a source held in memory.
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Origin::File(_) | Origin::Laz(..) | Origin::Copc(_) => None,
            Origin::Memory(bytes) => Some(bytes),
            Origin::Loaded(file) => Some(file.bytes()),
        }
    }
}

/// What a container's header says about its records, from which a [`VertexSource`] is built
/// once: how they are laid out (the layout's header is where they start), how many (when the
/// header says; else as many as the length allows), which axis is up, and how their colours are
/// scaled. Raw files take [`Records::new`] of their `--layout`; PLY and LAS derive one from their
/// headers.
#[derive(Clone, Debug, PartialEq)]
pub struct Records {
    /// The record layout.
    pub layout: Layout,
    /// How many records, when a header says so (the file may hold more after them).
    pub count: Option<u64>,
    /// Which axis is up in the file's coordinates.
    pub up: Up,
    /// How the colours' values are read.
    pub color_scale: ColorScale,
    /// Columns besides the layout's fields (a container's bit fields: LAS return numbers).
    pub columns: Vec<Column>,
}

impl Records {
    /// Records of `layout`, as many as the length allows, y up, colours as stored.
    pub fn new(layout: Layout) -> Records {
        Records {
            layout,
            count: None,
            up: Up::Y,
            color_scale: ColorScale::Stored,
            columns: Vec::new(),
        }
    }
}

/// How a source reads its colours' values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorScale {
    /// As their type says (an unsigned integer over its maximum).
    #[default]
    Stored,
    /// 16-bit channels that several LAS writers fill with 8-bit values: when every channel of
    /// an evenly spread sample is at most 255 (and not all are 0), they are taken as 8-bit.
    EightBitIfSmall,
}

/// What a source made from vertices converted in memory (a PLY file read whole) says about the
/// file they came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Converted {
    /// The file's length in bytes.
    pub file_len: u64,
    /// What was subtracted from every position before it became float32.
    pub shift: [f64; 3],
    /// Whether the file has colours.
    pub colored: bool,
    /// Which axis is up.
    pub up: Up,
}

/// An octree node of a coarse-first source (COPC): its records, and the sphere round its cube
/// in the source's coordinates (the file's less [`VertexSource::shift`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeSphere {
    /// Its first record.
    pub first: u64,
    /// Its records.
    pub count: u64,
    /// The centre of its cube.
    pub center: glam::Vec3,
    /// Half its cube's diagonal.
    pub radius: f32,
}

/// A vertex file opened for reading in pieces.
///
/// ```
/// use vertexview::{Vertex, VertexSource};
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
    version: Option<FileVersion>,
    layout: Layout,
    /// Decodes records into vertices; `None` for the default layout, whose records are vertices.
    pub(super) decoder: Option<Decoder>,
    /// Columns besides the layout's fields ([`Records::columns`]).
    pub(super) extra_columns: Vec<Column>,
    /// Records the GPU could read in place are converted all the same, because a column the
    /// frame colours by cannot be read in place ([`column_read`](Self::column_read)).
    pub(super) convert: bool,
    /// Where the records end in the file (a LAS file may hold more after them).
    end: u64,
    /// Which axis is up in the file's coordinates.
    up: Up,
    /// Whether the records hold colours (else the height ramp colours them).
    colored: bool,
    /// What was subtracted from positions converted before the source was made (a PLY read
    /// whole); the decoder's shift otherwise.
    shift: [f64; 3],
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
        Self::open_with(path, Layout::default(), None)
    }

    /// Opens a file of records of `layout` (from `layout.header()` bytes on): `count` of them
    /// when a header says so (the file may then hold more after them), else as many as the
    /// length allows, a whole number or a whole number minus the last record's trailing padding.
    pub fn open_with(
        path: impl AsRef<Path>,
        layout: Layout,
        count: Option<u64>,
    ) -> Result<VertexSource, LoadError> {
        Self::open_records(
            path,
            Records {
                count,
                ..Records::new(layout)
            },
        )
    }

    /// Opens a file of the `records` its header describes.
    pub fn open_records(
        path: impl AsRef<Path>,
        records: Records,
    ) -> Result<VertexSource, LoadError> {
        let path = path.as_ref();
        match open_input(path)? {
            Input::Regular(file, _) => Self::from_open_file(path, file, records),
            Input::Stream(pipe) if records == Records::new(Layout::default()) => {
                VertexFile::read_from(path, pipe, |_, _| {}).map(Self::from_file)
            }
            Input::Stream(pipe) => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut { pipe }, &mut bytes).map_err(|error| {
                    LoadError::Io {
                        path: path.to_owned(),
                        error,
                    }
                })?;
                Self::of_records(path.to_owned(), Origin::Memory(bytes.into()), None, records)
            }
        }
    }

    /// A source over the `count` records of `layout` (its header 0) that a LAZ file, already
    /// open, holds compressed as `laz` says.
    pub(crate) fn from_laz(
        path: &Path,
        file: File,
        laz: LazRecords,
        records: Records,
    ) -> Result<VertexSource, LoadError> {
        let version = FileVersion::of_file(&file);
        let file_len = version.as_ref().map_or(0, FileVersion::len);
        Self::decompressed(path, Origin::Laz(file, laz), version, file_len, records)
    }

    /// A source over the `records` of a COPC file's octree nodes (of `file_len` bytes),
    /// coarsest level first.
    pub(crate) fn from_copc(
        path: &Path,
        nodes: super::copc::CopcNodes,
        records: Records,
        file_len: u64,
    ) -> Result<VertexSource, LoadError> {
        Self::decompressed(path, Origin::Copc(Box::new(nodes)), None, file_len, records)
    }

    /// A source over records `origin` decompresses, standing one after the other from 0.
    fn decompressed(
        path: &Path,
        origin: Origin,
        version: Option<FileVersion>,
        file_len: u64,
        records: Records,
    ) -> Result<VertexSource, LoadError> {
        let count = records.count.unwrap_or(0);
        let stride = records.layout.stride() as u64;
        let mut source = VertexSource {
            path: path.to_owned(),
            version,
            origin,
            file_len,
            count,
            unpadded_last: false,
            decoder: None,
            extra_columns: records.columns,
            convert: false,
            colored: records.layout.color().is_some(),
            end: count.saturating_mul(stride),
            layout: records.layout,
            up: records.up,
            shift: [0.0; 3],
        };
        source.make_decoder(records.color_scale)?;
        Ok(source)
    }

    /// Whether the records are decompressed as they are read (LAZ, COPC).
    pub fn is_compressed(&self) -> bool {
        matches!(self.origin, Origin::Laz(..) | Origin::Copc(_))
    }

    /// The octree nodes of a coarse-first source (COPC), in record order; empty for others.
    pub fn node_spheres(&self) -> Vec<NodeSphere> {
        match &self.origin {
            Origin::Copc(nodes) => nodes.spheres(self.shift()),
            _ => Vec::new(),
        }
    }

    /// The octree nodes of a COPC source.
    pub(crate) fn copc_nodes(&self) -> Option<&super::copc::CopcNodes> {
        match &self.origin {
            Origin::Copc(nodes) => Some(nodes),
            _ => None,
        }
    }

    /// Whether the records come coarsest first (a COPC file's octree, level by level): any
    /// prefix is an evenly spread sample of the whole, so samples are prefixes, and the viewer
    /// loads pieces in order, each level refining the whole picture.
    pub fn is_coarse_first(&self) -> bool {
        matches!(self.origin, Origin::Copc(_))
    }

    /// A source over `file`, already open (a container read its header from it), holding the
    /// `records` its header describes.
    pub(crate) fn from_open_file(
        path: &Path,
        file: File,
        records: Records,
    ) -> Result<VertexSource, LoadError> {
        let version = FileVersion::of_file(&file);
        Self::of_records(path.to_owned(), Origin::File(file), version, records)
    }

    /// A source over vertex bytes already in memory (the built-in sample, a stream read whole),
    /// named `name` in messages.
    pub fn from_memory(
        name: impl Into<PathBuf>,
        bytes: impl Into<Arc<[u8]>>,
    ) -> Result<VertexSource, LoadError> {
        Self::from_memory_with(name, bytes, Layout::default(), None)
    }

    /// [`from_memory`](Self::from_memory) for records of `layout`, `count` of them if known.
    pub fn from_memory_with(
        name: impl Into<PathBuf>,
        bytes: impl Into<Arc<[u8]>>,
        layout: Layout,
        count: Option<u64>,
    ) -> Result<VertexSource, LoadError> {
        let records = Records {
            count,
            ..Records::new(layout)
        };
        Self::of_records(name.into(), Origin::Memory(bytes.into()), None, records)
    }

    /// A source over `origin`'s `len` bytes, records of `layout`: counted as
    /// [`open_with`](Self::open_with) says, with a decoder where the GPU cannot read them.
    fn of_records(
        path: PathBuf,
        origin: Origin,
        version: Option<FileVersion>,
        records: Records,
    ) -> Result<VertexSource, LoadError> {
        let len = match (&origin, &version) {
            (_, Some(version)) => version.len(),
            (Origin::File(file), None) => file
                .metadata()
                .map_err(|error| LoadError::Io {
                    path: path.clone(),
                    error,
                })?
                .len(),
            (memory, None) => memory.bytes().map_or(0, |b| b.len() as u64),
        };
        let Records {
            layout,
            count,
            up,
            color_scale,
            columns,
        } = records;
        let (count, unpadded_last, end) = record_count(&path, len, &layout, count)?;
        let mut source = VertexSource {
            path,
            version,
            origin,
            file_len: len,
            count,
            unpadded_last,
            decoder: None,
            extra_columns: columns,
            convert: false,
            colored: layout.color().is_some(),
            layout,
            end,
            up,
            shift: [0.0; 3],
        };
        source.make_decoder(color_scale)?;
        Ok(source)
    }

    /// A source over vertices converted in memory from a file that `converted` describes (a
    /// PLY file read whole).
    pub(crate) fn converted(file: VertexFile, converted: Converted) -> VertexSource {
        VertexSource {
            file_len: converted.file_len,
            shift: converted.shift,
            colored: converted.colored,
            up: converted.up,
            ..Self::from_file(file)
        }
    }

    /// This source, saying its file is `len` bytes (records converted into memory from a file
    /// of another length: an ASCII PLY).
    pub(crate) fn with_file_len(self, len: u64) -> VertexSource {
        VertexSource {
            file_len: len,
            ..self
        }
    }

    /// A source over a file already loaded (a stream read to its end, say), without a copy.
    pub fn from_file(file: VertexFile) -> VertexSource {
        VertexSource {
            path: file.path().to_owned(),
            file_len: file.file_len(),
            count: file.len() as u64,
            unpadded_last: file.unpadded_last(),
            end: file.file_len(),
            origin: Origin::Loaded(file),
            version: None,
            layout: Layout::default(),
            decoder: None,
            extra_columns: Vec::new(),
            convert: false,
            up: Up::Y,
            shift: [0.0; 3],
            colored: true,
        }
    }

    /// Whether the file holds colours; without them the height ramp colours the points.
    pub fn has_color(&self) -> bool {
        self.colored
    }

    /// Which axis is up in the file.
    pub fn up(&self) -> Up {
        self.up
    }

    /// What was subtracted from every position so that float32 keeps its detail: add it back
    /// for the file's own coordinates.
    pub fn shift(&self) -> [f64; 3] {
        self.decoder.as_ref().map_or(self.shift, Decoder::shift)
    }

    /// A decoder for layouts other than the default, shifted to the first finite position
    /// where positions need it.
    fn make_decoder(&mut self, color_scale: ColorScale) -> Result<(), LoadError> {
        if self.layout.is_default() {
            return Ok(());
        }
        let stride = self.layout.stride();
        let mut first = None;
        let probe = self.count.min(1000);
        if probe > 0 {
            let mut bytes = vec![0u8; probe as usize * stride];
            self.read_records(0, &mut bytes)?;
            first = bytes
                .chunks(stride)
                .map(|r| self.layout.read_position(r))
                .find(|p| p.iter().all(|v| v.is_finite()));
        }
        let shift = shift_for(&self.layout, first);
        self.decoder = Some(Decoder::new(self.layout.clone(), shift, 1.0));
        if color_scale == ColorScale::EightBitIfSmall && self.colored && self.count > 0 {
            let sample = self.sample_stats()?;
            if sample.color_max.iter().all(|&c| c <= 255) && sample.color_max != [0; 3] {
                // 257: 255 becomes 65535.
                self.decoder = Some(Decoder::new(self.layout.clone(), shift, 257.0));
            }
        }
        Ok(())
    }

    /// The record layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The decoder of records into vertices; `None` for the default layout.
    pub fn decoder(&self) -> Option<&Decoder> {
        self.decoder.as_ref()
    }

    /// How the GPU reads what [`read_gpu_raw`](Self::read_gpu_raw) gives: the records as they
    /// are where the GPU has formats for them, else default vertices converted from them.
    pub fn gpu_layout(&self) -> GpuLayout {
        match self.layout.gpu() {
            Some(layout) if !self.convert => layout,
            _ => GpuLayout::DEFAULT,
        }
    }

    /// Whether the GPU reads the file's bytes unchanged (no conversion on upload).
    pub fn is_direct(&self) -> bool {
        !self.convert && self.layout.gpu().is_some()
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
        if let (Origin::Loaded(file), true) = (&self.origin, range == (0..self.count)) {
            // Gathered when it was read.
            return Ok(*file.stats());
        }
        // Small enough that the records, their vertices and the statistics stay in L2 cache.
        let piece = match &self.origin {
            // A whole chunk a piece: each read decompresses from its chunk's start.
            Origin::Laz(_, laz) => laz.chunk_points().unwrap_or(1 << 16),
            _ if self.decoder.is_some() => 1 << 13,
            _ => PIECE_VERTICES,
        };
        let stride = self.layout.stride() as u64;
        let total = (range.end - range.start) * stride;
        let mut progress = |done: u64, _| progress(done * stride, total);
        let read = |first: u64, into: &mut [Vertex]| self.read(first, into);
        scan(range, piece, &read, &mut progress, || LoadError::Io {
            path: self.path.clone(),
            error: std::io::Error::other("a reading thread failed"),
        })
        .map(|acc| acc.finish())
    }

    /// Statistics of the evenly spread sample of [`FIT_SAMPLE`](super::sample::FIT_SAMPLE)
    /// vertices (see [`sample`](Self::sample)) that the fit camera and the height ramp frame, in
    /// `render` and the viewer alike: milliseconds even from a disk. Files that small are read
    /// whole, so their statistics are exact.
    pub fn sample_stats(&self) -> Result<VertexStats, LoadError> {
        Ok(self.framing()?.stats)
    }

    /// What frames a picture of this file: [`sample_stats`](Self::sample_stats) and the default
    /// ranges of ramps over x, y and z, from the same sample (see
    /// [`framing_with`](Self::framing_with)).
    pub fn framing(&self) -> Result<super::sample::Framing, LoadError> {
        Ok(self.framing_with(None)?.0)
    }

    /// Runs `read` with the kernel told that reads will be scattered (no read-ahead), as a
    /// sample's are: otherwise each of its thousands of small reads pulls in 128 KiB.
    pub(crate) fn scattered<T>(&self, read: impl FnOnce() -> T) -> T {
        #[cfg(target_os = "linux")]
        if let Origin::File(file) = &self.origin {
            use std::os::fd::AsRawFd;
            let advise = |advice| {
                // SAFETY: a plain system call on a file descriptor we own; failure is harmless
                // (the advice is only a hint).
                unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, advice) };
            };
            advise(libc::POSIX_FADV_RANDOM);
            let result = read();
            advise(libc::POSIX_FADV_NORMAL);
            return result;
        }
        read()
    }

    /// Vertices a decompression starts from: LAZ decodes from a chunk's start.
    pub(crate) fn chunk_points(&self) -> Option<u64> {
        match &self.origin {
            Origin::Laz(_, laz) => laz.chunk_points(),
            _ => None,
        }
    }

    /// The vertices in pieces of `per_piece` (the last may be shorter), as index ranges.
    pub fn pieces(&self, per_piece: u64) -> impl Iterator<Item = Range<u64>> {
        let per_piece = per_piece.max(1);
        let count = self.count;
        (0..count.div_ceil(per_piece)).map(move |i| i * per_piece..((i + 1) * per_piece).min(count))
    }

    /// Reads vertices `first..first + into.len()` into `into`, decoded from records of another
    /// layout where needed. An unpadded last vertex gets zero padding. A file that has become
    /// shorter than it was is [`LoadError::Changed`].
    pub fn read(&self, first: u64, into: &mut [Vertex]) -> Result<(), LoadError> {
        match &self.decoder {
            None => self.read_records(first, bytemuck::cast_slice_mut(into)),
            Some(decoder) => {
                // Reused per thread: the statistics pass reads many small pieces.
                thread_local! {
                    static RECORDS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
                }
                RECORDS.with_borrow_mut(|records| {
                    records.clear();
                    records.resize(into.len() * self.layout.stride(), 0);
                    self.read_records(first, records)?;
                    decoder.decode(records, into);
                    Ok(())
                })
            }
        }
    }

    /// Where record `first` starts in the file; past the end for records past the last.
    fn record_offset(&self, first: u64) -> u64 {
        first
            .saturating_mul(self.layout.stride() as u64)
            .saturating_add(self.layout.header())
    }

    /// The records `first..` as stored, `into.len()` a multiple of the stride; a short last
    /// record, and records past the last, read as zeros.
    pub fn read_records(&self, first: u64, into: &mut [u8]) -> Result<(), LoadError> {
        let offset = self.record_offset(first);
        let want = (into.len() as u64).min(self.end.saturating_sub(offset)) as usize;
        let (data, padding) = into.split_at_mut(want);
        padding.fill(0);
        match &self.origin {
            Origin::File(file) => {
                read_exactly_at(file, data, offset).map_err(|e| self.read_error(e))
            }
            Origin::Laz(file, laz) => {
                let whole = want - want % self.layout.stride();
                laz.read(file, first, &mut data[..whole])
                    .map_err(|e| self.read_error(ReadError::Io(e)))
            }
            Origin::Copc(nodes) => {
                let whole = want - want % self.layout.stride();
                nodes
                    .read(first, &mut data[..whole])
                    .map_err(|e| self.read_error(ReadError::Io(e)))
            }
            memory => {
                if want > 0 {
                    let bytes = memory.bytes().unwrap_or_default();
                    data.copy_from_slice(&bytes[offset as usize..offset as usize + want]);
                }
                Ok(())
            }
        }
    }

    /// What the GPU draws of records `first..`, laid out as [`gpu_layout`](Self::gpu_layout)
    /// says, into `len` bytes of memory that must only be written, such as a mapped GPU buffer
    /// (possibly write-combined, possibly uninitialised, so never to be seen as a `&mut [u8]`).
    /// Records the GPU reads in place are read straight into it (by the kernel, on Unix);
    /// others are converted on the way.
    ///
    /// # Safety
    ///
    /// `into` must be valid for writes of `len` bytes, and nothing may read or write that memory
    /// during the call.
    pub unsafe fn read_gpu_raw(
        &self,
        first: u64,
        into: *mut u8,
        len: usize,
    ) -> Result<(), LoadError> {
        if self.is_direct() {
            // SAFETY: passed on as the caller gave it.
            return unsafe { self.read_records_raw(first, into, len) };
        }
        let mut vertices = vec![Vertex::default(); len / STRIDE];
        self.read(first, &mut vertices)?;
        let bytes: &[u8] = bytemuck::cast_slice(&vertices);
        // SAFETY: `bytes.len() <= len`, writable as the caller vouches; ours, not overlapping.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), into, bytes.len()) };
        Ok(())
    }

    /// [`read_records`](Self::read_records) into memory that may only be written.
    ///
    /// # Safety
    ///
    /// As [`read_gpu_raw`](Self::read_gpu_raw).
    unsafe fn read_records_raw(
        &self,
        first: u64,
        into: *mut u8,
        len: usize,
    ) -> Result<(), LoadError> {
        let offset = self.record_offset(first);
        let want = (len as u64).min(self.end.saturating_sub(offset)) as usize;
        // SAFETY: `want <= len`, within what the caller vouches for.
        unsafe { std::ptr::write_bytes(into.add(want), 0, len - want) };
        match &self.origin {
            #[cfg(unix)]
            Origin::File(file) => {
                // SAFETY: as above; the kernel only writes.
                unsafe { crate::load::reader::read_exactly_at_raw(file, into, want, offset) }
                    .map_err(|e| self.read_error(e))
            }
            #[cfg(not(unix))]
            Origin::File(_) => {
                let mut staging = vec![0u8; want];
                self.read_records(first, &mut staging)?;
                // SAFETY: as above.
                unsafe { std::ptr::copy_nonoverlapping(staging.as_ptr(), into, want) };
                Ok(())
            }
            Origin::Laz(..) | Origin::Copc(_) => {
                let mut staging = vec![0u8; want];
                self.read_records(first, &mut staging)?;
                // SAFETY: as above; `staging` is ours.
                unsafe { std::ptr::copy_nonoverlapping(staging.as_ptr(), into, want) };
                Ok(())
            }
            memory => {
                if want > 0 {
                    let bytes = memory.bytes().unwrap_or_default();
                    let from = &bytes[offset as usize..offset as usize + want];
                    // SAFETY: as above; `from` is ours and does not overlap `into`.
                    unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), into, want) };
                }
                Ok(())
            }
        }
    }

    /// Record `index` as stored (for a readout that shows the values as the file holds them).
    pub fn record(&self, index: u64) -> Result<Vec<u8>, LoadError> {
        let mut bytes = vec![0u8; self.layout.stride()];
        self.read_records(index, &mut bytes)?;
        Ok(bytes)
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
        let (Origin::File(file) | Origin::Laz(file, _), Some(then)) = (&self.origin, &self.version)
        else {
            return Ok(());
        };
        match FileVersion::of_file(file) {
            Some(now) if now.len() != then.len() => Err(LoadError::Changed {
                path: self.path.clone(),
                expected: then.len(),
                found: now.len(),
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
