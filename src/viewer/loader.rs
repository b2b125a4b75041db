//! Reading a file onto the GPU off the event loop's thread: a quick sample for the first camera,
//! then piece after piece (spread over the file, so a half-loaded picture covers all of it), and
//! the file's exact statistics once every piece has been read. When the file is larger than the
//! GPU memory budget, every `stride`-th vertex is kept resident; [`FillIn`] streams the rest
//! through when the view rests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use winit::event_loop::EventLoopProxy;

use super::events::{LoadEvent, LoadFailure, ResidentPiece, ViewerEvent};
use crate::format::stats::{StatsAccumulator, VertexStats};
use crate::format::vertex::Vertex;
use crate::gpu::{catch_errors, GpuError, VertexBuffers};
use crate::load::source::VertexSource;
use crate::LoadError;

/// Vertices in the preview drawn while the view moves: an even subsample of the whole file.
pub const PREVIEW_VERTICES: u64 = 1 << 20;

/// The file distance between the preview's vertices.
pub fn preview_stride(vertices: u64) -> u32 {
    u32::try_from(vertices.div_ceil(PREVIEW_VERTICES).max(1)).unwrap_or(u32::MAX)
}

/// How much of a file stays on the GPU: every `stride`-th vertex.
pub fn resident_stride(file_bytes: u64, budget: u64) -> u32 {
    if budget == 0 || file_bytes <= budget {
        1
    } else {
        u32::try_from(file_bytes.div_ceil(budget)).unwrap_or(u32::MAX)
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

/// Starts reading `source` onto the GPU on a thread of its own, posting [`LoadEvent`]s for
/// `generation` until done or `cancel` is raised.
pub fn spawn(
    proxy: EventLoopProxy<ViewerEvent>,
    device: wgpu::Device,
    source: Arc<VertexSource>,
    stride: u32,
    generation: u64,
    cancel: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        let send = |event| {
            // The event loop has gone if this fails: nobody is left to tell.
            let _ = proxy.send_event(ViewerEvent::Load { generation, event });
        };
        // Pieces as large as one storage binding: each is one dispatch of the compute path, and
        // dispatches, not vertices, are what a frame of many small pieces spends its time on.
        let per_piece = crate::gpu::piece_vertices(&device);
        let result = load(&device, &source, stride, per_piece, &cancel, &mut |e| {
            send(e)
        });
        if let Err(failure) = result {
            send(LoadEvent::Failed(failure));
        }
    });
}

fn load(
    device: &wgpu::Device,
    source: &VertexSource,
    stride: u32,
    per_piece: u64,
    cancel: &AtomicBool,
    send: &mut dyn FnMut(LoadEvent),
) -> Result<(), LoadFailure> {
    send(LoadEvent::Sampled(sample_stats(source)?));
    let pieces = source.len().div_ceil(per_piece);
    let preview_stride = preview_stride(source.len());
    let mut stats = StatsAccumulator::default();
    let mut staging = Vec::new();
    for piece in spread_order(pieces) {
        if cancel.load(Ordering::Relaxed) {
            return Ok(());
        }
        let start = piece * per_piece;
        let end = (start + per_piece).min(source.len());
        staging.resize((end - start) as usize, Vertex::default());
        source.read(start, &mut staging)?;
        stats.add(&staging);
        let preview = Resident::of(&staging, start, preview_stride).vertices;
        let first = start + (u64::from(stride) - start % u64::from(stride)) % u64::from(stride);
        let buffers = upload_piece(device, source, &staging, start, stride)?;
        send(LoadEvent::Piece(ResidentPiece {
            buffers,
            first,
            stride,
            preview,
        }));
    }
    source.check_unchanged()?;
    send(LoadEvent::Done(stats.finish()));
    Ok(())
}

/// The vertices of a piece that stay resident: those whose file index is a multiple of
/// `stride`, so that the resident set is the same uniform subsample however the file is cut.
struct Resident {
    vertices: Vec<Vertex>,
}

impl Resident {
    fn of(piece: &[Vertex], start: u64, stride: u32) -> Resident {
        let stride = u64::from(stride);
        if stride == 1 {
            return Resident {
                vertices: piece.to_vec(),
            };
        }
        let skip = (stride - start % stride) % stride;
        Resident {
            vertices: piece
                .iter()
                .skip(skip as usize)
                .step_by(stride as usize)
                .copied()
                .collect(),
        }
    }
}

/// Uploads vertices into a buffer of their own, catching the GPU's refusal (out of memory) as
/// an error rather than leaving it to the device's handler.
fn upload(device: &wgpu::Device, vertices: &[Vertex]) -> Result<VertexBuffers, GpuError> {
    catch_errors(device, || VertexBuffers::upload(device, vertices))?
}

/// Uploads the resident part (every `stride`-th record from file index 0) of the piece of
/// `source` starting at record `start`, whose records decode to `vertices`: the file's bytes as
/// they are where the GPU reads the layout in place, else the decoded vertices.
fn upload_piece(
    device: &wgpu::Device,
    source: &VertexSource,
    vertices: &[Vertex],
    start: u64,
    stride: u32,
) -> Result<VertexBuffers, String> {
    let direct = source.is_direct() && source.decoder().is_some();
    if !direct {
        return if stride == 1 {
            upload(device, vertices)
        } else {
            upload(device, &Resident::of(vertices, start, stride).vertices)
        }
        .map_err(|e| e.to_string());
    }
    let size = source.layout().stride();
    let mut records = vec![0u8; vertices.len() * size];
    source
        .read_records(start, &mut records)
        .map_err(|e| e.to_string())?;
    if stride > 1 {
        let skip = ((u64::from(stride) - start % u64::from(stride)) % u64::from(stride)) as usize;
        records = records
            .chunks(size)
            .skip(skip)
            .step_by(stride as usize)
            .flatten()
            .copied()
            .collect();
    }
    let layout = source.gpu_layout();
    catch_errors(device, || {
        VertexBuffers::upload_records(device, &records, layout, u64::MAX)
    })
    .and_then(|r| r)
    .map_err(|e| e.to_string())
}

/// Statistics of an evenly spread sample, for a first camera: see
/// [`VertexSource::sample_stats`].
pub fn sample_stats(source: &VertexSource) -> Result<VertexStats, LoadError> {
    source.sample_stats()
}

/// Streams a file's vertices at full density through the GPU, piece by piece, for a picture
/// whose resident vertices are only a subsample: at most two pieces are in flight, each handed
/// to the event loop, drawn once and dropped, and the next read only when one is given back.
pub struct FillIn {
    cancel: Arc<AtomicBool>,
    permits: SyncSender<()>,
}

impl FillIn {
    /// Starts streaming `source` for `generation`, posting [`ViewerEvent::Fill`] per piece.
    pub fn spawn(
        proxy: EventLoopProxy<ViewerEvent>,
        device: wgpu::Device,
        source: Arc<VertexSource>,
        generation: u64,
        per_piece: u64,
    ) -> FillIn {
        let cancel = Arc::new(AtomicBool::new(false));
        let (permits, waiting): (SyncSender<()>, Receiver<()>) = sync_channel(2);
        let _ = permits.try_send(());
        let _ = permits.try_send(());
        let stop = cancel.clone();
        std::thread::spawn(move || {
            let send = |event| {
                let _ = proxy.send_event(ViewerEvent::Fill { generation, event });
            };
            let mut staging = Vec::new();
            for range in source.pieces(per_piece) {
                if waiting.recv().is_err() || stop.load(Ordering::Relaxed) {
                    return;
                }
                staging.resize((range.end - range.start) as usize, Vertex::default());
                let piece = source
                    .read(range.start, &mut staging)
                    .map_err(LoadFailure::from)
                    .and_then(|()| {
                        upload_piece(&device, &source, &staging, range.start, 1)
                            .map_err(LoadFailure::from)
                    });
                match piece {
                    Ok(buffers) => send(LoadEvent::Piece(ResidentPiece {
                        buffers,
                        first: range.start,
                        stride: 1,
                        preview: Vec::new(),
                    })),
                    Err(failure) => return send(LoadEvent::Failed(failure)),
                }
            }
            send(LoadEvent::Done(VertexStats::of(&[])));
        });
        FillIn { cancel, permits }
    }

    /// Lets the thread read its next piece: the event loop has drawn one.
    pub fn drawn(&self) {
        let _ = self.permits.try_send(());
    }
}

impl Drop for FillIn {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        // Wakes a thread waiting for a permit, which then sees the flag.
        let _ = self.permits.try_send(());
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
        let vertices: Vec<Vertex> = (0..100)
            .map(|i| Vertex::new(glam::Vec3::splat(i as f32), [i as u16; 3]))
            .collect();
        let whole = Resident::of(&vertices, 0, 7);
        let mut pieces = Vec::new();
        for (n, chunk) in vertices.chunks(13).enumerate() {
            pieces.extend(Resident::of(chunk, n as u64 * 13, 7).vertices);
        }
        assert_eq!(pieces, whole.vertices);
        assert_eq!(whole.vertices.len(), 15);
        assert_eq!(resident_stride(100, 0), 1);
        assert_eq!(resident_stride(100, 100), 1);
        assert_eq!(resident_stride(101, 100), 2);
        assert_eq!(resident_stride(3_000_000_000, 1 << 30), 3);
    }
}
