//! The event loop: input, reloads and redraws.

mod capture;
mod input;

use std::sync::Arc;
use std::time::Instant;

use glam::{Mat4, Vec2};
use notify_debouncer_mini::Debouncer;
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop, EventLoopProxy};
use winit::keyboard::ModifiersState;
use winit::window::{Window, WindowId};

use self::input::Pointer;
use super::controls::{self, Action};
use super::reload::{self, ViewerEvent};
use super::surface::{FrameOutcome, WindowSurface};
use super::{ViewerError, ViewerOptions};
use crate::camera::{CameraMode, OrbitCamera};
use crate::gpu::{
    ColorMode, ComputeSupport, FrameParams, GpuContext, GpuError, OffscreenTarget, PointDraw,
    PointRenderer, Raster, RenderSettings, VertexBuffers,
};
use crate::VertexFile;

pub fn run(options: ViewerOptions) -> Result<(), ViewerError> {
    let event_loop = EventLoop::<ViewerEvent>::with_user_event()
        .build()
        .map_err(|e| ViewerError::NoDisplay(e.to_string()))?;
    let mut app = App::new(options, event_loop.create_proxy());
    event_loop
        .run_app(&mut app)
        .map_err(|e| ViewerError::NoDisplay(e.to_string()))?;
    app.error.map_or(Ok(()), Err)
}

struct App {
    proxy: EventLoopProxy<ViewerEvent>,
    gpu: Option<GpuContext>,
    window: Option<WindowSurface>,
    file: VertexFile,
    vertices: Option<VertexBuffers>,
    /// The vertices as the window's renderer draws them.
    cloud: Option<PointDraw>,
    settings: RenderSettings,
    start_camera: CameraMode,
    camera: OrbitCamera,
    colors_chosen: bool,
    frames_left: Option<u64>,
    watch: bool,
    watcher: Option<Debouncer<notify::RecommendedWatcher>>,
    pointer: Pointer,
    modifiers: ModifiersState,
    readout: Option<String>,
    status: Option<String>,
    frame_ms: f32,
    screenshot: Option<(OffscreenTarget, PointRenderer)>,
    screenshots: u32,
    /// Frames in a row that could not be drawn and were tried again.
    retries: u32,
    /// The version of the file last loaded or tried: a change event for the same version (the
    /// loader's own reads, a touch that changes nothing) loads nothing.
    seen: Option<reload::FileSignature>,
    error: Option<ViewerError>,
}

/// Frames in a row tried again after the surface said to; beyond, wait for the next event.
const MAX_RETRIES: u32 = 100;

impl App {
    fn new(options: ViewerOptions, proxy: EventLoopProxy<ViewerEvent>) -> App {
        let mut app = App {
            proxy,
            gpu: None,
            window: None,
            camera: OrbitCamera::fit(None, 0.0, 0.0, 1.0),
            start_camera: options.settings.camera,
            settings: options.settings,
            file: options.file,
            vertices: None,
            cloud: None,
            colors_chosen: options.colors_chosen,
            frames_left: options.frames,
            watch: options.watch,
            watcher: None,
            pointer: Pointer::default(),
            modifiers: ModifiersState::default(),
            readout: None,
            status: None,
            frame_ms: 0.0,
            screenshot: None,
            screenshots: 0,
            retries: 0,
            seen: None,
            error: None,
        };
        app.reset_view();
        app.pick_color_mode();
        app
    }

    fn aspect(&self) -> f32 {
        let [w, h] = self
            .window
            .as_ref()
            .map_or(self.settings.size, |w| w.size());
        w.max(1) as f32 / h.max(1) as f32
    }

    fn view_proj(&self) -> Mat4 {
        match self.start_camera {
            CameraMode::Ndc => Mat4::IDENTITY,
            _ => self.camera.view_proj(self.aspect()),
        }
    }

    fn frame_params(&self) -> FrameParams {
        FrameParams {
            view_proj: self.view_proj(),
            viewport: self
                .window
                .as_ref()
                .map_or(self.settings.size, |w| w.size()),
            point_size: self.settings.point_size,
            shape: self.settings.shape,
            color_mode: self.settings.color_mode,
            raster: self.settings.raster,
            subsample: Default::default(),
        }
    }

    /// The camera the view started with (R).
    fn reset_view(&mut self) {
        let bounds = self.file.stats().bounds;
        let aspect = self.aspect();
        // Clip-space data draws with the identity; the orbit camera is then simply not used.
        self.camera = self
            .start_camera
            .orbit_camera(bounds, aspect)
            .unwrap_or_else(|| OrbitCamera::fit(bounds, 0.0, 0.0, aspect));
    }

    /// Fits the data again from the current direction (F, double click).
    fn fit_view(&mut self) {
        self.camera = OrbitCamera::fit(
            self.file.stats().bounds,
            self.camera.yaw,
            self.camera.pitch,
            self.aspect(),
        );
    }

    /// Files whose colours are all zero would be black: start them on the height ramp.
    fn pick_color_mode(&mut self) {
        let stats = self.file.stats();
        let colorless = stats.count > 0 && stats.color_max == [0, 0, 0];
        if !self.colors_chosen || matches!(self.settings.color_mode, ColorMode::Height { .. }) {
            self.settings.color_mode =
                if colorless || matches!(self.settings.color_mode, ColorMode::Height { .. }) {
                    self.height_ramp()
                } else {
                    ColorMode::File
                };
        }
    }

    fn height_ramp(&self) -> ColorMode {
        match self.file.stats().bounds {
            Some(b) => ColorMode::Height {
                min: b.min.y,
                max: b.max.y,
            },
            None => ColorMode::Height { min: 0.0, max: 1.0 },
        }
    }

    fn start(&mut self, event_loop: &ActiveEventLoop) -> Result<(), ViewerError> {
        let [w, h] = self.settings.size;
        let attributes = Window::default_attributes()
            .with_title(self.title())
            .with_inner_size(PhysicalSize::new(w, h));
        let window = Arc::new(
            event_loop
                .create_window(attributes)
                .map_err(|e| ViewerError::NoDisplay(e.to_string()))?,
        );
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_with_display_handle_from_env(
                Box::new(event_loop.owned_display_handle()),
            ));
        let surface = instance
            .create_surface(window.clone())
            .map_err(|e| ViewerError::NoDisplay(format!("cannot create a surface: {e}")))?;
        let gpu = GpuContext::with_instance(instance, Some(&surface))?;
        let surface = WindowSurface::new(&gpu, window, surface)?;
        if let (Raster::Compute, ComputeSupport::Unavailable(why)) =
            (self.settings.raster, surface.renderer.compute_support())
        {
            return Err(GpuError::ComputeUnavailable(why).into());
        }
        let vertices = reload::upload_with_progress(&gpu.device, self.file.vertices())?;
        self.cloud = Some(PointDraw::new(&gpu.device, &surface.renderer, &vertices));
        self.vertices = Some(vertices);
        self.gpu = Some(gpu);
        self.window = Some(surface);
        self.reset_view();
        self.start_watching()?;
        self.redraw();
        Ok(())
    }

    fn start_watching(&mut self) -> Result<(), ViewerError> {
        self.watcher = None;
        let path = self.file.path().to_owned();
        if !self.watch || !path.is_file() {
            return Ok(());
        }
        self.seen = reload::FileSignature::of(&path);
        let watcher = reload::watch(self.proxy.clone(), &path).map_err(|e| ViewerError::Watch {
            path,
            message: e.to_string(),
        })?;
        self.watcher = Some(watcher);
        Ok(())
    }

    fn redraw(&self) {
        if let Some(w) = &self.window {
            w.window.request_redraw();
        }
    }

    fn title(&self) -> String {
        let name = self
            .file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.file.path().display().to_string());
        let mut title = format!(
            "{name} — {} vertices — {:.1} ms — vertexview",
            self.file.len(),
            self.frame_ms
        );
        if let Some(readout) = &self.readout {
            title = format!("{readout} — {title}");
        }
        if let Some(status) = &self.status {
            title = format!("{status} — {title}");
        }
        title
    }

    fn update_title(&self) {
        if let Some(w) = &self.window {
            w.window.set_title(&self.title());
        }
    }

    fn draw(&mut self, event_loop: &ActiveEventLoop) {
        let params = self.frame_params();
        let (Some(gpu), Some(window)) = (&self.gpu, &mut self.window) else {
            return;
        };
        let started = Instant::now();
        let outcome = window.draw(gpu, self.cloud.as_mut(), &params, self.settings.background);
        if let Some(error) = gpu.take_error() {
            self.error = Some(error.into());
            event_loop.exit();
            return;
        }
        match outcome {
            FrameOutcome::Presented => {
                self.retries = 0;
                self.frame_ms = started.elapsed().as_secs_f32() * 1000.0;
                self.update_title();
            }
            // Bounded, so that a surface that never recovers cannot spin a core; the next
            // event starts again.
            FrameOutcome::Retry if self.retries < MAX_RETRIES => {
                self.retries += 1;
                self.redraw();
            }
            FrameOutcome::Retry | FrameOutcome::Waiting => {}
        }
        if let Some(left) = &mut self.frames_left {
            if matches!(outcome, FrameOutcome::Presented) {
                *left = left.saturating_sub(1);
            }
            if *left == 0 {
                event_loop.exit();
            } else {
                self.redraw();
            }
        }
    }

    fn act(&mut self, action: Action, event_loop: &ActiveEventLoop) {
        match action {
            Action::Quit => event_loop.exit(),
            Action::Fit => self.fit_view(),
            Action::Reset => self.reset_view(),
            Action::ScalePoints(factor) => {
                let old = self.settings.point_size;
                let mut new = (old * factor).round().clamp(1.0, 64.0);
                if new == old && factor > 1.0 {
                    new = (old + 1.0).min(64.0);
                }
                self.settings.point_size = new;
            }
            Action::CycleBackground => {
                self.settings.background = controls::next_background(self.settings.background)
            }
            Action::ToggleColors => {
                self.colors_chosen = true;
                self.settings.color_mode = match self.settings.color_mode {
                    ColorMode::File => self.height_ramp(),
                    ColorMode::Height { .. } => ColorMode::File,
                };
            }
            Action::Screenshot => match self.screenshot() {
                Ok(path) => eprintln!("saved {}", path.display()),
                Err(e) => eprintln!("vertexview: screenshot failed: {e}"),
            },
            Action::PrintCamera => println!("{}", self.render_command()),
            Action::OpenSibling(step) => match reload::sibling(self.file.path(), step) {
                Some(path) => reload::load_in_background(self.proxy.clone(), path, false),
                None => eprintln!(
                    "vertexview: no other .bin files beside {}",
                    self.file.path().display()
                ),
            },
        }
        self.redraw();
    }

    fn loaded(&mut self, result: Result<VertexFile, crate::LoadError>, reload: bool) {
        let file = match result {
            Ok(file) => file,
            Err(e) => {
                // Keep the last good data on screen, and keep watching.
                eprintln!("vertexview: {e}");
                self.status = Some(format!("error: {e}"));
                self.update_title();
                return;
            }
        };
        let Some(gpu) = &self.gpu else { return };
        // A rewrite with as many vertices (the usual engine dump) reuses the buffers in place.
        let updated = match &self.vertices {
            Some(existing) => existing.update(&gpu.device, &gpu.queue, file.vertices()),
            None => Ok(false),
        };
        let uploaded = match updated {
            Ok(true) => Ok(()),
            Ok(false) => {
                reload::upload_with_progress(&gpu.device, file.vertices()).map(|vertices| {
                    if let Some(window) = &self.window {
                        self.cloud = Some(PointDraw::new(&gpu.device, &window.renderer, &vertices));
                    }
                    self.vertices = Some(vertices);
                })
            }
            Err(e) => Err(e),
        };
        match uploaded {
            Ok(()) => {}
            Err(e) => {
                eprintln!("vertexview: {e}");
                self.status = Some(format!("error: {e}"));
                self.update_title();
                return;
            }
        }
        let new_path = file.path() != self.file.path();
        self.file = file;
        self.status = None;
        self.readout = None;
        if file_is_empty_notice(&self.file) {
            self.status = Some("empty file".into());
        }
        if !reload {
            self.pick_color_mode();
            self.reset_view();
        }
        if new_path {
            if let Err(e) = self.start_watching() {
                eprintln!("vertexview: {e}");
            }
        }
        self.update_title();
        self.redraw();
    }
}

fn file_is_empty_notice(file: &VertexFile) -> bool {
    if file.is_empty() {
        eprintln!(
            "vertexview: {} holds 0 vertices (empty file)",
            file.path().display()
        );
    }
    file.is_empty()
}

impl ApplicationHandler<ViewerEvent> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_some() {
            return;
        }
        if let Err(e) = self.start(event_loop) {
            self.error = Some(e);
            event_loop.exit();
        }
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, event: ViewerEvent) {
        match event {
            ViewerEvent::Changed => {
                let path = self.file.path().to_owned();
                let now = reload::FileSignature::of(&path);
                if now.is_some() && now == self.seen {
                    return;
                }
                self.seen = now;
                reload::load_in_background(self.proxy.clone(), path, true);
            }
            ViewerEvent::Loaded { result, reload } => self.loaded(*result, reload),
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if let (Some(gpu), Some(window)) = (&self.gpu, &mut self.window) {
                    window.resize(gpu, size.width, size.height);
                }
                self.redraw();
            }
            WindowEvent::RedrawRequested => self.draw(event_loop),
            WindowEvent::Occluded(false) => self.redraw(),
            WindowEvent::ModifiersChanged(m) => self.modifiers = m.state(),
            WindowEvent::KeyboardInput { event, .. } if event.state == ElementState::Pressed => {
                let action = controls::key_action(&event.logical_key, self.modifiers.shift_key());
                // Holding + or - keeps resizing; holding S must not save a screenshot per repeat.
                if let Some(action) = action.filter(|a| !event.repeat || a.repeats()) {
                    self.act(action, event_loop);
                }
            }
            WindowEvent::DroppedFile(path) => {
                reload::load_in_background(self.proxy.clone(), path, false)
            }
            WindowEvent::MouseInput { state, button, .. } => self.mouse_button(state, button),
            WindowEvent::CursorMoved { position, .. } => {
                let position = Vec2::new(position.x as f32, position.y as f32);
                self.cursor_moved(position);
            }
            WindowEvent::MouseWheel { delta, .. } => self.wheel(delta),
            _ => {}
        }
    }
}
