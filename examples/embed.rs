//! An engine that embeds vertexview: it owns the window, device, queue, surface, MSAA target and
//! depth buffer, draws its own ground grid, and asks vertexview to draw a vertex file's points
//! into the same render pass, depth-tested against the grid: twice, as two views of one cloud
//! with their own transforms (the file, and a small copy orbiting it) in one frame, one raster
//! target and one pass.
//!
//! ```text
//! cargo run --release --example embed -- [FILE] [--frames N]
//! ```

use std::error::Error;
use std::sync::Arc;

use glam::{Mat4, Vec3};
use wgpu::util::DeviceExt;
use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::window::{Window, WindowId};

use vertexview::camera::OrbitCamera;
use vertexview::gpu::{
    FrameParams, PointCloud, PointFrame, PointRenderer, PointShape, RasterTarget, TargetFormat,
    VertexBuffers,
};
use vertexview::VertexFile;

/// The engine's own choices, which vertexview must live with.
const SAMPLES: u32 = 4;
const DEPTH: wgpu::TextureFormat = wgpu::TextureFormat::Depth24Plus;

struct Engine {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    device: wgpu::Device,
    queue: wgpu::Queue,
    config: wgpu::SurfaceConfiguration,
    msaa: wgpu::TextureView,
    depth: wgpu::TextureView,
    grid: Grid,
    points: PointRenderer,
    /// The compute rasteriser's per-pixel buffers, sized with the window like the depth buffer.
    raster: RasterTarget,
    /// The file's bindings, made once; drawn twice a frame with two sets of parameters.
    cloud: PointCloud,
}

struct Grid {
    pipeline: wgpu::RenderPipeline,
    lines: wgpu::Buffer,
    line_vertices: u32,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
}

struct App {
    file: VertexFile,
    frames_left: Option<u64>,
    engine: Option<Engine>,
    started: std::time::Instant,
    error: Option<Box<dyn Error>>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let frames_left = args
        .iter()
        .position(|a| a == "--frames")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse())
        .transpose()?;
    let path = args.first().filter(|a| !a.starts_with("--")).cloned();
    let file = VertexFile::open(path.as_deref().unwrap_or("assets/colors.bin"))?;
    let event_loop = EventLoop::new()?;
    let mut app = App {
        file,
        frames_left,
        engine: None,
        started: std::time::Instant::now(),
        error: None,
    };
    event_loop.run_app(&mut app)?;
    app.error.map_or(Ok(()), Err)
}

impl ApplicationHandler for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.engine.is_none() {
            match Engine::new(event_loop, &self.file) {
                Ok(engine) => self.engine = Some(engine),
                Err(e) => {
                    self.error = Some(e);
                    event_loop.exit();
                }
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _: WindowId, event: WindowEvent) {
        let Some(engine) = &mut self.engine else {
            return;
        };
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) if size.width > 0 && size.height > 0 => {
                engine.resize(size.width, size.height)
            }
            WindowEvent::RedrawRequested => {
                let yaw = self.started.elapsed().as_secs_f32() * 20.0;
                engine.frame(&self.file, yaw);
                if let Some(left) = &mut self.frames_left {
                    *left = left.saturating_sub(1);
                    if *left == 0 {
                        event_loop.exit();
                    }
                }
                engine.window.request_redraw();
            }
            _ => {}
        }
    }
}

impl Engine {
    fn new(event_loop: &ActiveEventLoop, file: &VertexFile) -> Result<Engine, Box<dyn Error>> {
        let window = Arc::new(event_loop.create_window(
            Window::default_attributes().with_title("embed: engine + vertexview"),
        )?);
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_with_display_handle_from_env(
                Box::new(event_loop.owned_display_handle()),
            ));
        let surface = instance.create_surface(window.clone())?;
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            compatible_surface: Some(&surface),
            ..Default::default()
        }))?;
        let (device, queue) =
            pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
                required_limits: adapter.limits(),
                ..Default::default()
            }))?;
        let size = window.inner_size();
        let config = surface
            .get_default_config(&adapter, size.width.max(1), size.height.max(1))
            .ok_or("the surface does not work with this adapter")?;
        surface.configure(&device, &config);

        // vertexview adapts to the engine's formats, depth buffer and sample count.
        let points = PointRenderer::new(
            &device,
            TargetFormat {
                color: config.format,
                depth: Some(DEPTH),
                sample_count: SAMPLES,
            },
        )?;
        let vertices = VertexBuffers::upload(&device, file.vertices())?;
        let cloud = PointCloud::new(&device, &points, &vertices)?;
        let raster = RasterTarget::new(&device, &points, [config.width, config.height])?;
        let grid = Grid::new(&device, config.format, file);
        let (msaa, depth) = targets(&device, &config);
        Ok(Engine {
            window,
            surface,
            device,
            queue,
            config,
            msaa,
            depth,
            grid,
            points,
            raster,
            cloud,
        })
    }

    fn resize(&mut self, width: u32, height: u32) {
        self.config.width = width;
        self.config.height = height;
        self.surface.configure(&self.device, &self.config);
        (self.msaa, self.depth) = targets(&self.device, &self.config);
        if let Ok(raster) = RasterTarget::new(&self.device, &self.points, [width, height]) {
            self.raster = raster;
        }
    }

    fn frame(&mut self, file: &VertexFile, yaw: f32) {
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f)
            | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            _ => {
                self.surface.configure(&self.device, &self.config);
                return;
            }
        };
        let aspect = self.config.width as f32 / self.config.height as f32;
        let view_proj = OrbitCamera::fit(file.stats().bounds, yaw, 25.0, aspect).view_proj(aspect);
        self.queue.write_buffer(
            &self.grid.uniform,
            0,
            bytemuck::cast_slice(&view_proj.to_cols_array()),
        );
        let params = FrameParams {
            view_proj,
            viewport: [self.config.width, self.config.height],
            point_size: 2.0,
            shape: PointShape::Round,
            ..Default::default()
        };
        // The copy: a third of the size, circling the file at its own pace.
        let bounds = file.stats().bounds;
        let (center, radius) = bounds.map_or((Vec3::ZERO, 1.0), |b| {
            (b.center(), b.size().max_element().max(1e-6))
        });
        let angle = yaw.to_radians() * 3.0;
        let moon =
            Mat4::from_translation(center + Vec3::new(angle.cos(), 0.3, angle.sin()) * radius)
                * Mat4::from_scale(Vec3::splat(0.3))
                * Mat4::from_translation(-center);
        // One cloud, two views of it in one frame: the file, and the copy.
        let mut points = PointFrame::new(&self.points, [self.config.width, self.config.height]);
        points.add(&self.cloud, &params);
        let copy = FrameParams {
            view_proj: view_proj * moon,
            point_size: 1.0,
            ..params
        };
        points.add(&self.cloud, &copy);
        let resolve = frame.texture.create_view(&Default::default());
        let mut encoder = self.device.create_command_encoder(&Default::default());
        // Before the pass: the compute rasteriser's work (a raster target of another size than
        // the frame is refused here, not drawn wrong).
        let points = match points.prepare(&self.device, &mut encoder, Some(&mut self.raster)) {
            Ok(points) => points,
            Err(e) => return eprintln!("embed: {e}"),
        };
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("engine pass"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &self.msaa,
                    depth_slice: None,
                    resolve_target: Some(&resolve),
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color {
                            r: 0.02,
                            g: 0.02,
                            b: 0.03,
                            a: 1.0,
                        }),
                        store: wgpu::StoreOp::Discard,
                    },
                })],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &self.depth,
                    depth_ops: Some(wgpu::Operations {
                        load: wgpu::LoadOp::Clear(1.0),
                        store: wgpu::StoreOp::Discard,
                    }),
                    stencil_ops: None,
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            // The engine's geometry first, then the points, in the same pass and depth buffer.
            pass.set_pipeline(&self.grid.pipeline);
            pass.set_bind_group(0, &self.grid.bind_group, &[]);
            pass.set_vertex_buffer(0, self.grid.lines.slice(..));
            pass.draw(0..self.grid.line_vertices, 0..1);
            points.paint(&mut pass);
        }
        self.queue.submit([encoder.finish()]);
        self.window.pre_present_notify();
        self.queue.present(frame);
    }
}

fn targets(
    device: &wgpu::Device,
    config: &wgpu::SurfaceConfiguration,
) -> (wgpu::TextureView, wgpu::TextureView) {
    let texture = |format| {
        device
            .create_texture(&wgpu::TextureDescriptor {
                label: None,
                size: wgpu::Extent3d {
                    width: config.width,
                    height: config.height,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: SAMPLES,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
                view_formats: &[],
            })
            .create_view(&Default::default())
    };
    (texture(config.format), texture(DEPTH))
}

impl Grid {
    /// Lines on the floor under the data, a little wider than it.
    fn new(device: &wgpu::Device, format: wgpu::TextureFormat, file: &VertexFile) -> Grid {
        let (min, max) = file
            .stats()
            .bounds
            .map_or((Vec3::splat(-1.0), Vec3::splat(1.0)), |b| (b.min, b.max));
        let half = (max - min).max_element().max(1e-6) * 0.75;
        let center = (min + max) * 0.5;
        let floor = min.y;
        let mut lines: Vec<[f32; 4]> = Vec::new();
        for i in 0..=20 {
            let t = -half + 2.0 * half * i as f32 / 20.0;
            let shade = if i == 10 { 0.6 } else { 0.3 };
            lines.push([center.x + t, floor, center.z - half, shade]);
            lines.push([center.x + t, floor, center.z + half, shade]);
            lines.push([center.x - half, floor, center.z + t, shade]);
            lines.push([center.x + half, floor, center.z + t, shade]);
        }
        let buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("grid"),
            contents: bytemuck::cast_slice(&lines),
            usage: wgpu::BufferUsages::VERTEX,
        });
        let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("grid camera"),
            contents: bytemuck::cast_slice(&Mat4::IDENTITY.to_cols_array()),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        });
        let module = device.create_shader_module(wgpu::include_wgsl!("../shaders/grid.wgsl"));
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("grid"),
            layout: None,
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: 16,
                    step_mode: wgpu::VertexStepMode::Vertex,
                    attributes: &wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32],
                })],
            },
            primitive: wgpu::PrimitiveState {
                topology: wgpu::PrimitiveTopology::LineList,
                ..Default::default()
            },
            depth_stencil: Some(wgpu::DepthStencilState {
                format: DEPTH,
                depth_write_enabled: Some(true),
                depth_compare: Some(wgpu::CompareFunction::Less),
                stencil: Default::default(),
                bias: Default::default(),
            }),
            multisample: wgpu::MultisampleState {
                count: SAMPLES,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(format.into())],
            }),
            multiview_mask: None,
            cache: None,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("grid camera"),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
        Grid {
            pipeline,
            lines: buffer,
            line_vertices: lines.len() as u32,
            uniform,
            bind_group,
        }
    }
}
