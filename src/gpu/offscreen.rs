//! Rendering without a window: into a texture, read back as an [`RgbaImage`].

use crate::camera::CameraMode;
use crate::gpu::image::RgbaImage;
use glam::Mat4;

use crate::format::stats::Bounds;
use crate::format::Up;

use super::cloud::PointCloud;
use super::context::{catch_errors, map_blocking};
use super::error::GpuError;
use super::eye_dome::EyeDome;
use super::frame::PointFrame;
use super::params::{ColorMode, FrameParams, PointShape, Raster};
use super::raster::{ComputeSupport, RasterTarget};
use super::renderer::PointRenderer;
use super::target::TargetFormat;
use super::upload::VertexBuffers;

/// Colour format of offscreen renders: plain 8-bit RGBA with no sRGB re-encoding, so a stored
/// colour `v` becomes the byte `round(v · 255 / 65535)`.
pub const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
/// Depth format of offscreen renders and the viewer.
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

/// The target format of [`OffscreenTarget`], for building its [`PointRenderer`].
pub const OFFSCREEN_TARGET: TargetFormat = TargetFormat {
    color: COLOR_FORMAT,
    depth: Some(DEPTH_FORMAT),
    sample_count: 1,
};

/// Everything about a picture except the data: what `vertexview render` takes as flags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderSettings {
    /// Width and height in pixels.
    pub size: [u32; 2],
    /// Camera.
    pub camera: CameraMode,
    /// Width of a point in pixels.
    pub point_size: f32,
    /// Shape of points larger than one pixel.
    pub shape: PointShape,
    /// Colouring.
    pub color_mode: ColorMode,
    /// Background colour, RGB.
    pub background: [u8; 3],
    /// Which rasteriser draws the points.
    pub raster: Raster,
    /// Which axis of the file is up; a z-up file is turned so z points up on screen.
    pub up: Up,
    /// Eye-dome lighting's strength (0 is off, 1 the usual): pixels darkened where nearer points
    /// stand beside them. The compute path shades it in its resolve, the pipeline path in a
    /// pass over the depth buffer ([`EyeDome`](super::EyeDome)), by the same formula.
    pub edl: f32,
}

impl Default for RenderSettings {
    fn default() -> Self {
        RenderSettings {
            size: [1280, 720],
            camera: CameraMode::default(),
            point_size: 1.0,
            shape: PointShape::Square,
            color_mode: ColorMode::File,
            background: [0, 0, 0],
            raster: Raster::Auto,
            up: Up::Y,
            edl: 0.0,
        }
    }
}

impl RenderSettings {
    /// Whether the picture depends on the data's bounding box (the fit and orbit cameras, the
    /// height ramp); a clip-space picture in the file's colours does not.
    pub fn needs_bounds(&self) -> bool {
        self.camera != CameraMode::Ndc || matches!(self.color_mode, ColorMode::Ramp(_))
    }

    /// The frame parameters for data within `bounds` (in the file's coordinates).
    pub fn frame_params(&self, bounds: Option<Bounds>) -> FrameParams {
        let aspect = self.size[0] as f32 / self.size[1].max(1) as f32;
        let turned = crate::camera::turned_bounds(bounds, self.up);
        let view_proj = match self.camera {
            CameraMode::Ndc => Mat4::IDENTITY,
            _ => self.camera.view_proj(turned, aspect) * crate::camera::up_matrix(self.up),
        };
        FrameParams {
            view_proj,
            viewport: self.size,
            point_size: self.point_size,
            shape: self.shape,
            color_mode: self.color_mode,
            raster: self.raster,
            subsample: Default::default(),
            up: self.up,
        }
    }
}

/// A colour and depth texture pair (and, for the compute path, a [`RasterTarget`] of the same
/// size), reused from frame to frame.
#[derive(Debug)]
pub struct OffscreenTarget {
    color: wgpu::Texture,
    depth: wgpu::Texture,
    size: [u32; 2],
    raster: Option<Result<RasterTarget, String>>,
    /// Whether the raster target was emptied for the picture begun.
    raster_cleared: bool,
    /// Eye-dome lighting's strength.
    edl: f32,
    /// Eye-dome lighting over the depth texture, made when first needed.
    eye_dome: Option<EyeDome>,
    /// Whether the pipeline path drew into the picture begun.
    pipeline_drew: bool,
}

impl OffscreenTarget {
    /// Textures of `size` pixels on `device`.
    pub fn new(device: &wgpu::Device, size: [u32; 2]) -> Result<OffscreenTarget, GpuError> {
        let max = device.limits().max_texture_dimension_2d;
        for side in size {
            if side == 0 || side > max {
                return Err(GpuError::Limit {
                    what: "an image side",
                    size: u64::from(side),
                    limit: u64::from(max),
                });
            }
        }
        let extent = wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        };
        let texture = |label, format, usage| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: extent,
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage,
                view_formats: &[],
            })
        };
        catch_errors(device, || OffscreenTarget {
            color: texture(
                "vertexview offscreen colour",
                COLOR_FORMAT,
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            ),
            depth: texture(
                "vertexview offscreen depth",
                DEPTH_FORMAT,
                // Read by eye-dome lighting after the pipeline path drew.
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            ),
            size,
            raster: None,
            raster_cleared: false,
            edl: 0.0,
            eye_dome: None,
            pipeline_drew: false,
        })
    }

    /// Eye-dome lighting's strength (0, the default, is off), by either path: see
    /// [`RenderSettings::edl`].
    pub fn set_edl(&mut self, strength: f32) {
        self.edl = strength;
    }

    /// Size in pixels.
    pub fn size(&self) -> [u32; 2] {
        self.size
    }

    /// The compute path's buffers for this size, made on first use; the reason when they cannot
    /// be (no compute path, or a size past the device's limits).
    pub fn raster_target(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
    ) -> Result<&mut RasterTarget, String> {
        raster_target(&mut self.raster, self.size, device, renderer)
    }

    /// Draws one cloud with `params` (its viewport set to this target's size) and reads the
    /// picture back: a [`PointCloud`] made and drawn. `Raster::Auto` falls back to the
    /// pipeline where the compute path cannot run at this size; `Raster::Compute` then fails,
    /// saying why.
    pub fn render_vertices(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
        params: &FrameParams,
        background: [u8; 3],
    ) -> Result<RgbaImage, GpuError> {
        let mut params = FrameParams {
            viewport: self.size,
            ..*params
        };
        match (params.raster, self.raster_target(device, renderer)) {
            (Raster::Auto, Err(_)) => params.raster = Raster::Pipeline,
            (Raster::Compute, Err(why)) => return Err(GpuError::ComputeUnavailable(why)),
            _ => {}
        }
        let cloud = PointCloud::new(device, renderer, vertices)?;
        self.render(device, queue, renderer, &[(&cloud, params)], background)
    }

    /// Clears to `background`, draws each `(cloud, params)` view with `renderer` (built for
    /// [`OFFSCREEN_TARGET`]), and reads the picture back. Blocks until the GPU is done. The same
    /// as [`begin`](Self::begin), [`draw`](Self::draw) and [`finish`](Self::finish).
    pub fn render(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
        views: &[(&PointCloud, FrameParams)],
        background: [u8; 3],
    ) -> Result<RgbaImage, GpuError> {
        self.begin(device, queue, background)?;
        self.draw(device, queue, renderer, views)?;
        self.finish(device, queue, renderer)
    }

    /// Starts a picture: colour cleared to `background`, depth to the far plane, the compute
    /// path's buffers emptied. Then [`draw`](Self::draw) as many times as there are pieces, and
    /// [`finish`](Self::finish).
    pub fn begin(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        background: [u8; 3],
    ) -> Result<(), GpuError> {
        catch_errors(device, || {
            let mut encoder = device.create_command_encoder(&Default::default());
            if let Some(Ok(raster)) = &mut self.raster {
                raster.clear(&mut encoder);
            }
            self.raster_cleared = true;
            self.pipeline_drew = false;
            self.pass(&mut encoder, Some(background_color(background)));
            queue.submit([encoder.finish()]);
        })
    }

    /// Adds each `(cloud, params)` view to the picture begun, by the path it takes (one
    /// [`PointFrame`] that keeps the raster target), and submits the work: returns the
    /// submission, after which the clouds' buffers may be reused once the GPU is done.
    pub fn draw(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
        views: &[(&PointCloud, FrameParams)],
    ) -> Result<wgpu::SubmissionIndex, GpuError> {
        let mut frame = PointFrame::new(renderer, self.size).keep_raster();
        for (cloud, params) in views {
            frame.add(cloud, params);
        }
        let fresh = self.raster.is_none();
        let mut raster = if frame.computes() {
            Some(
                raster_target(&mut self.raster, self.size, device, renderer)
                    .map_err(GpuError::ComputeUnavailable)?,
            )
        } else {
            None
        };
        let (color, depth) = (&self.color, &self.depth);
        let cleared = &mut self.raster_cleared;
        let pipeline_drew = &mut self.pipeline_drew;
        catch_errors(device, || {
            let mut encoder = device.create_command_encoder(&Default::default());
            if let Some(raster) = raster.as_deref_mut() {
                if fresh || !*cleared {
                    // A target made after `begin`, or a picture not begun: empty it first.
                    raster.clear(&mut encoder);
                    *cleared = true;
                }
            }
            let prepared = frame.prepare(device, &mut encoder, raster)?;
            *pipeline_drew |= prepared.paints_pipeline();
            {
                let mut pass = load_pass(&mut encoder, color, depth, None);
                // The compute path's points are resolved once, in `finish`.
                prepared.paint_pipeline(&mut pass);
            }
            Ok(queue.submit([encoder.finish()]))
        })?
    }

    /// Resolves what the compute path drew into the picture and reads it back. Blocks until the
    /// GPU is done.
    pub fn finish(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
    ) -> Result<RgbaImage, GpuError> {
        // Where the pipeline drew, eye-dome lighting is a pass over the depth texture, which
        // holds the compute path's points too: it then shades them all, and the resolve none.
        let eye_dome = self.edl > 0.0 && self.pipeline_drew;
        if eye_dome && self.eye_dome.is_none() {
            self.eye_dome = Some(EyeDome::new(device, COLOR_FORMAT)?);
        }
        catch_errors(device, || {
            if let Some(Ok(raster)) = &self.raster {
                if raster.has_points() {
                    raster.set_edl(queue, if eye_dome { 0.0 } else { self.edl });
                    let mut encoder = device.create_command_encoder(&Default::default());
                    {
                        let mut pass = load_pass(&mut encoder, &self.color, &self.depth, None);
                        renderer.resolve(&mut pass, raster);
                    }
                    queue.submit([encoder.finish()]);
                }
            }
            if let (true, Some(pass)) = (eye_dome, &self.eye_dome) {
                let mut encoder = device.create_command_encoder(&Default::default());
                let color = self.color.create_view(&Default::default());
                let depth = self.depth.create_view(&Default::default());
                pass.apply(device, &mut encoder, &color, &depth, self.size, self.edl);
                queue.submit([encoder.finish()]);
            }
            self.raster_cleared = false;
        })?;
        read_rgba8(device, queue, &self.color)
    }

    fn pass(&self, encoder: &mut wgpu::CommandEncoder, clear: Option<wgpu::Color>) {
        let _ = load_pass(encoder, &self.color, &self.depth, clear);
    }
}

/// A pass over the offscreen target's textures; see [`points_pass`].
fn load_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    color: &wgpu::Texture,
    depth: &wgpu::Texture,
    clear: Option<wgpu::Color>,
) -> wgpu::RenderPass<'e> {
    let color = color.create_view(&Default::default());
    let depth = depth.create_view(&Default::default());
    points_pass(encoder, &color, &depth, clear)
}

/// The raster target in `slot`, made on first use.
fn raster_target<'a>(
    slot: &'a mut Option<Result<RasterTarget, String>>,
    size: [u32; 2],
    device: &wgpu::Device,
    renderer: &PointRenderer,
) -> Result<&'a mut RasterTarget, String> {
    let made = slot.get_or_insert_with(|| {
        if let ComputeSupport::Unavailable(why) = renderer.compute_support() {
            return Err(why);
        }
        RasterTarget::new(device, renderer, size).map_err(|e| e.to_string())
    });
    made.as_mut().map_err(|why| why.clone())
}

/// `background` as the linear clear colour of a non-sRGB target.
pub(crate) fn background_color(background: [u8; 3]) -> wgpu::Color {
    let [r, g, b] = background.map(|c| f64::from(c) / 255.0);
    wgpu::Color { r, g, b, a: 1.0 }
}

/// Begins the pass points are drawn in, offscreen and in the window: `color` and `depth` kept as
/// they are (a piece drawn onto earlier ones), or cleared (colour to `clear`, in linear values as
/// wgpu takes them; depth to 1, the far plane); both stored for the next pass.
pub(crate) fn points_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    color: &wgpu::TextureView,
    depth: &wgpu::TextureView,
    clear: Option<wgpu::Color>,
) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some("vertexview points"),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: color,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: clear.map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
                store: wgpu::StoreOp::Store,
            },
        })],
        depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
            view: depth,
            depth_ops: Some(wgpu::Operations {
                load: clear.map_or(wgpu::LoadOp::Load, |_| wgpu::LoadOp::Clear(1.0)),
                store: wgpu::StoreOp::Store,
            }),
            stencil_ops: None,
        }),
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}

/// Copies a single-sampled `Rgba8Unorm` texture with `COPY_SRC` usage into an image. Blocks until
/// the GPU is done. For engines reading back their own targets in tests.
pub fn read_rgba8(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    texture: &wgpu::Texture,
) -> Result<RgbaImage, GpuError> {
    let (width, height) = (texture.width(), texture.height());
    let row = width as usize * 4;
    // Texture-to-buffer copies need rows padded to 256 bytes; the padding is dropped below.
    let padded_row = (width * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    let readback = catch_errors(device, || {
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vertexview readback"),
            size: u64::from(padded_row) * u64::from(height),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&Default::default());
        encoder.copy_texture_to_buffer(
            texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded_row),
                    rows_per_image: Some(height),
                },
            },
            texture.size(),
        );
        queue.submit([encoder.finish()]);
        readback
    })?;
    let failed = |e: &dyn std::fmt::Display| GpuError::Readback(e.to_string());
    map_blocking(device, &readback, wgpu::MapMode::Read).map_err(|e| failed(&e))?;
    let pixels = {
        let mapped = readback.get_mapped_range(..).map_err(|e| failed(&e))?;
        let mut pixels = Vec::with_capacity(row * height as usize);
        for line in mapped.chunks_exact(padded_row as usize) {
            pixels.extend_from_slice(&line[..row]);
        }
        pixels
    };
    readback.unmap();
    RgbaImage::new(width, height, pixels)
        .ok_or_else(|| GpuError::Readback("readback has the wrong size".into()))
}
