//! [`VertexBuffers`]: a file's bytes on the GPU, unchanged, split where the device requires.

use crate::format::vertex::Vertex;
use crate::format::GpuLayout;

use super::context::{catch_errors, map_blocking};
use super::error::GpuError;

/// How vertexview's vertex buffers are used on `device`: as vertex buffers; as storage, which
/// the compute rasteriser reads, where the device has storage buffers; as copy destinations, so
/// new contents can be written in place; and mapped for writing where the device maps them in
/// place (CPU and integrated GPUs: without, wgpu stages each mapping in memory of its own).
pub fn vertex_usage(device: &wgpu::Device) -> wgpu::BufferUsages {
    // COPY_SRC: what is on the GPU can be read back and compared with the file.
    let mut usage =
        wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC;
    if device.limits().max_storage_buffers_per_shader_stage > 0 {
        usage |= wgpu::BufferUsages::STORAGE;
    }
    if device
        .features()
        .contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS)
    {
        usage |= wgpu::BufferUsages::MAP_WRITE;
    }
    usage
}

/// Vertex buffers holding a file's records, byte for byte, in as many pieces as the device's
/// `max_buffer_size` requires (each a whole number of records), and the layout to read them by.
#[derive(Debug)]
pub struct VertexBuffers {
    pieces: Vec<(wgpu::Buffer, u32)>,
    count: u64,
    layout: GpuLayout,
}

impl VertexBuffers {
    /// Uploads `vertices` (such as [`VertexFile::vertices`](crate::VertexFile::vertices)), copying
    /// their bytes once into buffers with `VERTEX` and `STORAGE` usage created mapped. With a device that has
    /// `MAPPABLE_PRIMARY_BUFFERS` the buffers are mapped in place; otherwise wgpu stages the copy.
    pub fn upload(device: &wgpu::Device, vertices: &[Vertex]) -> Result<VertexBuffers, GpuError> {
        Self::upload_with_limit(device, vertices, device.limits().max_buffer_size)
    }

    /// [`upload`](Self::upload) with buffers of at most `max_buffer_size` bytes (clamped to the
    /// device's limit), to test splitting or to keep allocations small.
    pub fn upload_with_limit(
        device: &wgpu::Device,
        vertices: &[Vertex],
        max_buffer_size: u64,
    ) -> Result<VertexBuffers, GpuError> {
        Self::upload_records(
            device,
            bytemuck::cast_slice(vertices),
            GpuLayout::DEFAULT,
            max_buffer_size,
        )
    }

    /// Uploads records of `layout` (`bytes` a whole number of them), unchanged, in buffers of at
    /// most `max_buffer_size` bytes (clamped to the device's limit).
    pub fn upload_records(
        device: &wgpu::Device,
        bytes: &[u8],
        layout: GpuLayout,
        max_buffer_size: u64,
    ) -> Result<VertexBuffers, GpuError> {
        if !layout.is_readable() {
            return Err(GpuError::Validation(format!(
                "records of {layout:?} cannot be read in place; convert them to the default record"
            )));
        }
        let stride = layout.stride as usize;
        let limit = max_buffer_size.min(device.limits().max_buffer_size);
        let per_piece = (limit / stride as u64).min(u64::from(u32::MAX)) as usize;
        let count = bytes.len() / stride;
        if per_piece == 0 && count > 0 {
            return Err(GpuError::Limit {
                what: "a vertex buffer",
                size: stride as u64,
                limit,
            });
        }
        let usage = vertex_usage(device);
        let pieces = catch_errors(device, || {
            bytes[..count * stride]
                .chunks(per_piece.max(1) * stride)
                .map(|bytes| {
                    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
                        label: Some("vertexview vertices"),
                        size: bytes.len() as u64,
                        usage,
                        mapped_at_creation: true,
                    });
                    // A buffer that failed validation has no mapping: the scope reports why.
                    if let Ok(mut range) = buffer.get_mapped_range_mut(..) {
                        range.copy_from_slice(bytes);
                    }
                    buffer.unmap();
                    (buffer, (bytes.len() / stride) as u32)
                })
                .collect::<Vec<_>>()
        })?;
        Ok(VertexBuffers {
            pieces,
            count: count as u64,
            layout,
        })
    }

    /// Replaces the contents with `vertices` in place when they split into buffers of the same
    /// sizes (a file rewritten with as many vertices, as an engine's dumps usually are), and
    /// returns `Ok(false)`, changing nothing, when they do not: then [`upload`](Self::upload)
    /// anew. Reusing memory the GPU has already touched makes this about as fast as a memcpy.
    pub fn update(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        vertices: &[Vertex],
    ) -> Result<bool, GpuError> {
        if vertices.len() as u64 != self.count || self.layout != GpuLayout::DEFAULT {
            return Ok(false);
        }
        let mut rest = vertices;
        catch_errors(device, || {
            for (buffer, n) in self.buffers() {
                let (piece, after) = rest.split_at(n as usize);
                rest = after;
                let bytes: &[u8] = bytemuck::cast_slice(piece);
                if buffer.usage().contains(wgpu::BufferUsages::MAP_WRITE) {
                    write_mapped(device, buffer, bytes)?;
                } else {
                    queue.write_buffer(buffer, 0, bytes);
                }
            }
            queue.submit([]);
            Ok::<(), GpuError>(())
        })??;
        Ok(true)
    }

    /// One buffer someone else filled (such as an [`UploadRing`](super::UploadRing) slot),
    /// holding `count` records of `layout` from its start.
    pub fn from_buffer(buffer: wgpu::Buffer, count: u32, layout: GpuLayout) -> VertexBuffers {
        VertexBuffers {
            pieces: vec![(buffer, count)],
            count: u64::from(count),
            layout,
        }
    }

    /// How the records are laid out.
    pub fn layout(&self) -> GpuLayout {
        self.layout
    }

    /// Number of vertices in all buffers.
    pub fn vertex_count(&self) -> u64 {
        self.count
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The buffers in file order, with the number of vertices each holds.
    pub fn buffers(&self) -> impl Iterator<Item = (&wgpu::Buffer, u32)> {
        self.pieces.iter().map(|(b, n)| (b, *n))
    }
}

/// Maps a buffer the CPU can see and copies `bytes` into it: no staging copy, and no zero fill,
/// since wgpu only clears memory nobody has written yet. Blocks until the mapping is ready.
fn write_mapped(
    device: &wgpu::Device,
    buffer: &wgpu::Buffer,
    bytes: &[u8],
) -> Result<(), GpuError> {
    let failed = |e: &dyn std::fmt::Display| {
        GpuError::Validation(format!("mapping a vertex buffer failed: {e}"))
    };
    map_blocking(device, buffer, wgpu::MapMode::Write).map_err(|e| failed(&e))?;
    let copied = buffer
        .get_mapped_range_mut(..)
        .map(|mut range| range.copy_from_slice(bytes));
    buffer.unmap();
    copied.map_err(|e| failed(&e))
}
