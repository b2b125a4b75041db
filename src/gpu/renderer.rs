//! [`PointRenderer`]: the pipelines that draw points, built once for a target format and shared by
//! every cloud drawn into such targets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::context::catch_errors;
use super::draw::PointDraw;
use super::error::GpuError;
use super::layout::point_attributes;
use super::params::{RasterPath, FRAME_UNIFORM_SIZE};
use super::raster::{ComputeRaster, ComputeSupport, RasterTarget};
use crate::format::GpuLayout;

/// The WGSL shared by every point shader (`shaders/common.wgsl`).
pub const COMMON_SOURCE: &str = include_str!("../../shaders/common.wgsl");

/// The WGSL of the pipeline path: `shaders/common.wgsl` then `shaders/points.wgsl`.
pub const SHADER_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/points.wgsl")
);

/// The depth comparison the renderer uses: the nearer point wins; of two at the same depth the
/// first drawn stays.
pub const DEPTH_COMPARE: wgpu::CompareFunction = wgpu::CompareFunction::Less;

/// The render targets a [`PointRenderer`] draws into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetFormat {
    /// Format of the colour attachment. With an sRGB format the shaders undo the encoding, so
    /// the stored colour values reach the screen unchanged.
    pub color: wgpu::TextureFormat,
    /// Format of the depth attachment, if the pass has one (the depth test then runs, `Less`).
    pub depth: Option<wgpu::TextureFormat>,
    /// MSAA sample count of the pass (1 for none). The compute path fills every sample of a
    /// pixel alike.
    pub sample_count: u32,
}

/// How wide the compute path's atomics may be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AtomicWidth {
    /// 64-bit where the device has `SHADER_INT64_ATOMIC_MIN_MAX` (two passes), else 32-bit.
    #[default]
    Widest,
    /// 32-bit only (three passes), as on devices without 64-bit atomics; for tests and
    /// comparisons.
    Bits32,
}

/// Pipelines for drawing vertex files as points into one kind of target, by either path: the
/// fixed-function point list (or quads, for larger points), and the compute rasteriser with its
/// resolve. Built once; immutable after. What belongs to one cloud lives in a [`PointDraw`], and
/// the compute path's per-pixel buffers in a [`RasterTarget`], so one renderer draws any number
/// of clouds with their own parameters into one pass.
///
/// A frame, in outline (`examples/embed.rs` is a whole program that draws two clouds this way):
///
/// ```text
/// cloud.prepare(&queue, &renderer, &params);            // each cloud's parameters
/// raster.clear(&mut encoder);                           // the compute path's buffers
/// renderer.rasterize(&queue, &mut encoder, &mut raster, &[&cloud]);   // compute passes
/// let mut pass = encoder.begin_render_pass(..);         // the caller's pass, its depth buffer
/// renderer.draw(&mut pass, &[&cloud]);                  // pipeline-path clouds
/// renderer.resolve(&mut pass, &raster);                 // compute-path clouds
/// ```
#[derive(Debug)]
pub struct PointRenderer {
    /// The pipeline path's pipelines per record layout (one-pixel points, and quads for larger
    /// ones), made with the renderer (the default layout) or a layout's first draw.
    pipelines: Mutex<HashMap<(GpuLayout, bool), wgpu::RenderPipeline>>,
    device: wgpu::Device,
    module: wgpu::ShaderModule,
    layout: wgpu::PipelineLayout,
    draw_layout: wgpu::BindGroupLayout,
    compute: Result<Arc<ComputeRaster>, String>,
    target: TargetFormat,
}

impl PointRenderer {
    /// Builds the shaders and pipelines for `target` on `device`, with the widest atomics the
    /// device has. Everything a device may reject is made here, inside error scopes, so a
    /// rejection is this `Err` and never a panic (or an uncaptured error) in a later frame; a
    /// layout other than the default gets its pipelines when its first [`PointDraw`] is made.
    pub fn new(device: &wgpu::Device, target: TargetFormat) -> Result<PointRenderer, GpuError> {
        Self::with_atomics(device, target, AtomicWidth::Widest)
    }

    /// [`new`](Self::new), choosing how wide the compute path's atomics may be.
    pub fn with_atomics(
        device: &wgpu::Device,
        target: TargetFormat,
        atomics: AtomicWidth,
    ) -> Result<PointRenderer, GpuError> {
        let (module, draw_layout, layout) = catch_errors(device, || {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("vertexview points.wgsl"),
                source: wgpu::ShaderSource::Wgsl(SHADER_SOURCE.into()),
            });
            let draw_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("vertexview frame"),
                entries: &[wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: wgpu::BufferSize::new(FRAME_UNIFORM_SIZE),
                    },
                    count: None,
                }],
            });
            let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("vertexview points"),
                bind_group_layouts: &[Some(&draw_layout)],
                immediate_size: 0,
            });
            (module, draw_layout, layout)
        })?;
        let renderer = PointRenderer {
            pipelines: Mutex::default(),
            device: device.clone(),
            module,
            layout,
            draw_layout,
            compute: ComputeRaster::new(device, target, atomics).map(Arc::new),
            target,
        };
        renderer.prepare_layout(GpuLayout::DEFAULT)?;
        Ok(renderer)
    }

    /// Makes (once) every pipeline that draws records of `layout`, by both paths, inside error
    /// scopes: what [`PointDraw::new`] calls, so that drawing only looks pipelines up.
    pub(super) fn prepare_layout(&self, layout: GpuLayout) -> Result<(), GpuError> {
        let Some(attributes) = point_attributes(layout) else {
            return Err(GpuError::Validation(format!(
                "records of {layout:?} cannot be read in place by a vertex pipeline"
            )));
        };
        let mut made = self
            .pipelines
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if !made.contains_key(&(layout, false)) {
            let pair = catch_errors(&self.device, || {
                [false, true].map(|quads| self.make_pipeline(layout, &attributes, quads))
            })?;
            for (quads, pipeline) in [false, true].into_iter().zip(pair) {
                made.insert((layout, quads), pipeline);
            }
        }
        drop(made);
        match self.compute() {
            Some(compute) => compute.prepare_layout(layout),
            None => Ok(()),
        }
    }

    /// The pipeline path's pipeline for records of `layout`, as one-pixel points or quads, if
    /// [`prepare_layout`](Self::prepare_layout) made it.
    fn pipeline(&self, layout: GpuLayout, quads: bool) -> Option<wgpu::RenderPipeline> {
        let made = self
            .pipelines
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        made.get(&(layout, quads)).cloned()
    }

    fn make_pipeline(
        &self,
        layout: GpuLayout,
        attributes: &[wgpu::VertexAttribute],
        quads: bool,
    ) -> wgpu::RenderPipeline {
        let (entry, fragment, step_mode, topology) = if quads {
            (
                "vs_quad",
                "fs_quad",
                wgpu::VertexStepMode::Instance,
                wgpu::PrimitiveTopology::TriangleList,
            )
        } else {
            (
                "vs_point",
                "fs_point",
                wgpu::VertexStepMode::Vertex,
                wgpu::PrimitiveTopology::PointList,
            )
        };
        let buffer = wgpu::VertexBufferLayout {
            array_stride: u64::from(layout.stride),
            step_mode,
            attributes,
        };
        let has_color = [("HAS_COLOR", f64::from(u8::from(layout.color.is_some())))];
        let srgb = [(
            "SRGB_TARGET",
            f64::from(u8::from(self.target.color.is_srgb())),
        )];
        self.device
            .create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(entry),
                layout: Some(&self.layout),
                vertex: wgpu::VertexState {
                    module: &self.module,
                    entry_point: Some(entry),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &has_color,
                        ..Default::default()
                    },
                    buffers: &[Some(buffer)],
                },
                primitive: wgpu::PrimitiveState {
                    topology,
                    ..Default::default()
                },
                depth_stencil: depth_state(self.target),
                multisample: wgpu::MultisampleState {
                    count: self.target.sample_count,
                    ..Default::default()
                },
                fragment: Some(wgpu::FragmentState {
                    module: &self.module,
                    entry_point: Some(fragment),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &srgb,
                        ..Default::default()
                    },
                    targets: &[Some(wgpu::ColorTargetState {
                        format: self.target.color,
                        blend: None,
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
    }

    /// The target this renderer was built for.
    pub fn target(&self) -> TargetFormat {
        self.target
    }

    /// Whether this renderer can draw by the compute path, and with which atomics; or why not.
    pub fn compute_support(&self) -> ComputeSupport {
        match &self.compute {
            Ok(compute) => compute.support(),
            Err(why) => ComputeSupport::Unavailable(why.clone()),
        }
    }

    pub(super) fn draw_layout(&self) -> &wgpu::BindGroupLayout {
        &self.draw_layout
    }

    pub(super) fn compute(&self) -> Option<&Arc<ComputeRaster>> {
        self.compute.as_ref().ok()
    }

    /// Records the compute passes of the `draws` whose path is the compute rasteriser into
    /// `encoder`, accumulating into `target` (clear it first for a new picture). Draws that take
    /// the pipeline path are skipped here and drawn by [`draw`](Self::draw). Of points at equal
    /// depth the one drawn first wins, as with a `Less` depth test: the earlier vertex of a
    /// cloud, and of two clouds the one first rasterized since the last clear. A cloud drawn
    /// again (another [`Subsample`](super::Subsample) phase) keeps its place, so a picture
    /// accumulated phase by phase equals the one drawn at once. Each draw may be rasterized
    /// once per submission.
    pub fn rasterize(
        &self,
        queue: &wgpu::Queue,
        encoder: &mut wgpu::CommandEncoder,
        target: &mut RasterTarget,
        draws: &[&PointDraw],
    ) {
        let Some(compute) = self.compute() else {
            return;
        };
        let computed: Vec<&PointDraw> = draws
            .iter()
            .copied()
            .filter(|d| d.path() == RasterPath::Compute && !d.is_empty())
            .collect();
        if computed.is_empty() {
            return;
        }
        for draw in &computed {
            let (base, step) = match draw.file_position() {
                Some((first, stride)) => (first, stride),
                None => (target.order_of(draw.id(), draw.vertex_count()), 1),
            };
            let last = base + draw.vertex_count().saturating_sub(1) * u64::from(step);
            target.saw_order(base);
            target.saw_order(last);
            // The shaders keep orders modulo 2³², which the target gives back on reading; only
            // ties at equal depth between points 2³² apart could resolve the other way.
            draw.set_order(queue, base as u32, step);
        }
        compute.record(encoder, target, &computed);
    }

    /// Records the pipeline-path `draws` into `pass`, which must match the target format. Draws
    /// that take the compute path are skipped here: [`resolve`](Self::resolve) shows them.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, draws: &[&PointDraw]) {
        for draw in draws {
            if draw.path() != RasterPath::Pipeline || draw.is_empty() {
                continue;
            }
            let quads = draw.point_size() > 1;
            // Made when the draw was; a draw made by another renderer has none here.
            let Some(pipeline) = self.pipeline(draw.layout(), quads) else {
                continue;
            };
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, draw.pipeline_bind_group(), &[]);
            let step = draw.subsample().step;
            for (buffer, count, first) in draw.buffers() {
                // The index within the cloud, modulo the step, is all the shader needs.
                let start = (first % u64::from(step)) as u32;
                pass.set_vertex_buffer(0, buffer.slice(..));
                if quads {
                    pass.draw(start * 6..start * 6 + 6, 0..count);
                } else {
                    pass.draw(0..count, start..start + 1);
                }
            }
        }
    }

    /// Writes what the compute path drew into `target` into `pass`: colour, and depth through
    /// `frag_depth` (depth-tested `Less` against what the pass already holds), so the points
    /// compose with everything else the pass draws, before or after. Draws nothing when nothing
    /// was rasterized since the target was cleared.
    pub fn resolve(&self, pass: &mut wgpu::RenderPass<'_>, target: &RasterTarget) {
        if let (Some(compute), true) = (self.compute(), target.has_points()) {
            compute.resolve(pass, target);
        }
    }
}

/// The depth test of both paths: `Less`, writing depth.
pub(super) fn depth_state(target: TargetFormat) -> Option<wgpu::DepthStencilState> {
    target.depth.map(|format| wgpu::DepthStencilState {
        format,
        depth_write_enabled: Some(true),
        depth_compare: Some(DEPTH_COMPARE),
        stencil: Default::default(),
        bias: Default::default(),
    })
}
