//! [`PointFrame`]: one frame of point clouds, recorded in two steps as an engine's frame needs
//! them: [`prepare`](PointFrame::prepare) before the caller's render pass (parameters written,
//! the compute rasteriser's passes recorded), [`paint`](PreparedFrame::paint) inside it.

use super::cloud::{FilePosition, PointCloud};
use super::error::GpuError;
use super::params::{
    ColorMode, FrameParams, FrameUniform, RasterPath, Subsample, FRAME_UNIFORM_SIZE,
};
use super::raster::{RasterJob, RasterTarget};
use super::renderer::{choose_path, PointRenderer};
use crate::format::GpuLayout;

/// One frame of point clouds drawn by one [`PointRenderer`] into a target of `viewport` pixels:
/// any number of views, each a [`PointCloud`] with its own [`FrameParams`] (one cloud may be
/// drawn several times, with other transforms or point sizes). Each view's path is chosen when
/// it is added ([`choose_path`]); the compute path draws into a [`RasterTarget`] of the
/// viewport's size, which [`prepare`](Self::prepare) checks.
///
/// ```text
/// let mut frame = PointFrame::new(&renderer, [width, height]);
/// frame.add(&cloud, &params);                                    // as many as you like
/// let frame = frame.prepare(&device, &mut encoder, Some(&mut raster))?;   // before the pass
/// let mut pass = encoder.begin_render_pass(..);                  // your pass, your depth buffer
/// frame.paint(&mut pass);                                        // points, depth-tested
/// ```
pub struct PointFrame<'a> {
    renderer: &'a PointRenderer,
    viewport: [u32; 2],
    keep_raster: bool,
    views: Vec<View<'a>>,
}

struct View<'a> {
    cloud: &'a PointCloud,
    /// How this view reads the cloud's records: its layout, with the column it is coloured by.
    layout: GpuLayout,
    uniform: FrameUniform,
    path: RasterPath,
    point_size: u32,
    subsample: Subsample,
}

/// A [`PointFrame`] whose parameters are written and whose compute passes are recorded: what is
/// left to do happens inside the caller's render pass, [`paint`](Self::paint).
pub struct PreparedFrame<'a> {
    renderer: &'a PointRenderer,
    /// The views' parameters, one per view at a dynamic offset, bound for the pipeline path.
    views: Option<wgpu::BindGroup>,
    /// The pipeline path's views: cloud, how it is read, uniform offset, point size, subsample.
    pipeline: Vec<(&'a PointCloud, GpuLayout, u32, u32, Subsample)>,
    raster: Option<&'a RasterTarget>,
}

impl<'a> PointFrame<'a> {
    /// An empty frame of `viewport` pixels; [`prepare`](Self::prepare) clears the raster target.
    pub fn new(renderer: &'a PointRenderer, viewport: [u32; 2]) -> PointFrame<'a> {
        PointFrame {
            renderer,
            viewport,
            keep_raster: false,
            views: Vec::new(),
        }
    }

    /// Keeps what the raster target holds instead of clearing it, to build one picture over
    /// several frames or submissions (streamed pieces, progressive subsample phases). Of points
    /// at equal depth the one drawn first still wins, by file position where the clouds have one
    /// ([`PointCloud::set_file_position`]).
    pub fn keep_raster(mut self) -> PointFrame<'a> {
        self.keep_raster = true;
        self
    }

    /// Adds a view of `cloud` drawn with `params` (whose `viewport` is taken to be the frame's),
    /// and returns the path that will draw it.
    pub fn add(&mut self, cloud: &'a PointCloud, params: &FrameParams) -> RasterPath {
        let params = FrameParams {
            viewport: self.viewport,
            ..*params
        };
        let mut path = choose_path(&params, self.renderer, cloud.vertex_count());
        if !cloud.has_ranges() && !cloud.is_empty() {
            // Not even one vertex fits a storage binding here.
            path = RasterPath::Pipeline;
        }
        let step = params.subsample.step.max(1);
        let layout = match params.color_mode {
            ColorMode::Column(c) => cloud.layout().with_column(c.read.column),
            _ => cloud.layout(),
        };
        self.views.push(View {
            cloud,
            layout,
            uniform: FrameUniform::new(&params),
            path,
            point_size: params.pixel_size(),
            subsample: Subsample {
                step,
                phase: params.subsample.phase % step,
            },
        });
        path
    }

    /// Whether any view takes the compute path, and so needs a raster target.
    pub fn computes(&self) -> bool {
        self.views.iter().any(|v| v.path == RasterPath::Compute)
    }

    /// Before the caller's render pass: writes every view's parameters and records the compute
    /// path's passes into `encoder`, into `raster` (cleared first, unless
    /// [`keep_raster`](Self::keep_raster)). `raster` must be of the viewport's size, and may be
    /// `None` only when no view takes the compute path; otherwise this is
    /// [`GpuError::RasterTargetSize`] or [`GpuError::NoRasterTarget`]. A view coloured by a
    /// column the GPU cannot read in place is [`GpuError::Validation`]. A view's point of equal
    /// depth with another's goes to the one added first, as the pipeline's `Less` depth test
    /// does in draw order.
    pub fn prepare(
        self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        raster: Option<&'a mut RasterTarget>,
    ) -> Result<PreparedFrame<'a>, GpuError> {
        let raster = match raster {
            Some(r) if r.size() != self.viewport => {
                return Err(GpuError::RasterTargetSize {
                    viewport: self.viewport,
                    raster: r.size(),
                })
            }
            None if self.computes() => return Err(GpuError::NoRasterTarget),
            other => other,
        };
        let renderer = self.renderer;
        let mut views = self.views;
        // Views without vertices draw nothing.
        views.retain(|v| !v.cloud.is_empty());
        for view in &mut views {
            // Pipelines for a column are made the first time a frame reads it.
            renderer.prepare_layout(view.layout)?;
            // The index a ramp may follow is the file's, where the cloud knows it.
            if let Some(position) = view.cloud.file_position() {
                view.uniform.index_base = position.first as u32;
                view.uniform.order_step = position.step;
                view.uniform.order_run = position.run.unwrap_or(0);
                view.uniform.order_gap = position.gap as u32;
            }
        }
        let Some(raster) = raster else {
            return Ok(Self::record(renderer, device, encoder, &mut views, None));
        };
        if !self.keep_raster {
            raster.clear(encoder);
        }
        // Draw orders: a cloud's file positions, or the order views are first rasterized.
        let mut seen: Vec<u64> = Vec::new();
        for view in views.iter_mut().filter(|v| v.path == RasterPath::Compute) {
            let cloud = view.cloud;
            let occurrence = seen.iter().filter(|&&id| id == cloud.id()).count() as u32;
            seen.push(cloud.id());
            let position = cloud.file_position().unwrap_or_else(|| {
                FilePosition::strided(
                    raster.order_of((cloud.id(), occurrence), cloud.vertex_count()),
                    1,
                )
            });
            let last = position.index_of(cloud.vertex_count().saturating_sub(1));
            raster.saw_order(position.first);
            raster.saw_order(last);
            // The shaders keep orders modulo 2³², which the target gives back on reading; only
            // ties at equal depth between points 2³² apart could resolve the other way.
            view.uniform.index_base = position.first as u32;
            view.uniform.order_step = position.step;
            view.uniform.order_run = position.run.unwrap_or(0);
            view.uniform.order_gap = position.gap as u32;
        }
        Ok(Self::record(
            renderer,
            device,
            encoder,
            &mut views,
            Some(raster),
        ))
    }

    fn record(
        renderer: &'a PointRenderer,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        views: &mut [View<'a>],
        raster: Option<&'a mut RasterTarget>,
    ) -> PreparedFrame<'a> {
        let align = u64::from(device.limits().min_uniform_buffer_offset_alignment).max(16);
        let stride = FRAME_UNIFORM_SIZE.div_ceil(align) * align;
        let buffer = (!views.is_empty()).then(|| {
            let buffer = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("vertexview frame views"),
                size: stride * views.len() as u64,
                usage: wgpu::BufferUsages::UNIFORM,
                mapped_at_creation: true,
            });
            let mut bytes = vec![0u8; (stride * views.len() as u64) as usize];
            for (i, view) in views.iter().enumerate() {
                let at = i * stride as usize;
                bytes[at..at + FRAME_UNIFORM_SIZE as usize]
                    .copy_from_slice(bytemuck::bytes_of(&view.uniform));
            }
            if let Ok(mut memory) = buffer.get_mapped_range_mut(..) {
                memory.copy_from_slice(&bytes);
            }
            buffer.unmap();
            buffer
        });
        let group = |layout: &wgpu::BindGroupLayout| {
            buffer.as_ref().map(|buffer| {
                device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("vertexview frame views"),
                    layout,
                    entries: &[wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                            buffer,
                            offset: 0,
                            size: wgpu::BufferSize::new(FRAME_UNIFORM_SIZE),
                        }),
                    }],
                })
            })
        };
        let offset = |i: usize| (i as u64 * stride) as u32;
        let raster = match (raster, renderer.compute()) {
            (Some(raster), Some(compute)) => {
                let jobs: Vec<RasterJob<'_>> = views
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.path == RasterPath::Compute)
                    .map(|(i, v)| RasterJob {
                        cloud: v.cloud,
                        layout: v.layout,
                        view_offset: offset(i),
                        point_size: v.point_size,
                        subsample: v.subsample,
                    })
                    .collect();
                if let (false, Some(group)) = (jobs.is_empty(), group(&compute.view_layout)) {
                    compute.record(encoder, raster, &group, &jobs);
                }
                Some(&*raster)
            }
            (raster, _) => raster.map(|r| &*r),
        };
        PreparedFrame {
            renderer,
            views: group(renderer.draw_layout()),
            pipeline: views
                .iter()
                .enumerate()
                .filter(|(_, v)| v.path == RasterPath::Pipeline)
                .map(|(i, v)| (v.cloud, v.layout, offset(i), v.point_size, v.subsample))
                .collect(),
            raster,
        }
    }
}

impl PreparedFrame<'_> {
    /// Inside the caller's render pass, whose formats are the renderer's
    /// [`TargetFormat`](super::TargetFormat): draws the pipeline path's views, and writes what
    /// the compute path drew (colour, and depth through `frag_depth`, tested `Less` against
    /// what the pass already holds), so the points compose with everything else the pass draws,
    /// before or after.
    pub fn paint(&self, pass: &mut wgpu::RenderPass<'_>) {
        self.paint_pipeline(pass);
        if let Some(raster) = self.raster {
            self.renderer.resolve(pass, raster);
        }
    }

    /// Only the pipeline path's views: for a picture whose compute path is resolved once at
    /// its end (a streamed render).
    pub(crate) fn paint_pipeline(&self, pass: &mut wgpu::RenderPass<'_>) {
        let Some(views) = &self.views else {
            return;
        };
        for &(cloud, layout, offset, point_size, subsample) in &self.pipeline {
            let quads = point_size > 1;
            // Made by `prepare`; a cloud made for another renderer has none here.
            let Some(pipeline) = self.renderer.pipeline(layout, quads) else {
                continue;
            };
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, views, &[offset]);
            for (buffer, count, first) in cloud.buffers() {
                // The index within the cloud: for the subsample (modulo the step is enough) and
                // for a ramp over the index (which needs it whole, and has it while a quad
                // draw's vertex indices fit in 32 bits).
                let limit = if quads {
                    u64::from(u32::MAX / 6)
                } else {
                    u64::from(u32::MAX)
                };
                let start = if first + u64::from(count) <= limit {
                    first as u32
                } else {
                    (first % u64::from(subsample.step)) as u32
                };
                pass.set_vertex_buffer(0, buffer.slice(..));
                if quads {
                    pass.draw(start * 6..start * 6 + 6, 0..count);
                } else {
                    pass.draw(0..count, start..start + 1);
                }
            }
        }
    }

    /// Whether any view takes the pipeline path.
    pub fn paints_pipeline(&self) -> bool {
        !self.pipeline.is_empty()
    }

    /// Whether the pass has anything to do: pipeline views, or compute-path points to resolve.
    pub fn paints(&self) -> bool {
        !self.pipeline.is_empty() || self.raster.is_some_and(RasterTarget::has_points)
    }
}

impl PointRenderer {
    /// Writes what the compute path drew into `target` into `pass`: colour, and depth through
    /// `frag_depth`. [`PreparedFrame::paint`] does this; call it directly to show a picture
    /// accumulated over several submissions without drawing anything new. Draws nothing when
    /// nothing was rasterized since the target was cleared.
    pub fn resolve(&self, pass: &mut wgpu::RenderPass<'_>, target: &RasterTarget) {
        if let (Some(compute), true) = (self.compute(), target.has_points()) {
            compute.resolve(pass, target);
        }
    }
}
