//! Drawing a file piece by piece: an [`UploadRing`] of reusable GPU buffers that pieces of a
//! [`VertexSource`] are read straight into, and [`render`], the one headless render,
//! that holds a few pieces whatever the file's size.

use thiserror::Error;

use super::cloud::PointCloud;
use super::context::{catch_errors, map_blocking_after, GpuContext};
use super::error::GpuError;
use super::offscreen::{OffscreenTarget, RenderSettings, OFFSCREEN_TARGET};
use super::params::{Raster, RasterPath};
use super::renderer::choose_path;
use super::renderer::PointRenderer;
use super::upload::VertexBuffers;
use crate::format::stats::{Bounds, VertexStats};
use crate::format::vertex::STRIDE;
use crate::format::GpuLayout;
use crate::gpu::image::RgbaImage;
use crate::load::error::LoadError;
use crate::load::source::VertexSource;

/// Why a streamed render failed: the file, or the GPU.
#[derive(Debug, Error)]
pub enum StreamError {
    /// Reading the file failed, or it changed while being read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The GPU failed.
    #[error(transparent)]
    Gpu(#[from] GpuError),
}

/// Vertex buffers reused for piece after piece of a file: each piece is read from the file
/// straight into a buffer's mapped memory where the device allows (CPU and integrated GPUs),
/// or through the queue's staging copy elsewhere; a buffer is refilled only once the GPU has
/// finished the work submitted with it. With two slots the next piece is read while the GPU
/// draws this one.
#[derive(Debug)]
pub struct UploadRing {
    slots: Vec<Slot>,
    capacity: u64,
    stride: u64,
    next: usize,
    mapped: bool,
}

#[derive(Debug)]
struct Slot {
    buffer: wgpu::Buffer,
    /// The submission that last used the buffer.
    used_by: Option<wgpu::SubmissionIndex>,
}

impl UploadRing {
    /// `slots` buffers of `capacity` records of `stride` bytes each (clamped to the device's
    /// `max_buffer_size`).
    pub fn new(
        device: &wgpu::Device,
        slots: usize,
        capacity: u64,
        stride: u32,
    ) -> Result<UploadRing, GpuError> {
        let stride = u64::from(stride.max(4));
        let max = device.limits().max_buffer_size / stride;
        let capacity = capacity.clamp(1, max.max(1));
        let usage = super::upload::vertex_usage(device);
        let mapped = usage.contains(wgpu::BufferUsages::MAP_WRITE);
        let slots = catch_errors(device, || {
            (0..slots.max(1))
                .map(|_| Slot {
                    buffer: device.create_buffer(&wgpu::BufferDescriptor {
                        label: Some("vertexview upload ring"),
                        size: capacity * stride,
                        usage,
                        mapped_at_creation: false,
                    }),
                    used_by: None,
                })
                .collect()
        })?;
        Ok(UploadRing {
            slots,
            capacity,
            stride,
            next: 0,
            mapped,
        })
    }

    /// Vertices a slot holds.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Reads vertices `first..first + count` (at most [`capacity`](Self::capacity)) of `source`
    /// into the next slot, waiting first for the GPU to finish with it. Returns the slot as
    /// vertex buffers to draw; after submitting the draw, tell the ring with
    /// [`used`](Self::used).
    pub fn fill(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        source: &VertexSource,
        first: u64,
        count: u64,
    ) -> Result<VertexBuffers, StreamError> {
        // SAFETY: `read_into` only writes the memory it is given, which nothing else touches
        // while it runs.
        self.fill_with(device, queue, source.gpu_layout(), count, |memory| unsafe {
            read_into(source, first, memory).map_err(StreamError::from)
        })
    }

    /// [`fill`](Self::fill) by a writer of its own: `write` is given the next slot's first
    /// `count` records (of `layout`) as memory to write only, all of which it must write.
    fn fill_with(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        layout: GpuLayout,
        count: u64,
        write: impl FnOnce(wgpu::WriteOnly<'_, [u8]>) -> Result<(), StreamError>,
    ) -> Result<VertexBuffers, StreamError> {
        // Slots hold `capacity` records of the ring's stride: fewer if the source's are longer.
        let count = count.min(self.capacity * self.stride / u64::from(layout.stride));
        let bytes = count * u64::from(layout.stride);
        let at = self.next;
        self.next = (self.next + 1) % self.slots.len();
        let slot = &mut self.slots[at];
        if count == 0 {
            return Ok(VertexBuffers::from_buffer(slot.buffer.clone(), 0, layout));
        }
        if self.mapped {
            map_blocking_after(
                device,
                &slot.buffer,
                wgpu::MapMode::Write,
                0..bytes,
                slot.used_by.take(),
            )
            .map_err(|e| GpuError::Validation(format!("mapping an upload buffer failed: {e}")))?;
            let written = match slot.buffer.get_mapped_range_mut(0..bytes) {
                Ok(mut view) => write(view.slice(..)),
                Err(e) => {
                    slot.buffer.unmap();
                    return Err(GpuError::Validation(e.to_string()).into());
                }
            };
            slot.buffer.unmap();
            written?;
        } else {
            // Staged (discrete GPUs): wait, as the mapped path does, for the GPU to finish with
            // the slot. The wait also frees the staging copies of finished submissions; without
            // it they pile up as fast as the file is read, bounded only by how fast the GPU
            // drains them.
            if let Some(submission) = slot.used_by.take() {
                device
                    .poll(wgpu::PollType::Wait {
                        submission_index: Some(submission),
                        timeout: None,
                    })
                    .map_err(|e| GpuError::Validation(format!("waiting for the GPU: {e}")))?;
            }
            // Straight into wgpu's staging memory: one copy fewer than `write_buffer`.
            let staged = wgpu::BufferSize::new(bytes)
                .and_then(|size| queue.write_buffer_with(&slot.buffer, 0, size));
            let Some(mut view) = staged else {
                return Err(GpuError::Validation("staging an upload failed".into()).into());
            };
            write(view.slice(..))?;
        }
        Ok(VertexBuffers::from_buffer(
            slot.buffer.clone(),
            count as u32,
            layout,
        ))
    }

    /// Records that `submission` used the slot filled last.
    pub fn used(&mut self, submission: wgpu::SubmissionIndex) {
        let last = (self.next + self.slots.len() - 1) % self.slots.len();
        self.slots[last].used_by = Some(submission);
    }
}

/// Reads records from `first` of `source` into write-only GPU memory (a mapped buffer or a
/// staging copy), converting them if the GPU does not read them in place.
///
/// # Safety
///
/// Nothing else may read or write `memory` during the call.
unsafe fn read_into(
    source: &VertexSource,
    first: u64,
    mut memory: wgpu::WriteOnly<'_, [u8]>,
) -> Result<(), LoadError> {
    let len = memory.len();
    // SAFETY: `memory` is `len` writable bytes that nothing else touches meanwhile (the
    // caller's promise); the source only writes them.
    unsafe { source.read_gpu_raw(first, memory.as_raw_element_ptr().as_ptr(), len) }
}

/// Default vertices a streamed piece holds at most: the largest storage binding the device
/// allows (so a piece is one dispatch of the compute path), within 64 MiB..512 MiB of vertex data.
pub fn piece_vertices(device: &wgpu::Device) -> u64 {
    piece_records(device, STRIDE as u32)
}

/// [`piece_vertices`] for records of `stride` bytes.
pub fn piece_records(device: &wgpu::Device, stride: u32) -> u64 {
    let stride = u64::from(stride.max(4));
    let limits = device.limits();
    let bytes = limits
        .max_storage_buffer_binding_size
        .min(limits.max_buffer_size)
        .clamp(64 << 20, 512 << 20);
    // Whole units of the binding alignment, so that a piece is one storage binding.
    let align = u64::from(limits.min_storage_buffer_offset_alignment).max(4);
    let unit = stride * align / gcd(stride, align);
    (bytes / unit * unit) / stride
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Most vertices a streamed piece holds when the pipeline path draws it (see [`render`]).
pub const PIPELINE_PIECE_VERTICES: u64 = 1 << 20;

/// What a caller may add to a headless [`render`]: statistics it already has, the size of the
/// pieces, a progress callback. `RenderOptions::default()` is none of them.
#[derive(Default)]
pub struct RenderOptions<'a> {
    /// Statistics whose bounds frame the fit camera and the height ramp (all the sources
    /// together). `None`: those of each source's evenly spread sample
    /// ([`VertexSource::sample_stats`]), exact for files of up to
    /// [`FIT_SAMPLE`](crate::load::sample::FIT_SAMPLE) vertices, as the viewer frames them.
    pub stats: Option<&'a VertexStats>,
    /// Vertices a piece holds; `None` for [`piece_vertices`], the device's largest storage
    /// binding (at most [`PIPELINE_PIECE_VERTICES`] when the pipeline path draws). Small pieces
    /// test how a file is split.
    pub piece_vertices: Option<u64>,
    /// Called with (vertices drawn, total) as pieces are drawn.
    pub progress: Option<&'a mut dyn FnMut(u64, u64)>,
}

/// Renders `sources` headless into one picture (files of any size, or in memory; usually one,
/// several drawn together in one scene, one camera fitted over all): the camera and colours
/// fitted to their samples where `options` has no statistics, then piece by piece through an
/// [`UploadRing`], every piece drawn into the same picture, read back: one pass over the files.
/// Memory stays at a few pieces whatever the files' sizes. Pieces are drawn in file order (and
/// the files in the order given) and the compute path keeps that order for ties, so the picture
/// does not depend on the piece size. A file that changes while it is read is an error. Blocks.
///
/// ```no_run
/// use vertexview::gpu::{self, GpuContext, RenderOptions, RenderSettings};
/// use vertexview::VertexSource;
///
/// let gpu = GpuContext::headless()?;
/// let source = VertexSource::open("assets/colors.bin")?;
/// let image = gpu::render(&gpu, &[&source], &RenderSettings::default(), RenderOptions::default())?;
/// image.write_png("colors.png")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(
    gpu: &GpuContext,
    sources: &[&VertexSource],
    settings: &RenderSettings,
    options: RenderOptions<'_>,
) -> Result<RgbaImage, StreamError> {
    let bounds = match options.stats {
        Some(stats) => stats.bounds,
        None if settings.needs_bounds() => {
            let mut bounds = None;
            for source in sources {
                bounds = Bounds::union(bounds, source.sample_stats()?.bounds);
            }
            bounds
        }
        None => None,
    };
    let total: u64 = sources.iter().map(|s| s.len()).sum();
    let per_piece = options
        .piece_vertices
        .unwrap_or_else(|| piece_vertices(&gpu.device))
        .max(1);
    let mut quiet = |_, _| {};
    let progress = options.progress.unwrap_or(&mut quiet);
    let device = &gpu.device;
    let renderer = PointRenderer::new(device, OFFSCREEN_TARGET)?;
    let mut target = OffscreenTarget::new(device, settings.size)?;
    let mut params = settings.frame_params(bounds);
    // Decided once for the whole picture, as a render of it at once would decide it. Eye-dome
    // lighting takes the compute path where it can: there it is part of the resolve (4.5 ms a
    // 1080p frame on lavapipe), where the pipeline's is a full-screen pass of its own (50 ms).
    params.raster = match choose_path(&params, &renderer, total) {
        _ if settings.edl > 0.0 && settings.raster == Raster::Auto => Raster::Compute,
        RasterPath::Compute => Raster::Compute,
        RasterPath::Pipeline => Raster::Pipeline,
    };
    target.set_edl(settings.edl);
    if params.raster == Raster::Compute {
        if let Err(why) = target.raster_target(device, &renderer) {
            match settings.raster {
                Raster::Compute => return Err(GpuError::ComputeUnavailable(why).into()),
                _ => params.raster = Raster::Pipeline,
            }
        }
    }
    // The pipeline path draws a piece with one draw call, and software rasterisers hold memory
    // for every vertex of a draw until it is done: pieces of 6.7 M vertices took 1.3 GB on
    // lavapipe and 3 GB on llvmpipe's GL for a 3 GB file, pieces of 1 M 400 and 670 MB in the
    // same time (benches/adapters.sh).
    let per_piece = match params.raster {
        Raster::Pipeline => per_piece.min(PIPELINE_PIECE_VERTICES),
        _ => per_piece,
    };
    target.begin(device, &gpu.queue, settings.background)?;
    // Draw orders run on from one file to the next: ties go to the earlier file.
    let mut before = 0;
    for source in sources {
        let stride = source.gpu_layout().stride;
        let mut ring = UploadRing::new(device, 2, per_piece, stride)?;
        for piece in source.pieces(ring.capacity()) {
            let buffers = ring.fill(
                device,
                &gpu.queue,
                source,
                piece.start,
                piece.end - piece.start,
            )?;
            // A draw of its own per piece, placed in the file so that ties resolve in order.
            let mut cloud = PointCloud::new(device, &renderer, &buffers)?;
            cloud.set_file_position(before + piece.start, 1);
            let submission = target.draw(device, &gpu.queue, &renderer, &[(&cloud, params)])?;
            ring.used(submission);
            progress(before + piece.end, total);
            if let Some(error) = gpu.take_error() {
                return Err(error.into());
            }
        }
        source.check_unchanged()?;
        before += source.len();
    }
    let image = target.finish(device, &gpu.queue, &renderer)?;
    // Checked again after the last read has surely finished: a rewrite during the final piece.
    for source in sources {
        source.check_unchanged()?;
    }
    match gpu.take_error() {
        Some(error) => Err(error.into()),
        None => Ok(image),
    }
}
