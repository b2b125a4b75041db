//! [`PointRenderer`]: the pipelines that draw points, built once for a target format and shared by
//! every cloud drawn into such targets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::context::catch_errors;
use super::error::GpuError;
use super::layout::point_attributes;
use super::params::{
    FrameParams, Raster, RasterPath, AUTO_COMPUTE_PIXELS_PER_POINT, MAX_COMPUTE_POINT_SIZE,
};
use super::raster::{view_entry, ComputeRaster, ComputeSupport};
use super::shaders::SHADER_SOURCE;
use super::target::{depth_state, AtomicWidth, TargetFormat};
use crate::format::GpuLayout;

/// Pipelines for drawing vertex files as points into one kind of target, by either path: the
/// fixed-function point list (or quads, for larger points), and the compute rasteriser with its
/// resolve. Built once; immutable after. A cloud's bindings live in a
/// [`PointCloud`](super::PointCloud), each frame's views of clouds in a
/// [`PointFrame`](super::PointFrame), and the compute path's per-pixel buffers in a
/// [`RasterTarget`](super::RasterTarget), so one renderer draws any number of clouds with their
/// own parameters into one pass.
///
/// A frame, in outline (`examples/embed.rs` is a whole program that draws one cloud twice):
///
/// ```text
/// let mut frame = PointFrame::new(&renderer, [width, height]);
/// frame.add(&cloud, &params);                           // each view's parameters
/// let frame = frame.prepare(&device, &mut encoder, Some(&mut raster))?;  // compute passes
/// let mut pass = encoder.begin_render_pass(..);         // the caller's pass, its depth buffer
/// frame.paint(&mut pass);                               // both paths' points
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
    /// layout other than the default gets its pipelines when its first [`PointCloud`](super::PointCloud) is made.
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
                label: Some("vertexview view"),
                entries: &[view_entry(wgpu::ShaderStages::VERTEX_FRAGMENT)],
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
    /// scopes: what [`PointCloud::new`](super::PointCloud::new) calls, so that drawing only looks pipelines up.
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
    pub(super) fn pipeline(&self, layout: GpuLayout, quads: bool) -> Option<wgpu::RenderPipeline> {
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
}

/// The path a cloud of `vertices` points takes with `params` (its rasteriser choice, point size
/// and viewport) on `renderer`: the one place the rasteriser is chosen. `Raster::Compute` takes
/// the compute rasteriser wherever `renderer` has it, `Raster::Auto` where it also wins.
pub fn choose_path(params: &FrameParams, renderer: &PointRenderer, vertices: u64) -> RasterPath {
    let computes = renderer.compute().is_some();
    let pixels = u64::from(params.viewport[0]) * u64::from(params.viewport[1]);
    match params.raster {
        Raster::Pipeline => RasterPath::Pipeline,
        Raster::Compute if computes => RasterPath::Compute,
        Raster::Auto
            if computes
                && vertices.saturating_mul(AUTO_COMPUTE_PIXELS_PER_POINT) >= pixels
                && params.pixel_size() <= MAX_COMPUTE_POINT_SIZE =>
        {
            RasterPath::Compute
        }
        _ => RasterPath::Pipeline,
    }
}
