//! The window's surface: configuration, depth buffer, and drawing a frame.

use std::sync::Arc;

use winit::window::Window;

use super::panel::{Panel, PanelInfo};
use super::scene::Scene;
use crate::gpu::{
    catch_errors, points_pass, EyeDome, FrameParams, GpuContext, GpuError, PointFrame,
    PointRenderer, Raster, RasterTarget, TargetFormat, DEPTH_FORMAT,
};

/// A window with a configured surface and a renderer for it.
pub struct WindowSurface {
    pub window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    depth: Option<wgpu::TextureView>,
    pub renderer: PointRenderer,
    /// The compute path's buffers at the window's size; `None` where they cannot be made (then
    /// the pipeline draws).
    raster: Option<RasterTarget>,
    /// Eye-dome lighting for the pipeline path's frames, made when first needed.
    eye_dome: Option<EyeDome>,
    /// The on-screen panel; `None` where its renderer could not be made (said once).
    pub panel: Option<Panel>,
    /// Whether the panel asked to be drawn again at once (an animation under way).
    pub panel_animating: bool,
}

/// What became of a frame.
pub enum FrameOutcome {
    /// Drawn and presented.
    Presented,
    /// Nothing drawn because there is nothing to draw on (minimised, zero-sized, occluded): the
    /// `Resized` or `Occluded(false)` event that ends this asks for the next frame.
    Waiting,
    /// Nothing drawn, but the surface is usable again (it timed out, or was out of date and has
    /// been reconfigured): draw again now, or the window stays black until some input arrives.
    Retry,
}

impl WindowSurface {
    /// A surface for `window` on `gpu`'s adapter.
    pub fn new(
        gpu: &GpuContext,
        window: Arc<Window>,
        surface: wgpu::Surface<'static>,
    ) -> Result<WindowSurface, GpuError> {
        let caps = surface.get_capabilities(&gpu.adapter);
        // Prefer a format that does not re-encode to sRGB, so stored colours are shown as they are;
        // with only sRGB formats the shader undoes the encoding instead.
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| !f.is_srgb())
            .or_else(|| caps.formats.first().copied())
            .ok_or_else(|| {
                GpuError::Validation("the surface supports no formats on this adapter".into())
            })?;
        let size = window.inner_size();
        let config = wgpu::SurfaceConfiguration {
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            format,
            color_space: Default::default(),
            width: size.width,
            height: size.height,
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps
                .alpha_modes
                .first()
                .copied()
                .unwrap_or(wgpu::CompositeAlphaMode::Auto),
            view_formats: vec![],
        };
        let renderer = PointRenderer::new(
            &gpu.device,
            TargetFormat {
                color: format,
                depth: Some(DEPTH_FORMAT),
                sample_count: 1,
            },
        )?;
        let mut this = WindowSurface {
            window,
            surface,
            config,
            depth: None,
            renderer,
            raster: None,
            eye_dome: None,
            panel: None,
            panel_animating: false,
        };
        match catch_errors(&gpu.device, || {
            Panel::new(&this.window, &gpu.device, format)
        }) {
            Ok(panel) => this.panel = Some(panel),
            Err(e) => eprintln!("vertexview: no on-screen panel: {e}"),
        }
        this.resize(gpu, size.width, size.height);
        Ok(this)
    }

    /// Size of the drawable area in pixels.
    pub fn size(&self) -> [u32; 2] {
        [self.config.width, self.config.height]
    }

    /// Reconfigures for a new size; a zero size (minimised) is remembered but not configured,
    /// since wgpu refuses it.
    pub fn resize(&mut self, gpu: &GpuContext, width: u32, height: u32) {
        self.config.width = width;
        self.config.height = height;
        if width == 0 || height == 0 {
            self.depth = None;
            return;
        }
        self.surface.configure(&gpu.device, &self.config);
        let depth = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("vertexview window depth"),
            size: wgpu::Extent3d {
                width,
                height,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: DEPTH_FORMAT,
            // Read by eye-dome lighting after the pipeline path drew.
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        });
        self.depth = Some(depth.create_view(&Default::default()));
        self.raster = RasterTarget::new(&gpu.device, &self.renderer, [width, height]).ok();
    }

    /// Whether frames are drawn by the compute path, which keeps what earlier frames drew.
    pub fn accumulates(&self, raster: Raster) -> bool {
        self.raster.is_some() && raster != Raster::Pipeline
    }

    /// The compute path's buffers at the window's size, for picking.
    pub fn raster_target(&self) -> Option<&RasterTarget> {
        self.raster.as_ref()
    }

    /// Draws what `scenes` plan for this frame (or just the background), each with its own
    /// parameters, into one picture, with eye-dome lighting of `edl` (0: none) and the panel
    /// showing `info` over it (where the panel is shown), and presents it; waits for the GPU,
    /// so that the time the frame took is known. Returns what became of the frame and how many
    /// vertices it drew.
    pub fn draw(
        &mut self,
        gpu: &GpuContext,
        scenes: Vec<(&mut Scene, FrameParams)>,
        background: [u8; 3],
        edl: f32,
        info: &PanelInfo,
    ) -> (FrameOutcome, u64) {
        let Some(depth) = &self.depth else {
            return (FrameOutcome::Waiting, 0);
        };
        let (texture, suboptimal) = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(texture) => (texture, false),
            wgpu::CurrentSurfaceTexture::Suboptimal(texture) => (texture, true),
            wgpu::CurrentSurfaceTexture::Occluded => return (FrameOutcome::Waiting, 0),
            wgpu::CurrentSurfaceTexture::Timeout => return (FrameOutcome::Retry, 0),
            wgpu::CurrentSurfaceTexture::Lost => {
                if let Ok(surface) = gpu.instance.create_surface(self.window.clone()) {
                    self.surface = surface;
                }
                self.fit_window(gpu);
                return (FrameOutcome::Retry, 0);
            }
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Validation => {
                self.fit_window(gpu);
                return (FrameOutcome::Retry, 0);
            }
        };
        let view = texture.texture.create_view(&Default::default());
        let raster_mode = scenes.first().map_or(Raster::Auto, |(_, p)| p.raster);
        let accumulates = self.accumulates(raster_mode);
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        let mut drawn = 0;
        let mut frame = PointFrame::new(&self.renderer, self.size());
        // The scenes change view together, so they all clear in the same frame.
        let mut clear_raster = false;
        let raster = if accumulates {
            Raster::Compute
        } else {
            Raster::Pipeline
        };
        for (scene, params) in scenes {
            let Some(plan) = scene.plan(accumulates) else {
                continue;
            };
            clear_raster |= plan.clear;
            drawn += plan.vertices;
            for (cloud, subsample) in plan.draws {
                let p = FrameParams {
                    subsample,
                    raster,
                    ..params
                };
                frame.add(cloud, &p);
            }
        }
        if !clear_raster {
            frame = frame.keep_raster();
        }
        let raster = self.raster.as_mut().filter(|_| accumulates);
        if let Some(raster) = &raster {
            raster.set_edl(&gpu.queue, edl);
        }
        // The pipeline path's frames take eye-dome lighting as a pass over the depth buffer.
        let eye_dome = edl > 0.0 && !accumulates;
        if eye_dome && self.eye_dome.is_none() {
            match EyeDome::new(&gpu.device, self.config.format) {
                Ok(pass) => self.eye_dome = Some(pass),
                Err(e) => eprintln!("vertexview: eye-dome lighting: {e}"),
            }
        }
        let prepared = match frame.prepare(&gpu.device, &mut encoder, raster) {
            Ok(prepared) => Some(prepared),
            Err(e) => {
                eprintln!("vertexview: {e}");
                None
            }
        };
        {
            let clear = surface_clear(background, self.config.format.is_srgb());
            let mut pass = points_pass(&mut encoder, &view, depth, Some(clear));
            if let Some(prepared) = &prepared {
                prepared.paint(&mut pass);
            }
        }
        drop(prepared);
        if let (true, Some(pass)) = (eye_dome, &self.eye_dome) {
            let size = [self.config.width, self.config.height];
            pass.apply(&gpu.device, &mut encoder, &view, depth, size, edl);
        }
        if let Some(panel) = &mut self.panel {
            self.panel_animating = panel.paint(
                &gpu.device,
                &gpu.queue,
                &mut encoder,
                &view,
                &self.window,
                info,
            );
        }
        let submission = gpu.queue.submit([encoder.finish()]);
        self.window.pre_present_notify();
        gpu.queue.present(texture);
        // Wait for this frame's work: the next frame is planned from how long this one took,
        // and a viewer that queues frames faster than the GPU draws them only adds latency.
        let _ = gpu.device.poll(wgpu::PollType::Wait {
            submission_index: Some(submission),
            timeout: None,
        });
        if suboptimal {
            self.fit_window(gpu);
        }
        (FrameOutcome::Presented, drawn)
    }

    /// Reconfigures for the window's size now: the size of the last `Resized` event may already
    /// be stale when the surface says it is out of date.
    fn fit_window(&mut self, gpu: &GpuContext) {
        let size = self.window.inner_size();
        self.resize(gpu, size.width, size.height);
    }
}

/// The clear colour that shows `background` on a surface: wgpu's clear colour is linear, so on
/// an sRGB surface it is decoded first.
fn surface_clear(background: [u8; 3], srgb: bool) -> wgpu::Color {
    let [r, g, b] = background.map(|c| f64::from(c) / 255.0);
    if !srgb {
        return wgpu::Color { r, g, b, a: 1.0 };
    }
    let linear = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    wgpu::Color {
        r: linear(r),
        g: linear(g),
        b: linear(b),
        a: 1.0,
    }
}
