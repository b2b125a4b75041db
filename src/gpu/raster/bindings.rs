//! The compute path's storage bindings of a cloud's vertices: ranges of whole records at
//! offsets the device accepts, each small enough for the shaders' 32-bit byte addresses.

use super::pipelines::{ComputeRaster, RangeUniform};

/// One storage binding of a cloud's vertices, at most `max_storage_buffer_binding_size` bytes.
#[derive(Debug)]
pub(crate) struct ComputeRange {
    pub(super) group: wgpu::BindGroup,
    pub count: u32,
    pub(super) first: u64,
}

impl ComputeRaster {
    /// Storage bindings over `buffers` (buffer, records of `stride` bytes, index of its first
    /// record): ranges of whole records, each at most `max_binding` bytes (and the device's limit), starting at
    /// offsets the device accepts. Empty when not even one vertex fits a binding.
    pub fn bind_ranges(
        &self,
        device: &wgpu::Device,
        buffers: &[(wgpu::Buffer, u32, u64)],
        stride: u32,
        max_binding: u64,
    ) -> Vec<ComputeRange> {
        let limits = device.limits();
        let per_range = records_per_binding(
            u64::from(stride),
            max_binding.min(limits.max_storage_buffer_binding_size),
            u64::from(limits.min_storage_buffer_offset_alignment),
        );
        let stride = u64::from(stride);
        if per_range == 0 {
            return Vec::new();
        }
        let mut ranges = Vec::new();
        for (buffer, count, first) in buffers {
            let mut offset = 0u64;
            while offset < u64::from(*count) {
                let n = per_range.min(u64::from(*count) - offset);
                let range = RangeUniform {
                    // Draw order wraps past 2³² vertices in one cloud, far beyond any buffer.
                    first: (first + offset) as u32,
                    count: n as u32,
                    padding: [0; 2],
                };
                let range_buffer = device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("vertexview raster range"),
                    size: std::mem::size_of::<RangeUniform>() as u64,
                    usage: wgpu::BufferUsages::UNIFORM,
                    mapped_at_creation: true,
                });
                if let Ok(mut view) = range_buffer.get_mapped_range_mut(..) {
                    view.copy_from_slice(bytemuck::bytes_of(&range));
                }
                range_buffer.unmap();
                let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("vertexview raster range"),
                    layout: &self.range_layout,
                    entries: &[
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: range_buffer.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                                buffer,
                                offset: offset * stride,
                                size: wgpu::BufferSize::new(n * stride),
                            }),
                        },
                    ],
                });
                ranges.push(ComputeRange {
                    group,
                    count: n as u32,
                    first: first + offset,
                });
                offset += n;
            }
        }
        ranges
    }
}

/// The shaders address a binding's bytes with 32-bit integers (`shaders/raster.wgsl`): no binding
/// may hold more, whatever `max_storage_buffer_binding_size` allows (Metal's equals
/// `max_buffer_size`, above 4 GiB).
pub(super) const MAX_ADDRESSED_BYTES: u64 = (1 << 32) - 4;

/// Records of `stride` bytes in one storage binding of at most `max_bytes` (and at most
/// [`MAX_ADDRESSED_BYTES`]), a whole number of `align`-byte offset units so that the next
/// binding starts at an offset the device accepts.
pub(super) fn records_per_binding(stride: u64, max_bytes: u64, align: u64) -> u64 {
    let stride = stride.max(1);
    let max_bytes = max_bytes.min(MAX_ADDRESSED_BYTES);
    // Offsets must be multiples of the alignment, and of the stride: step in whole units.
    let unit = lcm(stride, align.max(1)) / stride;
    (max_bytes / stride / unit * unit).min(u64::from(u32::MAX))
}

fn lcm(a: u64, b: u64) -> u64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    a / gcd(a, b) * b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_stay_within_what_the_shaders_address() {
        // lavapipe: 128 MiB bindings, offsets aligned to 32 bytes.
        assert_eq!(records_per_binding(20, 128 << 20, 32), 6_710_880);
        // Metal: a binding as large as a buffer (here 8 GiB) is capped below 4 GiB.
        let records = records_per_binding(20, 8 << 30, 256);
        assert!(records * 20 <= MAX_ADDRESSED_BYTES, "{records}");
        assert!(records * 20 > (4 << 30) - 20 * 64, "{records}");
        // Each binding starts where the device allows: a whole number of 256-byte units.
        assert_eq!(records * 20 % 256, 0);
    }
}
