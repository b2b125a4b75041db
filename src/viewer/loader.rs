//! Reading a file onto the GPU off the event loop's thread: an evenly spread sample for the first
//! camera and picture, then piece after piece (spread over the file, so a half-loaded picture
//! covers all of it), and the file's exact statistics once every piece has been read. When the
//! file is larger than the GPU memory budget, every `stride`-th vertex is kept resident. The
//! picture at rest does not wait for any of it: [`FillIn`] streams the pieces it has not drawn
//! whole through an upload ring, as `render` does, while the loader waits.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::Duration;

use winit::event_loop::EventLoopProxy;

use super::events::{
    LoadEvent, LoadFailure, Permit, ResidentPiece, SampledPiece, StreamedPiece, ViewerEvent,
};
use super::priority::{PieceQueue, SharedView, Step};
use crate::format::stats::{StatsAccumulator, VertexStats};
use crate::format::vertex::Vertex;
use crate::gpu::{
    catch_errors, vertex_usage, FilePosition, GpuError, StreamError, UploadRing, VertexBuffers,
};
use crate::load::sample::{SAMPLE_RUNS, SPREAD_RUNS};
use crate::load::source::VertexSource;
use crate::LoadError;

/// Vertices in the sample that is the first picture and the preview drawn while the view
/// moves: the evenly spread sample the camera is fitted to (see [`VertexSource::sample`]).
pub const PREVIEW_VERTICES: u64 = crate::load::sample::FIT_SAMPLE;

/// How much of a file stays on the GPU: every `stride`-th vertex.
pub fn resident_stride(file_bytes: u64, budget: u64) -> u32 {
    if budget == 0 || file_bytes <= budget {
        1
    } else {
        u32::try_from(file_bytes.div_ceil(budget)).unwrap_or(u32::MAX)
    }
}

/// How a file cut into pieces stays on the GPU within a memory budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residency {
    /// Every `stride`-th vertex of each piece stays.
    pub stride: u32,
    /// Pieces that may stay at once.
    pub capacity: usize,
}

/// How `source`, in pieces of `per_piece` vertices, stays within `budget` bytes of GPU memory
/// (0: no limit), counting the bytes it takes there (a compressed file takes more than its
/// size). A coarse-first file (COPC) over the budget keeps whole pieces, as many as fit, the
/// ones the view needs most (the loader's priority queue); any other keeps every `stride`-th
/// vertex of all.
pub fn residency(source: &VertexSource, per_piece: u64, budget: u64) -> Residency {
    let per_piece = per_piece.max(1);
    let pieces = usize::try_from(source.len().div_ceil(per_piece)).unwrap_or(usize::MAX);
    let vertex = u64::from(source.gpu_layout().stride);
    let bytes = source.len().saturating_mul(vertex);
    let stride = resident_stride(bytes, budget);
    if stride > 1 && source.is_coarse_first() {
        let fit = budget / per_piece.saturating_mul(vertex).max(1);
        return Residency {
            stride: 1,
            capacity: usize::try_from(fit).unwrap_or(usize::MAX).clamp(1, pieces),
        };
    }
    Residency {
        stride,
        capacity: pieces,
    }
}

/// The GPU memory the viewer uses for vertices unless told otherwise: half the memory available
/// now on adapters that share the CPU's memory (software and integrated), 4 GiB on others (wgpu
/// cannot ask a discrete GPU how much it has).
pub fn default_budget(info: &wgpu::AdapterInfo) -> u64 {
    const DISCRETE: u64 = 4 << 30;
    if !crate::gpu::maps_directly(info) {
        return DISCRETE;
    }
    available_memory().map_or(DISCRETE, |m| m / 2)
}

/// `MemAvailable` from /proc/meminfo, in bytes.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Pieces in an order that spreads them over the file: the bit-reversed order of their indices
/// (0, n/2, n/4, 3n/4, …), so that whatever has loaded so far covers the whole file.
pub fn spread_order(pieces: u64) -> Vec<u64> {
    let bits = 64 - pieces.saturating_sub(1).leading_zeros();
    (0..1u64 << bits)
        .map(|i| {
            if bits == 0 {
                0
            } else {
                i.reverse_bits() >> (64 - bits)
            }
        })
        .filter(|&i| i < pieces)
        .collect()
}

/// The order the loader reads `pieces` of `source` in: [`spread_order`], so that whatever has
/// loaded covers the whole file, unless the file's records come coarsest first (COPC), which
/// every prefix covers already: in order, each level refining the whole picture.
pub fn load_order(source: &VertexSource, pieces: u64) -> Vec<u64> {
    if source.is_coarse_first() {
        return (0..pieces).collect();
    }
    spread_order(pieces)
}

/// Vertices a piece of a coarse-first source (COPC) holds in the viewer: small enough that the
/// loader, choosing pieces by what the camera sees ([`PieceQueue`]), chooses places.
pub const COARSE_FIRST_PIECE: u64 = 1 << 19;

/// Slots in a streaming thread's upload ring: the next piece is read while this one is drawn.
const STREAM_SLOTS: usize = 2;

/// How often a streaming thread waiting for a slot looks whether it has been cancelled.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// A streaming thread's upload ring, and the permits that lend its slots to the event loop,
/// one [`Permit`] each: a slot is filled again only once its permit has come back (after the
/// frame that drew the piece has finished on the GPU).
struct Stream {
    ring: UploadRing,
    permits: Permits,
}

impl Stream {
    fn new(device: &wgpu::Device, per_piece: u64, stride: u32) -> Result<Stream, GpuError> {
        Ok(Stream {
            ring: UploadRing::new(device, STREAM_SLOTS, per_piece, stride)?,
            permits: Permits::new(STREAM_SLOTS),
        })
    }
}

/// Leave to fill one slot each, handed out and given back.
struct Permits {
    waiting: Receiver<()>,
    give_back: SyncSender<()>,
}

impl Permits {
    fn new(slots: usize) -> Permits {
        let (give_back, waiting) = sync_channel(slots);
        for _ in 0..slots {
            let _ = give_back.try_send(());
        }
        Permits { waiting, give_back }
    }

    /// Waits for a free slot; `false` when cancelled meanwhile.
    fn wait(&self, cancel: &AtomicBool) -> bool {
        loop {
            if cancel.load(Ordering::Relaxed) {
                return false;
            }
            match self.waiting.recv_timeout(CANCEL_POLL) {
                Ok(()) => return !cancel.load(Ordering::Relaxed),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    fn permit(&self) -> Permit {
        Permit(self.give_back.clone())
    }
}

/// What a loading thread needs from the event loop's GPU.
pub struct LoadTarget {
    /// The device the pieces go to.
    pub device: wgpu::Device,
    /// Its queue (staged uploads).
    pub queue: wgpu::Queue,
    /// Vertices a piece holds.
    pub per_piece: u64,
    /// The camera as last drawn (a COPC file's pieces load in the order it says).
    pub view: SharedView,
    /// Pieces that may be on the GPU at once. A coarse-first file (COPC) with more keeps those
    /// the view needs most; any other file keeps every `stride`-th vertex of every piece.
    pub capacity: usize,
}

/// How often a paused loading thread looks whether it may go on.
const PAUSE_POLL: Duration = Duration::from_millis(20);

/// Starts reading `source` onto the GPU on a thread of its own, posting [`LoadEvent`]s for
/// `generation` until done or `cancel` is raised: evenly spread samples first, then piece
/// after piece in [`load_order`] (a COPC file's in the order the camera says), keeping every `stride`-th vertex resident. Between pieces
/// it waits while `paused` is raised: while a [`FillIn`] streams the file for the picture at
/// rest, which comes first.
pub fn spawn(
    proxy: EventLoopProxy<ViewerEvent>,
    target: LoadTarget,
    source: Arc<VertexSource>,
    stride: u32,
    generation: u64,
    cancel: Arc<AtomicBool>,
    fills: Arc<AtomicUsize>,
) {
    std::thread::spawn(move || {
        let send = |event| {
            // The event loop has gone if this fails: nobody is left to tell.
            let _ = proxy.send_event(ViewerEvent::Load { generation, event });
        };
        let result = load(&target, &source, stride, &cancel, &fills, &mut |e| send(e));
        if let Err(failure) = result {
            send(LoadEvent::Failed(failure));
        }
    });
}

fn load(
    target: &LoadTarget,
    source: &VertexSource,
    stride: u32,
    cancel: &AtomicBool,
    fills: &AtomicUsize,
    send: &mut dyn FnMut(LoadEvent),
) -> Result<(), LoadFailure> {
    let device = &target.device;
    send(LoadEvent::Sampled(sample(device, source, SAMPLE_RUNS)?));
    // A denser spread, where the file is larger than the first sample and short runs are
    // cheap to read (not a compressed file, which decodes from a chunk's start each time).
    if source.len() > PREVIEW_VERTICES && !source.is_compressed() {
        send(LoadEvent::Sampled(sample(device, source, SPREAD_RUNS)?));
    }
    let layout = source.gpu_layout();
    let pieces = source.len().div_ceil(target.per_piece);
    let mut stats = StatsAccumulator::default();
    let mut memory = PieceMemory::default();
    let spheres = source.node_spheres();
    let mut steps: Box<dyn FnMut() -> Option<Step>> = if spheres.is_empty() {
        let mut order = load_order(source, pieces).into_iter();
        Box::new(move || order.next().map(Step::Load))
    } else {
        let mut queue = PieceQueue::new(
            &spheres,
            target.per_piece,
            pieces,
            target.capacity,
            target.view.clone(),
        );
        Box::new(move || queue.step())
    };
    // Whether the loader last said it had nothing to do for the view.
    let mut settled = false;
    while let Some(step) = steps() {
        while fills.load(Ordering::Relaxed) > 0 && !cancel.load(Ordering::Relaxed) {
            std::thread::sleep(PAUSE_POLL);
        }
        if cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
        let piece = match step {
            Step::Load(piece) => piece,
            Step::Swap { drop, load } => {
                // Told first, so the event loop lets it go before the next piece is made.
                send(LoadEvent::Dropped(drop as usize));
                load
            }
            Step::Wait => {
                if !settled {
                    send(LoadEvent::Settled);
                    settled = true;
                }
                std::thread::sleep(PAUSE_POLL);
                continue;
            }
        };
        settled = false;
        let start = piece * target.per_piece;
        let end = (start + target.per_piece).min(source.len());
        let step = u64::from(stride);
        let first = start + (step - start % step) % step;
        let resident_count = end.saturating_sub(first).div_ceil(step);
        let resident = create_mapped(device, resident_count * u64::from(layout.stride))?;
        let mut view = match resident.get_mapped_range_mut(..) {
            Ok(view) => view,
            Err(e) => return Err(LoadFailure::from(e.to_string())),
        };
        PieceCopy {
            source,
            memory: &mut memory,
            stats: &mut stats,
            stride,
            resident: view.slice(..),
        }
        .run(start..end)?;
        drop(view);
        resident.unmap();
        send(LoadEvent::Piece(ResidentPiece {
            piece: piece as usize,
            buffers: VertexBuffers::from_buffer(resident, resident_count as u32, layout),
            first,
            stride,
        }));
    }
    source.check_unchanged()?;
    send(LoadEvent::Done(stats.finish()));
    Ok(())
}

/// A vertex buffer of `bytes`, mapped for the loader to write, created inside an error scope so
/// that running out of GPU memory is an error, not a panic.
fn create_mapped(device: &wgpu::Device, bytes: u64) -> Result<wgpu::Buffer, LoadFailure> {
    // Mapped in place where the device allows it: without MAP_WRITE, wgpu stages the mapping
    // in memory of its own, a second allocation and copy of every piece.
    let usage = vertex_usage(device);
    catch_errors(device, || {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vertexview resident piece"),
            // wgpu refuses mapped buffers whose size is not a multiple of 4.
            size: bytes.next_multiple_of(4).max(4),
            usage,
            mapped_at_creation: true,
        })
    })
    .map_err(gpu_failure)
}

/// Vertices of a piece read and decoded at a time: small enough to stay in cache between the
/// read, the statistics and the copies to the GPU.
const CHUNK_VERTICES: u64 = 1 << 16;

/// Copies a piece from the file to the GPU in chunks, every `stride`-th record into `resident`,
/// gathering the statistics on the way.
struct PieceCopy<'a, 'm> {
    source: &'a VertexSource,
    memory: &'a mut PieceMemory,
    stats: &'a mut StatsAccumulator,
    stride: u32,
    resident: wgpu::WriteOnly<'m, [u8]>,
}

impl PieceCopy<'_, '_> {
    fn run(&mut self, range: Range<u64>) -> Result<(), LoadError> {
        let size = self.source.gpu_layout().stride as usize;
        let step = u64::from(self.stride);
        // A compressed file decodes from a chunk's start on every read: read it whole.
        let chunk = if self.source.is_compressed() {
            range.end - range.start
        } else {
            CHUNK_VERTICES
        };
        let mut kept = 0usize;
        let mut at = range.start;
        while at < range.end {
            let end = (at + chunk).min(range.end);
            let (records, vertices) = self.memory.read(self.source, at..end)?;
            self.stats.add(vertices);
            let skip = ((step - at % step) % step) as usize;
            kept = copy_every_nth(records, size, skip, self.stride, &mut self.resident, kept);
            at = end;
        }
        Ok(())
    }
}

fn gpu_failure(error: GpuError) -> LoadFailure {
    LoadFailure::from(error.to_string())
}

fn stream_failure(error: StreamError) -> LoadFailure {
    match error {
        StreamError::Load(e) => LoadFailure::from(e),
        StreamError::Gpu(e) => gpu_failure(e),
    }
}

/// An evenly spread sample in `runs` runs, on the GPU.
fn sample(
    device: &wgpu::Device,
    source: &VertexSource,
    runs: u64,
) -> Result<SampledPiece, LoadFailure> {
    let sample = source.sample_in(PREVIEW_VERTICES, runs)?;
    let buffers = catch_errors(device, || VertexBuffers::upload(device, &sample.vertices))
        .and_then(|r| r)
        .map_err(gpu_failure)?;
    Ok(SampledPiece {
        stats: VertexStats::of(&sample.vertices),
        ramp_ranges: sample.ramp_ranges(),
        buffers,
        position: FilePosition::runs(0, sample.run as u32, sample.gap),
    })
}

/// Memory a piece is read into, reused from piece to piece.
#[derive(Default)]
struct PieceMemory {
    vertices: Vec<Vertex>,
    records: Vec<u8>,
}

impl PieceMemory {
    /// Reads `range` of `source` once: the records as the GPU takes them (the file's bytes
    /// where it reads the layout in place, else the decoded vertices), and the vertices.
    fn read(
        &mut self,
        source: &VertexSource,
        range: Range<u64>,
    ) -> Result<(&[u8], &[Vertex]), LoadError> {
        let count = (range.end - range.start) as usize;
        self.vertices.resize(count, Vertex::default());
        if let (true, Some(decoder)) = (source.is_direct(), source.decoder()) {
            self.records.resize(count * source.layout().stride(), 0);
            source.read_records(range.start, &mut self.records)?;
            decoder.decode(&self.records, &mut self.vertices);
            return Ok((&self.records, &self.vertices));
        }
        source.read(range.start, &mut self.vertices)?;
        Ok((bytemuck::cast_slice(&self.vertices), &self.vertices))
    }
}

/// Copies every `n`-th record of `size` bytes of `records`, from record `skip`, into `into` from
/// byte `at`; returns where the next goes. With the same `n` for every chunk of a file (and
/// `skip` where its multiples of `n` fall), this is the same subsample however it is cut.
fn copy_every_nth(
    records: &[u8],
    size: usize,
    skip: usize,
    n: u32,
    into: &mut wgpu::WriteOnly<'_, [u8]>,
    mut at: usize,
) -> usize {
    if n <= 1 {
        into.slice(at..at + records.len()).copy_from_slice(records);
        return at + records.len();
    }
    for record in records.chunks_exact(size).skip(skip).step_by(n as usize) {
        into.slice(at..at + size).copy_from_slice(record);
        at += size;
    }
    at
}

/// Streams whole pieces of a file through the GPU for the picture at rest, as
/// [`render`](crate::gpu::render) streams a file: pieces are read into the slots of an
/// [`UploadRing`] (straight into mapped memory where the device allows), each handed to the
/// event loop to be drawn once, the next read while this one is drawn. `running` counts the
/// threads reading, so that the loader waits for them.
pub struct FillIn {
    cancel: Arc<AtomicBool>,
}

impl FillIn {
    /// Starts streaming `pieces` (piece numbers, in the order to draw them) of `source` for
    /// `generation`, posting [`ViewerEvent::Fill`] per piece.
    pub fn spawn(
        proxy: EventLoopProxy<ViewerEvent>,
        target: LoadTarget,
        source: Arc<VertexSource>,
        generation: u64,
        pieces: Vec<usize>,
        running: Arc<AtomicUsize>,
    ) -> FillIn {
        let cancel = Arc::new(AtomicBool::new(false));
        running.fetch_add(1, Ordering::Relaxed);
        let (stop, done) = (cancel.clone(), running);
        std::thread::spawn(move || {
            let send = |event| {
                let _ = proxy.send_event(ViewerEvent::Fill { generation, event });
            };
            let result = fill(&target, &source, &pieces, &stop, &mut |e| send(e));
            // The last pieces are still to be drawn, but nothing more is read: the loader may go
            // on.
            done.fetch_sub(1, Ordering::Relaxed);
            if let Err(failure) = result {
                send(LoadEvent::Failed(failure));
            }
        });
        FillIn { cancel }
    }
}

fn fill(
    target: &LoadTarget,
    source: &VertexSource,
    pieces: &[usize],
    cancel: &AtomicBool,
    send: &mut dyn FnMut(LoadEvent),
) -> Result<(), LoadFailure> {
    let device = &target.device;
    let stream =
        Stream::new(device, target.per_piece, source.gpu_layout().stride).map_err(gpu_failure)?;
    let mut ring = stream.ring;
    for &piece in pieces {
        if !stream.permits.wait(cancel) {
            return Ok(());
        }
        let start = piece as u64 * target.per_piece;
        let count = target.per_piece.min(source.len().saturating_sub(start));
        let buffers = ring
            .fill(device, &target.queue, source, start, count)
            .map_err(stream_failure)?;
        send(LoadEvent::Streamed(StreamedPiece {
            piece,
            buffers,
            first: start,
            _permit: stream.permits.permit(),
        }));
    }
    Ok(())
}

impl Drop for FillIn {
    fn drop(&mut self) {
        // The thread sees it within CANCEL_POLL, or at its next piece.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_order_visits_every_piece_once_far_apart_first() {
        assert_eq!(spread_order(0), Vec::<u64>::new());
        assert_eq!(spread_order(1), [0]);
        assert_eq!(spread_order(5), [0, 4, 2, 1, 3]);
        let mut all = spread_order(1000);
        assert_eq!(&all[..4], [0, 512, 256, 768]);
        all.sort();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn residents_are_the_same_subsample_however_the_file_is_cut() {
        let records: Vec<u8> = (0..100u8).flat_map(|i| [i, i, i]).collect();
        let mut whole = vec![0u8; 15 * 3];
        let end = copy_every_nth(
            &records,
            3,
            0,
            7,
            &mut wgpu::WriteOnly::from(&mut whole[..]),
            0,
        );
        assert_eq!(end, 45);
        assert_eq!(&whole[..6], [0, 0, 0, 7, 7, 7]);
        let mut pieces = vec![0u8; 15 * 3];
        let mut at = 0;
        for (n, chunk) in records.chunks(13 * 3).enumerate() {
            let skip = (7 - n * 13 % 7) % 7;
            at = copy_every_nth(
                chunk,
                3,
                skip,
                7,
                &mut wgpu::WriteOnly::from(&mut pieces[..]),
                at,
            );
        }
        assert_eq!((at, &pieces), (45, &whole));
        let mut all = vec![0u8; 300];
        assert_eq!(
            copy_every_nth(
                &records,
                3,
                0,
                1,
                &mut wgpu::WriteOnly::from(&mut all[..]),
                0
            ),
            300
        );
        assert_eq!(all, records);
        assert_eq!(resident_stride(100, 0), 1);
        assert_eq!(resident_stride(100, 100), 1);
        assert_eq!(resident_stride(101, 100), 2);
        assert_eq!(resident_stride(3_000_000_000, 1 << 30), 3);
    }
}
