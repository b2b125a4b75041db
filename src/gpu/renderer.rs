//! [`PointRenderer`]: draws [`VertexBuffers`] as points into a render pass someone else began.

use bytemuck::{Pod, Zeroable};
use glam::Mat4;

use super::layout::{INSTANCE_BUFFER_LAYOUT, VERTEX_BUFFER_LAYOUT};
use super::upload::VertexBuffers;

/// The WGSL source of the point shaders (`shaders/points.wgsl`).
pub const SHADER_SOURCE: &str = include_str!("../../shaders/points.wgsl");

/// The depth comparison the renderer uses: the nearer point wins; of two at the same depth the
/// first drawn stays.
pub const DEPTH_COMPARE: wgpu::CompareFunction = wgpu::CompareFunction::Less;

/// The render targets a [`PointRenderer`] draws into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetFormat {
    /// Format of the colour attachment. With an sRGB format the shader undoes the encoding, so
    /// the stored colour values reach the screen unchanged.
    pub color: wgpu::TextureFormat,
    /// Format of the depth attachment, if the pass has one (the depth test then runs, `Less`).
    pub depth: Option<wgpu::TextureFormat>,
    /// MSAA sample count of the pass (1 for none).
    pub sample_count: u32,
}

/// Drawing points larger than one pixel: squares or discs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PointShape {
    /// Screen-aligned squares.
    #[default]
    Square,
    /// Round discs.
    Round,
}

/// How points are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum ColorMode {
    /// The colours stored in the file, value / 65535.
    #[default]
    File,
    /// A colour ramp over the height (y), from `min` to `max`: for files without colours.
    Height {
        /// Height at the start of the ramp.
        min: f32,
        /// Height at its end.
        max: f32,
    },
}

/// What changes from frame to frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameParams {
    /// World (or file) positions to clip space.
    pub view_proj: Mat4,
    /// Size of the render target in pixels.
    pub viewport: [u32; 2],
    /// Width of a point in pixels; 1 draws a point list, one pixel per vertex.
    pub point_size: f32,
    /// Shape of points larger than one pixel.
    pub shape: PointShape,
    /// Colouring.
    pub color_mode: ColorMode,
}

impl Default for FrameParams {
    /// Identity transform (positions in clip space), a 1×1 viewport, one-pixel points, file colours.
    fn default() -> Self {
        FrameParams {
            view_proj: Mat4::IDENTITY,
            viewport: [1, 1],
            point_size: 1.0,
            shape: PointShape::Square,
            color_mode: ColorMode::File,
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct FrameUniform {
    view_proj: [[f32; 4]; 4],
    viewport: [f32; 2],
    point_size: f32,
    round_points: u32,
    color_mode: u32,
    padding: u32,
    ramp_min: f32,
    ramp_max: f32,
}

/// Pipelines for drawing vertex files as points, built once for a target format; each frame only
/// uploads a small uniform ([`prepare`](Self::prepare)) and records draws ([`draw`](Self::draw)).
///
/// The renderer holds one uniform buffer: prepare, then draw, once per submitted frame.
#[derive(Debug)]
pub struct PointRenderer {
    points: wgpu::RenderPipeline,
    quads: wgpu::RenderPipeline,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    target: TargetFormat,
    use_quads: bool,
}

impl PointRenderer {
    /// Builds the pipelines for `target` on `device`.
    pub fn new(device: &wgpu::Device, target: TargetFormat) -> PointRenderer {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("vertexview points.wgsl"),
            source: wgpu::ShaderSource::Wgsl(SHADER_SOURCE.into()),
        });
        let bind_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview frame"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: wgpu::BufferSize::new(
                        std::mem::size_of::<FrameUniform>() as u64
                    ),
                },
                count: None,
            }],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("vertexview points"),
            bind_group_layouts: &[Some(&bind_layout)],
            immediate_size: 0,
        });
        let srgb = [(
            "SRGB_TARGET",
            if target.color.is_srgb() { 1.0 } else { 0.0 },
        )];
        let constants = wgpu::PipelineCompilationOptions {
            constants: &srgb,
            ..Default::default()
        };
        let pipeline =
            |entry: &str, fragment: &str, buffer: wgpu::VertexBufferLayout<'static>, topology| {
                device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                    label: Some(entry),
                    layout: Some(&layout),
                    vertex: wgpu::VertexState {
                        module: &module,
                        entry_point: Some(entry),
                        compilation_options: Default::default(),
                        buffers: &[Some(buffer)],
                    },
                    primitive: wgpu::PrimitiveState {
                        topology,
                        ..Default::default()
                    },
                    depth_stencil: target.depth.map(|format| wgpu::DepthStencilState {
                        format,
                        depth_write_enabled: Some(true),
                        depth_compare: Some(DEPTH_COMPARE),
                        stencil: Default::default(),
                        bias: Default::default(),
                    }),
                    multisample: wgpu::MultisampleState {
                        count: target.sample_count,
                        ..Default::default()
                    },
                    fragment: Some(wgpu::FragmentState {
                        module: &module,
                        entry_point: Some(fragment),
                        compilation_options: constants.clone(),
                        targets: &[Some(wgpu::ColorTargetState {
                            format: target.color,
                            blend: None,
                            write_mask: wgpu::ColorWrites::ALL,
                        })],
                    }),
                    multiview_mask: None,
                    cache: None,
                })
            };
        let points = pipeline(
            "vs_point",
            "fs_point",
            VERTEX_BUFFER_LAYOUT,
            wgpu::PrimitiveTopology::PointList,
        );
        let quads = pipeline(
            "vs_quad",
            "fs_quad",
            INSTANCE_BUFFER_LAYOUT,
            wgpu::PrimitiveTopology::TriangleList,
        );
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vertexview frame"),
            size: std::mem::size_of::<FrameUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("vertexview frame"),
            layout: &bind_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
        PointRenderer {
            points,
            quads,
            uniform,
            bind_group,
            target,
            use_quads: false,
        }
    }

    /// The target this renderer was built for.
    pub fn target(&self) -> TargetFormat {
        self.target
    }

    /// Uploads this frame's parameters; takes effect with the next submission on `queue`.
    pub fn prepare(&mut self, queue: &wgpu::Queue, params: &FrameParams) {
        let (color_mode, ramp_min, ramp_max) = match params.color_mode {
            ColorMode::File => (0, 0.0, 1.0),
            ColorMode::Height { min, max } => (1, min, max),
        };
        let point_size = if params.point_size.is_finite() {
            params.point_size.max(1.0)
        } else {
            1.0
        };
        self.use_quads = point_size.round() > 1.0;
        let uniform = FrameUniform {
            view_proj: params.view_proj.to_cols_array_2d(),
            viewport: [
                params.viewport[0].max(1) as f32,
                params.viewport[1].max(1) as f32,
            ],
            point_size,
            round_points: u32::from(params.shape == PointShape::Round),
            color_mode,
            padding: 0,
            ramp_min,
            ramp_max,
        };
        queue.write_buffer(&self.uniform, 0, bytemuck::bytes_of(&uniform));
    }

    /// Records the draws of every buffer into `pass`, which must match the target format.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, vertices: &VertexBuffers) {
        pass.set_pipeline(if self.use_quads {
            &self.quads
        } else {
            &self.points
        });
        pass.set_bind_group(0, &self.bind_group, &[]);
        for (buffer, count) in vertices.buffers() {
            pass.set_vertex_buffer(0, buffer.slice(..));
            if self.use_quads {
                pass.draw(0..6, 0..count);
            } else {
                pass.draw(0..count, 0..1);
            }
        }
    }
}
