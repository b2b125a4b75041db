//! The compute rasteriser: its pipelines ([`ComputeRaster`], inside a
//! [`PointRenderer`](super::PointRenderer)), the per-pixel buffers it draws into
//! ([`RasterTarget`]), and the recording of its passes. The algorithm is in
//! `shaders/raster.wgsl`.

use std::collections::HashMap;
use std::sync::Mutex;

use bytemuck::{Pod, Zeroable};

use super::context::catch_errors;
use super::draw::PointDraw;
use super::error::GpuError;
use super::layout::raster_constants;
use super::params::FRAME_UNIFORM_SIZE;
use super::renderer::{depth_state, PointRenderer, TargetFormat};
use super::AtomicWidth;
use crate::format::GpuLayout;

/// The WGSL of the compute passes that need only 32-bit atomics: `shaders/common.wgsl` then
/// `shaders/raster.wgsl`.
pub const RASTER_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/raster.wgsl")
);

/// The WGSL of all compute passes, the 64-bit one included: [`RASTER_SOURCE`] then
/// `shaders/raster64.wgsl`.
pub const RASTER64_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/raster.wgsl"),
    include_str!("../../shaders/raster64.wgsl")
);

/// The WGSL of the resolve: `shaders/common.wgsl` then `shaders/resolve.wgsl`.
pub const RESOLVE_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/resolve.wgsl")
);

/// Threads per workgroup, as the shaders declare.
const WORKGROUP: u32 = 64;
/// One-pixel points (or pixels) a thread draws, as the shaders declare.
const POINTS_PER_THREAD: u32 = 8;

/// Whether a renderer can draw by the compute path, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComputeSupport {
    /// 64-bit atomic max of depth and draw order: two passes.
    Atomic64,
    /// 32-bit atomics: three passes.
    Atomic32,
    /// Not on this device, and why.
    Unavailable(String),
}

/// One storage binding of a cloud's vertices, at most `max_storage_buffer_binding_size` bytes.
#[derive(Debug)]
pub(super) struct ComputeRange {
    group: wgpu::BindGroup,
    pub count: u32,
    first: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct RangeUniform {
    first: u32,
    count: u32,
    padding: [u32; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct TargetUniform {
    size: [u32; 2],
    padding: [u32; 2],
}

/// One compute pass: its pipelines (one-pixel points, larger ones) and the per-pixel buffers it
/// binds, by binding number.
#[derive(Debug)]
struct Stage {
    entry: &'static str,
    pipeline_layout: wgpu::PipelineLayout,
    layout: wgpu::BindGroupLayout,
    /// (binding, buffer) in `shaders/raster.wgsl`'s group 1.
    bindings: &'static [(u32, PixelBuffer)],
}

/// The per-pixel buffers of a raster target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PixelBuffer {
    Keys,
    Depth,
    Index,
    Colors,
}

const WIDE_STAGES: [(&str, &[(u32, PixelBuffer)]); 2] = [
    ("depth64_pass", &[(1, PixelBuffer::Keys)]),
    (
        "color64_pass",
        &[(2, PixelBuffer::Keys), (7, PixelBuffer::Colors)],
    ),
];

const NARROW_STAGES: [(&str, &[(u32, PixelBuffer)]); 3] = [
    (
        "depth32_pass",
        &[(3, PixelBuffer::Depth), (4, PixelBuffer::Index)],
    ),
    (
        "index32_pass",
        &[(5, PixelBuffer::Depth), (4, PixelBuffer::Index)],
    ),
    (
        "color32_pass",
        &[
            (5, PixelBuffer::Depth),
            (6, PixelBuffer::Index),
            (7, PixelBuffer::Colors),
        ],
    ),
];

/// Which bindings of group 1 are written (and so bound read-write).
fn writable(binding: u32) -> bool {
    matches!(binding, 1 | 3 | 4 | 7)
}

/// The compute path's pipelines for one target format.
#[derive(Debug)]
pub(crate) struct ComputeRaster {
    device: wgpu::Device,
    module: wgpu::ShaderModule,
    depth_test: bool,
    wide: bool,
    draw_layout: wgpu::BindGroupLayout,
    /// The passes over the points; the last writes colours.
    stages: Vec<Stage>,
    /// The colour pass over pixels (with the last stage's bindings).
    color_pixels: &'static str,
    /// Pipelines by record layout, stage (`stages.len()` for the colour pass over pixels) and
    /// whether points are splatted, made with the renderer (the default layout) or with a
    /// layout's first draw.
    pipelines: Mutex<HashMap<(GpuLayout, usize, bool), wgpu::ComputePipeline>>,
    resolve: wgpu::RenderPipeline,
    resolve_layout: wgpu::BindGroupLayout,
    max_groups: u32,
}

impl ComputeRaster {
    /// The pipelines, or why this device cannot have them.
    pub fn new(
        device: &wgpu::Device,
        target: TargetFormat,
        atomics: AtomicWidth,
    ) -> Result<ComputeRaster, String> {
        let limits = device.limits();
        if limits.max_compute_workgroups_per_dimension == 0
            || limits.max_compute_invocations_per_workgroup < WORKGROUP
            || limits.max_compute_workgroup_size_x < WORKGROUP
        {
            return Err("the device has no compute shaders".into());
        }
        if limits.max_storage_buffers_per_shader_stage < 4 {
            return Err(format!(
                "the device binds {} storage buffers per shader stage; the compute path needs 4",
                limits.max_storage_buffers_per_shader_stage
            ));
        }
        let wide = atomics == AtomicWidth::Widest
            && device.features().contains(
                wgpu::Features::SHADER_INT64 | wgpu::Features::SHADER_INT64_ATOMIC_MIN_MAX,
            );
        catch_errors(device, || Self::build(device, target, wide, &limits))
            .map_err(|e| format!("the compute rasteriser's pipelines failed: {e}"))
    }

    fn build(
        device: &wgpu::Device,
        target: TargetFormat,
        wide: bool,
        limits: &wgpu::Limits,
    ) -> ComputeRaster {
        let source = if wide { RASTER64_SOURCE } else { RASTER_SOURCE };
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("vertexview raster.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let compute = wgpu::ShaderStages::COMPUTE;
        let draw_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview raster cloud"),
            entries: &[
                uniform_entry(0, compute, FRAME_UNIFORM_SIZE),
                uniform_entry(1, compute, std::mem::size_of::<RangeUniform>() as u64),
                storage_entry(2, compute, true),
            ],
        });
        let stage_list: &[(&str, &'static [(u32, PixelBuffer)])] =
            if wide { &WIDE_STAGES } else { &NARROW_STAGES };
        let stages: Vec<Stage> = stage_list
            .iter()
            .map(|&(entry, bindings)| {
                let mut entries = vec![uniform_entry(
                    0,
                    compute,
                    std::mem::size_of::<TargetUniform>() as u64,
                )];
                entries.extend(
                    bindings
                        .iter()
                        .map(|&(b, _)| storage_entry(b, compute, !writable(b))),
                );
                let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some(entry),
                    entries: &entries,
                });
                let pipeline_layout =
                    device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                        label: Some(entry),
                        bind_group_layouts: &[Some(&draw_layout), Some(&layout)],
                        immediate_size: 0,
                    });
                Stage {
                    entry,
                    pipeline_layout,
                    layout,
                    bindings,
                }
            })
            .collect();

        let fragment = wgpu::ShaderStages::FRAGMENT;
        let resolve_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview resolve"),
            entries: &[
                uniform_entry(0, fragment, std::mem::size_of::<TargetUniform>() as u64),
                storage_entry(1, fragment, true),
                storage_entry(2, fragment, true),
            ],
        });
        let resolve_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("vertexview resolve.wgsl"),
            source: wgpu::ShaderSource::Wgsl(RESOLVE_SOURCE.into()),
        });
        let resolve_pipeline_layout =
            device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("vertexview resolve"),
                bind_group_layouts: &[Some(&resolve_layout)],
                immediate_size: 0,
            });
        let constants = [
            ("DEPTH_WORDS", if wide { 2.0 } else { 1.0 }),
            ("SRGB_TARGET", f64::from(u8::from(target.color.is_srgb()))),
        ];
        let resolve = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("vertexview resolve"),
            layout: Some(&resolve_pipeline_layout),
            vertex: wgpu::VertexState {
                module: &resolve_module,
                entry_point: Some("vs_resolve"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: Default::default(),
            depth_stencil: depth_state(target),
            multisample: wgpu::MultisampleState {
                count: target.sample_count,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &resolve_module,
                entry_point: Some(if target.depth.is_some() {
                    "fs_resolve"
                } else {
                    "fs_resolve_color"
                }),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    ..Default::default()
                },
                targets: &[Some(wgpu::ColorTargetState {
                    format: target.color,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        let raster = ComputeRaster {
            device: device.clone(),
            module: module.clone(),
            depth_test: target.depth.is_some(),
            wide,
            draw_layout,
            stages,
            color_pixels: if wide {
                "color64_pixels"
            } else {
                "color32_pixels"
            },
            pipelines: Mutex::default(),
            resolve,
            resolve_layout,
            max_groups: limits.max_compute_workgroups_per_dimension,
        };
        // The default layout's pipelines now, inside the caller's error scope: a device that
        // cannot build them says so here, not at the first frame.
        for (stage, splat) in raster.pipeline_keys() {
            let pipeline = raster.make_pipeline(GpuLayout::DEFAULT, stage, splat);
            raster
                .lock()
                .insert((GpuLayout::DEFAULT, stage, splat), pipeline);
        }
        raster
    }

    /// Every (stage, splat) a layout needs: each pass over the points for one-pixel points and
    /// for splats, and the colour pass over pixels (`stages.len()`).
    fn pipeline_keys(&self) -> impl Iterator<Item = (usize, bool)> {
        let points = (0..self.stages.len()).flat_map(|stage| [(stage, false), (stage, true)]);
        points.chain([(self.stages.len(), false)])
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(GpuLayout, usize, bool), wgpu::ComputePipeline>> {
        self.pipelines
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Makes (once) the pipelines that rasterize records of `layout`, inside error scopes.
    pub fn prepare_layout(&self, layout: GpuLayout) -> Result<(), GpuError> {
        if self.lock().contains_key(&(layout, 0, false)) {
            return Ok(());
        }
        let made = catch_errors(&self.device, || {
            self.pipeline_keys()
                .map(|(stage, splat)| {
                    (
                        (layout, stage, splat),
                        self.make_pipeline(layout, stage, splat),
                    )
                })
                .collect::<Vec<_>>()
        })?;
        self.lock().extend(made);
        Ok(())
    }

    /// The pipeline of `stage` (`stages.len()`: the colour pass over pixels) for records of
    /// `layout`, one-pixel points or splats, if [`prepare_layout`](Self::prepare_layout) made it.
    fn pipeline(
        &self,
        layout: GpuLayout,
        stage: usize,
        splat: bool,
    ) -> Option<wgpu::ComputePipeline> {
        self.lock().get(&(layout, stage, splat)).cloned()
    }

    fn make_pipeline(&self, layout: GpuLayout, stage: usize, splat: bool) -> wgpu::ComputePipeline {
        let (entry, pipeline_layout) = match self.stages.get(stage) {
            Some(s) => (s.entry, &s.pipeline_layout),
            None => {
                let last = &self.stages[self.stages.len() - 1];
                (self.color_pixels, &last.pipeline_layout)
            }
        };
        let mut constants = vec![
            ("DEPTH_TEST", f64::from(u8::from(self.depth_test))),
            ("SPLAT", f64::from(u8::from(splat))),
        ];
        constants.extend(raster_constants(layout));
        self.device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: Some(pipeline_layout),
                module: &self.module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    ..Default::default()
                },
                cache: None,
            })
    }

    pub fn support(&self) -> ComputeSupport {
        if self.wide {
            ComputeSupport::Atomic64
        } else {
            ComputeSupport::Atomic32
        }
    }

    /// Storage bindings over `buffers` (buffer, records of `stride` bytes, index of its first
    /// record): ranges of whole records, each at most `max_binding` bytes (and the device's limit), starting at
    /// offsets the device accepts. Empty when not even one vertex fits a binding.
    pub fn bind_ranges(
        &self,
        device: &wgpu::Device,
        uniform: &wgpu::Buffer,
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
                    layout: &self.draw_layout,
                    entries: &[
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: uniform.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: range_buffer.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 2,
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

    /// Records the passes for `draws` into `target`.
    pub fn record(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        target: &mut RasterTarget,
        draws: &[&PointDraw],
    ) {
        let Some(pixels) = &target.pixels else {
            return;
        };
        // Which vertices each draw's ranges draw: how many, and the pipeline's threads for them.
        let work: Vec<Vec<(&ComputeRange, u64)>> = draws
            .iter()
            .map(|draw| {
                let sub = draw.subsample();
                let step = u64::from(sub.step);
                draw.ranges()
                    .iter()
                    .filter_map(|range| {
                        let skip = (u64::from(sub.phase) + step - range.first % step) % step;
                        let samples = u64::from(range.count)
                            .checked_sub(skip)
                            .filter(|&n| n > 0)?
                            .div_ceil(step);
                        Some((range, samples))
                    })
                    .collect()
            })
            .collect();
        // Colour by pixels when that is less work: on lavapipe a pixel's lookup costs about a
        // quarter of a point's pass (25 against 95 ns, measured at 1920×1080 on a million points).
        let pixel_count = u64::from(target.size[0]) * u64::from(target.size[1]);
        let ranges: u64 = work.iter().map(|w| w.len() as u64).sum();
        let covered: u64 = draws
            .iter()
            .zip(&work)
            .map(|(draw, w)| {
                let size = u64::from(draw.point_size());
                w.iter().map(|(_, n)| n * size * size).sum::<u64>()
            })
            .sum();
        let by_pixels = ranges * pixel_count < covered * 3;
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("vertexview raster"),
            timestamp_writes: None,
        });
        // Each stage over every draw before the next stage: all points must have competed for a
        // pixel's depth before any of them looks for the winner.
        let last = self.stages.len() - 1;
        for (n, group) in pixels.stage_groups.iter().enumerate() {
            pass.set_bind_group(1, group, &[]);

            if n == last && by_pixels {
                let threads = pixel_count.div_ceil(u64::from(POINTS_PER_THREAD));
                for (draw, w) in draws.iter().zip(&work) {
                    let Some(pipeline) = self.pipeline(draw.layout(), self.stages.len(), false)
                    else {
                        continue;
                    };
                    pass.set_pipeline(&pipeline);
                    for (range, _) in w {
                        pass.set_bind_group(0, &range.group, &[]);
                        self.dispatch(&mut pass, threads);
                    }
                }
                continue;
            }
            for (draw, w) in draws.iter().zip(&work) {
                let splat = draw.point_size() > 1;
                // Made with the draw; a draw made by another renderer has none here.
                let Some(pipeline) = self.pipeline(draw.layout(), n, splat) else {
                    continue;
                };
                pass.set_pipeline(&pipeline);
                let per_thread = if splat { 1 } else { POINTS_PER_THREAD };
                for (range, samples) in w {
                    pass.set_bind_group(0, &range.group, &[]);
                    self.dispatch(&mut pass, samples.div_ceil(u64::from(per_thread)));
                }
            }
        }
        target.drawn = true;
    }

    /// Dispatches `threads` threads in workgroups, continuing in y past the device's limit.
    fn dispatch(&self, pass: &mut wgpu::ComputePass<'_>, threads: u64) {
        let groups = threads.div_ceil(u64::from(WORKGROUP)).max(1);
        let x = groups.min(u64::from(self.max_groups));
        let y = groups.div_ceil(x);
        pass.dispatch_workgroups(x as u32, y as u32, 1);
    }

    pub fn resolve(&self, pass: &mut wgpu::RenderPass<'_>, target: &RasterTarget) {
        if let Some(pixels) = &target.pixels {
            pass.set_pipeline(&self.resolve);
            pass.set_bind_group(0, &pixels.resolve_group, &[]);
            pass.draw(0..3, 0..1);
        }
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

fn uniform_entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    size: u64,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: false,
            min_binding_size: wgpu::BufferSize::new(size),
        },
        count: None,
    }
}

fn storage_entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    read_only: bool,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// The per-pixel buffers the compute path draws into, for one target size: where each pixel's
/// nearest point (its depth and draw order) and colour are kept until
/// [`PointRenderer::resolve`](super::PointRenderer::resolve) writes them into a render pass.
/// Like a depth buffer, it belongs to the caller, one per target size, and is cleared per
/// picture; unlike one, it can accumulate a picture over several submissions (streamed pieces,
/// progressive frames).
#[derive(Debug)]
pub struct RasterTarget {
    size: [u32; 2],
    pixels: Option<PixelBuffers>,
    /// The draw order of each draw's first vertex since the last clear, by draw id: a draw
    /// rasterized again (another subsample phase) keeps its order, so ties resolve the same.
    bases: Vec<(u64, u64)>,
    next_order: u64,
    /// The lowest draw order rasterized since the last clear: the shaders keep orders modulo
    /// 2³², and this gives back the high bits.
    lowest_order: Option<u64>,
    /// The highest draw order a draw's last vertex had since the last clear.
    highest_order: u64,
    drawn: bool,
}

#[derive(Debug)]
struct PixelBuffers {
    /// Keys (64-bit) or depth and index (32-bit): what `clear` zeroes.
    cleared: Vec<wgpu::Buffer>,
    /// Where a pixel's depth and draw order are: one 8-byte key (depth high, order low), or a
    /// 4-byte depth and a 4-byte order in two buffers.
    keys: Option<wgpu::Buffer>,
    depth_and_index: Option<(wgpu::Buffer, wgpu::Buffer)>,
    /// Whether orders are stored inverted (with a depth test) or as they are.
    inverted: bool,
    stage_groups: Vec<wgpu::BindGroup>,
    resolve_group: wgpu::BindGroup,
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
    /// drawn. With [`PointDraw::set_file_position`](super::PointDraw::set_file_position) the
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
        super::context::map_blocking(device, &staging, wgpu::MapMode::Read)
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

    /// The draw order of the first vertex of draw `id` of `count` vertices: the one it was given
    /// when first rasterized since the last clear, or the next free one.
    pub(super) fn order_of(&mut self, id: u64, count: u64) -> u64 {
        if let Some(&(_, base)) = self.bases.iter().find(|(d, _)| *d == id) {
            return base;
        }
        let base = self.next_order;
        self.next_order += count;
        self.bases.push((id, base));
        base
    }

    /// Notes that orders from `first` on were rasterized.
    pub(super) fn saw_order(&mut self, first: u64) {
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
                usage: wgpu::BufferUsages::UNIFORM,
                mapped_at_creation: true,
            });
            if let Ok(mut view) = size_uniform.get_mapped_range_mut(..) {
                view.copy_from_slice(bytemuck::bytes_of(&TargetUniform {
                    size,
                    padding: [0; 2],
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
            }
        })
    }
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
