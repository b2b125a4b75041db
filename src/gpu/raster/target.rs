//! [`RasterTarget`]: the per-pixel buffers the compute path draws into, and reading back which
//! vertex shows at a pixel.

use super::super::context::catch_errors;
use super::super::error::GpuError;
use super::super::renderer::PointRenderer;
use super::pipelines::{ComputeRaster, PixelBuffer, TargetUniform};

/// The per-pixel buffers the compute path draws into, for one target size: where each pixel's
/// nearest point (its depth and draw order) and colour are kept until
/// [`PointRenderer::resolve`](crate::gpu::PointRenderer::resolve) writes them into a render pass.
/// Like a depth buffer, it belongs to the caller, one per target size, and is cleared per
/// picture; unlike one, it can accumulate a picture over several submissions (streamed pieces,
/// progressive frames).
#[derive(Debug)]
pub struct RasterTarget {
    pub(super) size: [u32; 2],
    pub(super) pixels: Option<PixelBuffers>,
    /// The draw order of each draw's first vertex since the last clear, by draw id: a draw
    /// rasterized again (another subsample phase) keeps its order, so ties resolve the same.
    bases: Vec<((u64, u32), u64)>,
    next_order: u64,
    /// The lowest draw order rasterized since the last clear: the shaders keep orders modulo
    /// 2³², and this gives back the high bits.
    lowest_order: Option<u64>,
    /// The highest draw order a draw's last vertex had since the last clear.
    highest_order: u64,
    pub(super) drawn: bool,
}

#[derive(Debug)]
pub(super) struct PixelBuffers {
    /// Keys (64-bit) or depth and index (32-bit): what `clear` zeroes.
    cleared: Vec<wgpu::Buffer>,
    /// Where a pixel's depth and draw order are: one 8-byte key (depth high, order low), or a
    /// 4-byte depth and a 4-byte order in two buffers.
    keys: Option<wgpu::Buffer>,
    depth_and_index: Option<(wgpu::Buffer, wgpu::Buffer)>,
    /// Whether orders are stored inverted (with a depth test) or as they are.
    inverted: bool,
    pub(super) stage_groups: Vec<wgpu::BindGroup>,
    pub(super) resolve_group: wgpu::BindGroup,
    /// The target's size and the resolve's eye-dome lighting.
    uniform: wgpu::Buffer,
    size: [u32; 2],
}

impl RasterTarget {
    /// Buffers for a target of `size` pixels, for `renderer`'s compute path. With a renderer
    /// that has no compute path the target holds nothing and costs nothing. Fails when the
    /// buffers would exceed the device's storage binding limit (about 4096 × 4096 pixels on
    /// lavapipe): draw by the pipeline path at such sizes.
    pub fn new(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        size: [u32; 2],
    ) -> Result<RasterTarget, GpuError> {
        let pixels = match renderer.compute() {
            Some(compute) => Some(PixelBuffers::new(device, compute, size)?),
            None => None,
        };
        Ok(RasterTarget {
            size,
            pixels,
            bases: Vec::new(),
            next_order: 0,
            lowest_order: None,
            highest_order: 0,
            drawn: false,
        })
    }

    /// Eye-dome lighting in the resolve from the next submission on: each lit pixel darkened
    /// where nearer points stand beside it, by `strength` (0 is off; 1 is the usual).
    pub fn set_edl(&self, queue: &wgpu::Queue, strength: f32) {
        if let Some(pixels) = &self.pixels {
            let edl = if strength.is_finite() {
                strength.max(0.0)
            } else {
                0.0
            };
            let uniform = TargetUniform {
                size: pixels.size,
                edl,
                padding: 0,
            };
            queue.write_buffer(&pixels.uniform, 0, bytemuck::bytes_of(&uniform));
        }
    }

    /// Size in pixels.
    pub fn size(&self) -> [u32; 2] {
        self.size
    }

    /// Empties every pixel (recorded into `encoder`), for a new picture.
    pub fn clear(&mut self, encoder: &mut wgpu::CommandEncoder) {
        if let Some(pixels) = &self.pixels {
            for buffer in &pixels.cleared {
                encoder.clear_buffer(buffer, 0, None);
            }
        }
        self.bases.clear();
        self.next_order = 0;
        self.lowest_order = None;
        self.highest_order = 0;
        self.drawn = false;
    }

    /// Whether anything was rasterized since the last clear.
    pub fn has_points(&self) -> bool {
        self.drawn
    }

    /// The draw order of the point shown at each pixel of the `width` × `height` window whose
    /// top-left pixel is (`x`, `y`), row by row, clamped to the target; `None` where nothing was
    /// drawn. With [`PointCloud::set_file_position`](crate::gpu::PointCloud::set_file_position) the
    /// order is the vertex's index in its file: what the viewer's readout reads back. The
    /// shaders keep orders in 32 bits; they are exact while the orders rasterized since the last
    /// clear span fewer than 2³² (see [`order_span`](Self::order_span)), and otherwise the
    /// lowest order congruent modulo 2³² at or after the lowest drawn. Blocks until the GPU is
    /// done.
    pub fn read_orders(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        [x, y]: [u32; 2],
        [width, height]: [u32; 2],
    ) -> Result<Vec<Option<u64>>, GpuError> {
        let Some(pixels) = &self.pixels else {
            return Ok(Vec::new());
        };
        let [tw, th] = self.size;
        let (x, y) = (x.min(tw), y.min(th));
        let (width, height) = (width.min(tw - x), height.min(th - y));
        if width == 0 || height == 0 {
            return Ok(Vec::new());
        }
        // Both layouts copy 8 bytes a pixel: one key, or a depth word then an order word.
        let row_bytes = u64::from(width) * 8;
        let staging = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vertexview pick"),
            size: row_bytes * u64::from(height),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&Default::default());
        for row in 0..height {
            let pixel = u64::from(y + row) * u64::from(tw) + u64::from(x);
            let at = u64::from(row) * row_bytes;
            match (&pixels.keys, &pixels.depth_and_index) {
                (Some(keys), _) => {
                    encoder.copy_buffer_to_buffer(keys, pixel * 8, &staging, at, row_bytes)
                }
                (None, Some((depth, index))) => {
                    let half = row_bytes / 2;
                    encoder.copy_buffer_to_buffer(depth, pixel * 4, &staging, at, half);
                    encoder.copy_buffer_to_buffer(index, pixel * 4, &staging, at + half, half);
                }
                (None, None) => {}
            }
        }
        queue.submit([encoder.finish()]);
        super::super::context::map_blocking(device, &staging, wgpu::MapMode::Read)
            .map_err(GpuError::Readback)?;
        let words: Vec<u32> = {
            let view = staging
                .get_mapped_range(..)
                .map_err(|e| GpuError::Readback(e.to_string()))?;
            bytemuck::cast_slice(&view).to_vec()
        };
        staging.unmap();
        let lowest = self.lowest_order.unwrap_or(0);
        let order = |stored: u32| {
            let order = if pixels.inverted { !stored } else { stored };
            lowest + u64::from(order.wrapping_sub(lowest as u32))
        };
        let mut orders = Vec::with_capacity((width * height) as usize);
        for row in words.chunks_exact(width as usize * 2) {
            if pixels.keys.is_some() {
                // Little-endian keys: the order word, then the depth word.
                for key in row.chunks_exact(2) {
                    orders.push((key[1] != 0).then(|| order(key[0])));
                }
            } else {
                let (depths, indices) = row.split_at(width as usize);
                for (&d, &i) in depths.iter().zip(indices) {
                    orders.push((d != 0).then(|| order(i)));
                }
            }
        }
        Ok(orders)
    }

    /// The draw order of the first vertex of view `key` (a cloud, and which of its views in a
    /// frame) of `count` vertices: the one it was given when first rasterized since the last
    /// clear, or the next free one.
    pub(crate) fn order_of(&mut self, key: (u64, u32), count: u64) -> u64 {
        if let Some(&(_, base)) = self.bases.iter().find(|(k, _)| *k == key) {
            return base;
        }
        let base = self.next_order;
        self.next_order += count;
        self.bases.push((key, base));
        base
    }

    /// Notes that orders from `first` on were rasterized.
    pub(crate) fn saw_order(&mut self, first: u64) {
        self.lowest_order = Some(self.lowest_order.map_or(first, |low| low.min(first)));
        self.highest_order = self.highest_order.max(first);
    }

    /// The lowest draw order rasterized since the last clear and how far the first vertices of
    /// the draws rasterized since reach above it: when the span is 2³² or more (a file of over
    /// 4 billion vertices drawn whole), an order read back by [`read_orders`](Self::read_orders)
    /// is known only modulo 2³².
    pub fn order_span(&self) -> Option<(u64, u64)> {
        self.lowest_order
            .map(|low| (low, self.highest_order.saturating_sub(low)))
    }
}

impl PixelBuffers {
    fn new(
        device: &wgpu::Device,
        compute: &ComputeRaster,
        size: [u32; 2],
    ) -> Result<PixelBuffers, GpuError> {
        let pixels = u64::from(size[0]) * u64::from(size[1]);
        let limit = device
            .limits()
            .max_storage_buffer_binding_size
            .min(device.limits().max_buffer_size);
        if pixels * 8 > limit {
            return Err(GpuError::Limit {
                what: "the compute rasteriser's per-pixel buffer",
                size: pixels * 8,
                limit,
            });
        }
        let buffer = |label, bytes_per_pixel: u64| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (pixels * bytes_per_pixel).max(8),
                usage: wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_DST
                    | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            })
        };
        catch_errors(device, || {
            let colors = buffer("vertexview raster colours", 8);
            let (keys, depth, index) = if compute.wide {
                (Some(buffer("vertexview raster keys", 8)), None, None)
            } else {
                (
                    None,
                    Some(buffer("vertexview raster depth", 4)),
                    Some(buffer("vertexview raster order", 4)),
                )
            };
            let size_uniform = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("vertexview raster size"),
                size: std::mem::size_of::<TargetUniform>() as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: true,
            });
            if let Ok(mut view) = size_uniform.get_mapped_range_mut(..) {
                view.copy_from_slice(bytemuck::bytes_of(&TargetUniform {
                    size,
                    edl: 0.0,
                    padding: 0,
                }));
            }
            size_uniform.unmap();
            let pick = |which: PixelBuffer| -> &wgpu::Buffer {
                match which {
                    PixelBuffer::Keys => keys.as_ref(),
                    PixelBuffer::Depth => depth.as_ref(),
                    PixelBuffer::Index => index.as_ref(),
                    PixelBuffer::Colors => Some(&colors),
                }
                .unwrap_or(&colors)
            };
            let stage_groups = compute
                .stages
                .iter()
                .map(|stage| {
                    let mut entries = vec![wgpu::BindGroupEntry {
                        binding: 0,
                        resource: size_uniform.as_entire_binding(),
                    }];
                    entries.extend(stage.bindings.iter().map(|&(binding, which)| {
                        wgpu::BindGroupEntry {
                            binding,
                            resource: pick(which).as_entire_binding(),
                        }
                    }));
                    device.create_bind_group(&wgpu::BindGroupDescriptor {
                        label: Some("vertexview raster pixels"),
                        layout: &stage.layout,
                        entries: &entries,
                    })
                })
                .collect();
            let depth_words = if compute.wide {
                pick(PixelBuffer::Keys)
            } else {
                pick(PixelBuffer::Depth)
            };
            let resolve_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("vertexview resolve"),
                layout: &compute.resolve_layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: size_uniform.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: depth_words.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 2,
                        resource: colors.as_entire_binding(),
                    },
                ],
            });
            PixelBuffers {
                cleared: [keys.clone(), depth.clone(), index.clone()]
                    .into_iter()
                    .flatten()
                    .collect(),
                keys: keys.clone(),
                depth_and_index: depth.clone().zip(index.clone()),
                inverted: compute.depth_test,
                stage_groups,
                resolve_group,
                uniform: size_uniform.clone(),
                size,
            }
        })
    }
}
