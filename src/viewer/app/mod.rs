//! The event loop: input, loading, reloads and redraws.

mod capture;
pub(super) mod files;
mod input;
mod loading;
mod panel;

pub(super) use files::Difference;
use files::FileView;

use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
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
use super::events::ViewerEvent;
use super::loader::{self, FillIn, LoadTarget};
use super::reload;
use super::scene::Scene;
use super::surface::{FrameOutcome, WindowSurface};
use super::{ColumnChoice, ViewerError, ViewerOptions};
use crate::camera::{CameraMode, OrbitCamera};
use crate::format::stats::{Bounds, VertexStats};
use crate::gpu::{
    ColorMode, ComputeSupport, FrameParams, GpuContext, GpuError, Ramp, Raster, RenderSettings,
};
use crate::load::source::VertexSource;
use crate::load::FileVersion;

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

/// How the camera came to be where it is: placed for the data (and so moved again when better
/// bounds arrive), or by the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placed {
    ForData,
    ByUser,
}

struct App {
    proxy: EventLoopProxy<ViewerEvent>,
    gpu: Option<GpuContext>,
    window: Option<WindowSurface>,
    /// What is on screen, and what is loading to replace it on a reload.
    scene: Option<Scene>,
    incoming: Option<Scene>,
    /// Source of a load not started yet (before the window exists).
    first_source: Option<Arc<VertexSource>>,
    /// The files shown with the first (`view A B …`), and their sources until the window exists.
    others: Vec<Scene>,
    first_others: Vec<Arc<VertexSource>>,
    /// Which of them are shown, and how.
    view: FileView,
    /// The second file coloured by its difference from the first (D), once computed.
    difference: Option<Scene>,
    difference_pending: bool,
    /// Fill-in threads of all the scenes: the loaders wait for them.
    fills: Arc<AtomicUsize>,
    /// The camera as last drawn, for loaders that choose what to load by it (COPC).
    load_view: super::priority::SharedView,
    generations: u64,
    budget: Option<u64>,
    piece_vertices: Option<u64>,
    settings: RenderSettings,
    start_camera: CameraMode,
    camera: OrbitCamera,
    placed: Placed,
    colors_chosen: bool,
    /// The ramp colourless files and C use, and whether its range was given.
    ramp: Ramp,
    ramp_range_chosen: bool,
    /// The column of `--color COLUMN` and its colours, if asked for.
    column: Option<ColumnChoice>,
    /// The vertex last picked (hovered or clicked): its index and its fields as stored, for
    /// the panel.
    picked: Option<(u64, crate::viewer::panel::Rows)>,
    /// Whether the panel starts shown.
    panel_shown: bool,
    frames_left: Option<u64>,
    watch: bool,
    watcher: Option<Debouncer<notify::RecommendedWatcher>>,
    pointer: Pointer,
    modifiers: ModifiersState,
    readout: Option<String>,
    status: Option<String>,
    frame_ms: f32,
    screenshots: u32,
    /// Frames in a row that could not be drawn and were tried again.
    retries: u32,
    /// The version of the file last loaded or tried: a change event for the same version (the
    /// loader's own reads, a touch that changes nothing) loads nothing.
    seen: Option<FileVersion>,
    error: Option<ViewerError>,
}

/// Frames in a row tried again after the surface said to; beyond, wait for the next event.
const MAX_RETRIES: u32 = 100;

impl App {
    fn new(options: ViewerOptions, proxy: EventLoopProxy<ViewerEvent>) -> App {
        App {
            proxy,
            gpu: None,
            window: None,
            scene: None,
            incoming: None,
            first_source: Some(Arc::new(options.source)),
            others: Vec::new(),
            first_others: options.others.into_iter().map(Arc::new).collect(),
            view: FileView::default(),
            difference: None,
            difference_pending: false,
            fills: Arc::new(AtomicUsize::new(0)),
            load_view: Default::default(),
            generations: 0,
            budget: options.gpu_memory,
            piece_vertices: options.piece_vertices,
            camera: OrbitCamera::fit(None, 0.0, 0.0, 1.0),
            start_camera: options.settings.camera,
            placed: Placed::ForData,
            settings: options.settings,
            colors_chosen: options.colors_chosen,
            ramp: options.ramp,
            ramp_range_chosen: options.ramp_range_chosen,
            column: options.column,
            picked: None,
            panel_shown: options.panel,
            frames_left: options.frames,
            watch: options.watch,
            watcher: None,
            pointer: Pointer::default(),
            modifiers: ModifiersState::default(),
            readout: None,
            status: None,
            frame_ms: 0.0,
            screenshots: 0,
            retries: 0,
            seen: None,
            error: None,
        }
    }

    fn source(&self) -> Option<&Arc<VertexSource>> {
        self.scene
            .as_ref()
            .map(|s| &s.source)
            .or(self.first_source.as_ref())
    }

    fn path(&self) -> PathBuf {
        self.source()
            .map(|s| s.path().to_owned())
            .unwrap_or_default()
    }

    /// The bounds the camera and the height ramp frame, in the files' coordinates: their
    /// samples' (exact for small files), as `render` frames them, over all the files shown.
    fn file_bounds(&self) -> Option<Bounds> {
        self.scene
            .iter()
            .chain(self.others.iter())
            .filter_map(|s| s.framing_stats().and_then(|s| s.bounds))
            .fold(None, |all, b| Bounds::union(all, Some(b)))
    }

    /// The data's bounds as the cameras see them: turned so the file's up axis is up.
    fn bounds(&self) -> Option<Bounds> {
        crate::camera::turned_bounds(self.file_bounds(), self.settings.up)
    }

    fn viewport(&self) -> [u32; 2] {
        self.window
            .as_ref()
            .map_or(self.settings.size, |w| w.size())
    }

    fn aspect(&self) -> f32 {
        let [w, h] = self.viewport();
        w.max(1) as f32 / h.max(1) as f32
    }

    fn view_proj(&self) -> Mat4 {
        match self.start_camera {
            CameraMode::Ndc => Mat4::IDENTITY,
            _ => self.camera.view_proj(self.aspect()) * crate::camera::up_matrix(self.settings.up),
        }
    }

    fn frame_params(&self) -> FrameParams {
        FrameParams {
            view_proj: self.view_proj(),
            viewport: self.viewport(),
            point_size: self.settings.point_size,
            shape: self.settings.shape,
            color_mode: self.settings.color_mode,
            raster: self.settings.raster,
            subsample: Default::default(),
            up: self.settings.up,
        }
    }

    /// Something that changes the picture happened: draw it anew.
    fn view_changed(&mut self) {
        for scene in self.all_scenes() {
            scene.invalidate();
        }
        self.redraw();
    }

    /// The camera the view started with (R).
    fn reset_view(&mut self) {
        let bounds = self.bounds();
        let aspect = self.aspect();
        // Clip-space data draws with the identity; the orbit camera is then simply not used.
        self.camera = self
            .start_camera
            .orbit_camera(bounds, aspect)
            .unwrap_or_else(|| OrbitCamera::fit(bounds, 0.0, 0.0, aspect));
        self.placed = Placed::ForData;
    }

    /// Fits the data again from the current direction (F, double click).
    fn fit_view(&mut self) {
        self.camera = OrbitCamera::fit(
            self.bounds(),
            self.camera.yaw,
            self.camera.pitch,
            self.aspect(),
        );
        self.placed = Placed::ForData;
    }

    /// Better bounds arrived: a camera placed for the data is placed again; one the user moved
    /// keeps its place, and only its near and far planes follow the data.
    fn bounds_improved(&mut self) {
        let (camera, colors) = (self.camera, self.settings.color_mode);
        match self.placed {
            Placed::ForData => self.reset_view(),
            Placed::ByUser => {
                let fit = OrbitCamera::fit(self.bounds(), 0.0, 0.0, self.aspect());
                self.camera.scene_center = fit.scene_center;
                self.camera.scene_radius = fit.scene_radius;
            }
        }
        self.pick_color_mode();
        // A sample that was the whole file gives the same bounds again: nothing to redraw.
        if self.camera != camera || self.settings.color_mode != colors {
            self.view_changed();
        }
    }

    /// Files whose colours are all zero would be black: start them on the height ramp.
    fn pick_color_mode(&mut self) {
        let stats = self.scene.as_ref().and_then(|s| s.framing_stats()).copied();
        let colorless = stats.is_some_and(|s| s.count > 0 && s.color_max == [0, 0, 0])
            || self.source().is_some_and(|s| !s.has_color());
        let ramp = matches!(self.settings.color_mode, ColorMode::Ramp(_));
        if !self.colors_chosen || ramp {
            self.settings.color_mode = if colorless || ramp {
                self.height_ramp()
            } else {
                ColorMode::File
            };
        }
    }

    /// Vertices in the files shown.
    fn vertex_total(&self) -> u64 {
        let scenes = self.scene.iter().chain(self.others.iter());
        scenes.map(|s| s.source.len()).sum()
    }

    /// The ramp over its range: the one given, or the 2nd to 98th percentile of its
    /// coordinate over the files' samples (the widest of them), as `render` takes it.
    fn height_ramp(&self) -> ColorMode {
        let mut ramp = self.ramp;
        if !self.ramp_range_chosen {
            let ranges = match ramp.axis.component(self.settings.up) {
                Some(axis) => self
                    .scene
                    .iter()
                    .chain(self.others.iter())
                    .filter_map(|s| s.ramp_ranges.map(|r| r[axis]))
                    .reduce(|a, b| [a[0].min(b[0]), a[1].max(b[1])]),
                None => Some([0.0, self.vertex_total().saturating_sub(1) as f32]),
            };
            if let Some([min, max]) = ranges {
                (ramp.min, ramp.max) = (min, max);
            }
        }
        ColorMode::Ramp(ramp)
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
        let mut surface = WindowSurface::new(&gpu, window, surface)?;
        if let Some(panel) = &mut surface.panel {
            panel.shown = self.panel_shown;
        }
        if let (Raster::Compute, ComputeSupport::Unavailable(why)) =
            (self.settings.raster, surface.renderer.compute_support())
        {
            return Err(GpuError::ComputeUnavailable(why).into());
        }
        self.budget = Some(
            self.budget
                .unwrap_or_else(|| loader::default_budget(&gpu.adapter.get_info())),
        );
        self.gpu = Some(gpu);
        self.window = Some(surface);
        if let Some(source) = self.first_source.take() {
            self.load(source);
        }
        for source in std::mem::take(&mut self.first_others) {
            if let Some(scene) = self.new_scene(source) {
                self.others.push(scene);
            }
        }
        self.place_orders();
        self.start_watching()?;
        self.redraw();
        Ok(())
    }

    fn start_watching(&mut self) -> Result<(), ViewerError> {
        self.watcher = None;
        let path = self.path();
        if !self.watch || !path.is_file() {
            return Ok(());
        }
        self.seen = FileVersion::of_path(&path);
        let watcher = reload::watch(self.proxy.clone(), &path).map_err(|e| ViewerError::Watch {
            path,
            message: e.to_string(),
        })?;
        self.watcher = Some(watcher);
        Ok(())
    }

    /// `source` set to carry the `--color` column as the first file did (its range kept); a
    /// file without it drops the column, and the points take the file's colours.
    fn carry_column(&mut self, mut source: VertexSource) -> VertexSource {
        let Some(ColumnChoice { name, colors, .. }) = &mut self.column else {
            return source;
        };
        let read = source.column(name).and_then(|column| {
            let sample = source.column_sample(&column)?;
            let range = [f64::from(colors.min), f64::from(colors.max)];
            Ok(source.column_read(&column, &sample, range))
        });
        match read {
            Ok(read) => {
                colors.read = read;
                if let ColorMode::Column(_) = self.settings.color_mode {
                    self.settings.color_mode = ColorMode::Column(*colors);
                }
            }
            Err(e) => {
                eprintln!("vertexview: {e}");
                self.column = None;
                if let ColorMode::Column(_) = self.settings.color_mode {
                    self.settings.color_mode = ColorMode::File;
                }
            }
        }
        source
    }

    /// Opens another file (O, drop), or the same one again (a reload).
    fn open(&mut self, path: PathBuf, reload: bool) {
        // A reload reads the file as it was read (its layout); another file by its kind.
        let layout = match (reload, self.source()) {
            (true, Some(s)) if crate::load::open::kind_of(&path) == "raw" => {
                Some(s.layout().clone())
            }
            _ => None,
        };
        match crate::load::open::open_or_fetch(&path, layout).map(|(source, _)| source) {
            Ok(source) => {
                // Said once at start; a reload to an empty file is no error, and the title
                // shows its 0 vertices (a file written in place is empty for a moment).
                if source.is_empty() && !reload {
                    eprintln!(
                        "vertexview: {} holds 0 vertices (empty file)",
                        path.display()
                    );
                }
                self.status = None;
                if reload {
                    // A new version of the same file is shown without moving the camera.
                    self.placed = Placed::ByUser;
                } else {
                    self.placed = Placed::ForData;
                    self.colors_chosen = false;
                    self.settings.up = source.up();
                }
                let new_path = path != self.path();
                let source = self.carry_column(source);
                self.load(Arc::new(source));
                if new_path {
                    if let Err(e) = self.start_watching() {
                        eprintln!("vertexview: {e}");
                    }
                }
            }
            Err(e) => self.failed(e.into()),
        }
    }

    fn redraw(&self) {
        if let Some(w) = &self.window {
            w.window.request_redraw();
        }
    }

    fn title(&self) -> String {
        let name = |path: &std::path::Path| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string())
        };
        let scenes: Vec<&Scene> = self.scene.iter().chain(self.others.iter()).collect();
        let mut title = if self.others.is_empty() {
            let count = self.source().map_or(0, |s| s.len());
            format!("{} — {count} vertices — ", name(&self.path()))
        } else {
            // Several files: each by its number key, hidden ones in brackets.
            let files: Vec<String> = scenes
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let label = format!("{} {}", i + 1, name(s.source.path()));
                    match self.view.hidden.get(i).copied().unwrap_or(false)
                        || self.view.showing_difference
                    {
                        true => format!("[{label}]"),
                        false => label,
                    }
                })
                .collect();
            let count: u64 = scenes.iter().map(|s| s.source.len()).sum();
            format!("{} — {count} vertices — ", files.join(", "))
        };
        if self.view.showing_difference {
            title = format!("difference of 2 from 1 — {title}");
        }
        let shown: Vec<&Scene> = match self.view.showing_difference {
            true => self.difference.iter().collect(),
            false => scenes
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.view.hidden.get(*i).copied().unwrap_or(false))
                .map(|(_, s)| *s)
                .collect(),
        };
        let total: f64 = shown.iter().map(|s| s.source.len() as f64).sum();
        let weighted = |f: &dyn Fn(&Scene) -> f64| {
            shown
                .iter()
                .map(|s| f(s) * s.source.len() as f64)
                .sum::<f64>()
                / total.max(1.0)
        };
        if !shown.is_empty() {
            let fraction = weighted(&|s| s.drawn_fraction(s.loading));
            if fraction < 1.0 {
                title += &format!("{:.0} % drawn — ", (fraction * 100.0).floor());
            }
            if shown.iter().any(|s| s.keeps_part()) {
                // Part of a large COPC file stays on the GPU: how much.
                let detail = weighted(&|s| s.resident_fraction()) * 100.0;
                let digits = usize::from(detail < 10.0);
                title += &format!("detail {detail:.digits$} % — ");
            }
            if shown.iter().any(|s| s.loading) {
                let loaded = weighted(&|s| s.loaded_fraction());
                title += &format!("loading {:.0} % — ", (loaded * 100.0).floor());
            }
            let left = shown.iter().filter_map(|s| s.time_left(s.loading)).max();
            if let Some(left) = left {
                title += &format!("{:.0} s left — ", left.as_secs_f64().ceil());
            }
        }
        title += &format!("{:.1} ms — vertexview", self.frame_ms);
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
        *self.load_view.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(super::priority::LoadView {
                view_proj: params.view_proj,
                height: params.viewport[1] as f32,
            });
        let background = self.settings.background;
        let info = self.panel_info();
        let (Some(gpu), Some(window)) = (&self.gpu, &mut self.window) else {
            return;
        };
        let started = Instant::now();
        let scenes = files::visible(
            &mut self.scene,
            &mut self.others,
            &mut self.difference,
            &self.view,
            &params,
        );
        let (outcome, vertices) = window.draw(gpu, scenes, background, self.settings.edl, &info);
        let animating = window.panel_animating;
        if let Some(error) = gpu.take_error() {
            self.error = Some(error.into());
            event_loop.exit();
            return;
        }
        let took = started.elapsed();
        match outcome {
            FrameOutcome::Presented => {
                self.retries = 0;
                self.frame_ms = took.as_secs_f32() * 1000.0;
                for scene in self.all_scenes() {
                    scene.measured(vertices, took);
                    scene.drop_drawn();
                }
                self.continue_filling();
                self.update_title();
                if animating {
                    self.redraw();
                }
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

    /// After a frame: more to draw (phases left, the rest of a file too big for the GPU) means
    /// another frame; a finished picture means none until something changes.
    fn continue_filling(&mut self) {
        let Some(gpu) = self.gpu.as_ref() else {
            return;
        };
        let (device, queue, proxy) = (gpu.device.clone(), gpu.queue.clone(), self.proxy.clone());
        let params = self.frame_params();
        let mut more = false;
        let scenes = files::visible(
            &mut self.scene,
            &mut self.others,
            &mut self.difference,
            &self.view,
            &params,
        );
        for (scene, _) in scenes {
            if scene.wants_fill() {
                let pieces = scene.fill_pieces();
                let fill = FillIn::spawn(
                    proxy.clone(),
                    LoadTarget {
                        device: device.clone(),
                        queue: queue.clone(),
                        per_piece: scene.per_piece,
                        view: self.load_view.clone(),
                        capacity: scene.capacity,
                    },
                    scene.source.clone(),
                    scene.generation,
                    pieces.clone(),
                    scene.fill_running.clone(),
                );
                scene.start_fill(fill, &pieces);
            }
            more |= !scene.complete(scene.loading) && scene.has_work();
        }
        if more {
            self.redraw();
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
                // The file's colours and the colouring chosen: the column, else the ramp.
                let column = self.column.as_ref().map(|c| c.colors);
                self.settings.color_mode = match (self.settings.color_mode, column) {
                    (ColorMode::File, Some(column)) => ColorMode::Column(column),
                    (ColorMode::File, None) => self.height_ramp(),
                    _ => ColorMode::File,
                };
            }
            Action::TogglePanel => {
                if let Some(panel) = self.window.as_mut().and_then(|w| w.panel.as_mut()) {
                    panel.shown = !panel.shown;
                }
            }
            Action::ToggleEdl => {
                self.settings.edl = if self.settings.edl > 0.0 { 0.0 } else { 1.0 };
            }
            Action::NextColormap => {
                // The ramp's next map, or the ramp itself if the file's colours were shown.
                self.colors_chosen = true;
                match (
                    self.settings.color_mode,
                    self.column.as_mut().map(|c| &mut c.colors),
                ) {
                    (ColorMode::Column(_), Some(column)) => {
                        column.map = column.map.next();
                        self.settings.color_mode = ColorMode::Column(*column);
                    }
                    (mode, _) => {
                        if matches!(mode, ColorMode::Ramp(_)) {
                            self.ramp.map = self.ramp.map.next();
                        }
                        self.settings.color_mode = self.height_ramp();
                    }
                }
            }
            Action::Screenshot => match self.screenshot() {
                Ok(path) => eprintln!("saving {}", path.display()),
                Err(e) => eprintln!("vertexview: screenshot failed: {e}"),
            },
            Action::PrintCamera => println!("{}", self.render_command()),
            Action::ToggleFile(file) => self.toggle_file(file),
            Action::Flip => self.flip(),
            Action::ToggleTint => self.view.tinted = !self.view.tinted,
            Action::ToggleDifference => self.toggle_difference(),
            Action::OpenSibling(step) => match reload::sibling(&self.path(), step) {
                Some(path) => self.open(path, false),
                None => eprintln!(
                    "vertexview: no other .bin files beside {}",
                    self.path().display()
                ),
            },
        }
        if !matches!(
            action,
            Action::Screenshot | Action::PrintCamera | Action::Quit | Action::OpenSibling(_)
        ) {
            self.view_changed();
        }
    }

    /// The statistics a screenshot frames: the ones the window frames.
    fn framing_stats(&self) -> Option<VertexStats> {
        self.scene.as_ref().and_then(|s| s.framing_stats()).copied()
    }
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
                let path = self.path();
                let now = FileVersion::of_path(&path);
                if now.is_some() && now == self.seen {
                    return;
                }
                self.seen = now;
                self.open(path, true);
            }
            ViewerEvent::Load { generation, event } => self.loaded(generation, event),
            ViewerEvent::Fill { generation, event } => self.filled(generation, event),
            ViewerEvent::Difference(difference) => self.difference_ready(difference),
            ViewerEvent::Saved(Ok(path)) => eprintln!("saved {}", path.display()),
            ViewerEvent::Saved(Err(e)) => eprintln!("vertexview: screenshot failed: {e}"),
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        // The panel sees every event first; the pointer over it is its own (but a button's
        // release always reaches the view, so that a drag begun there ends).
        if let Some(window) = &mut self.window {
            let surface_window = window.window.clone();
            if let Some(panel) = &mut window.panel {
                let over_panel = panel.on_event(&surface_window, &event);
                let release = matches!(
                    event,
                    WindowEvent::MouseInput {
                        state: ElementState::Released,
                        ..
                    }
                );
                if over_panel && !release && !self.pointer.dragging() {
                    self.redraw();
                    return;
                }
            }
        }
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if let (Some(gpu), Some(window)) = (&self.gpu, &mut self.window) {
                    window.resize(gpu, size.width, size.height);
                }
                self.view_changed();
            }
            WindowEvent::RedrawRequested => self.draw(event_loop),
            WindowEvent::Occluded(false) => self.view_changed(),
            WindowEvent::ModifiersChanged(m) => self.modifiers = m.state(),
            // Synthetic presses are winit's account of keys already down when the window gains
            // focus: not something the user pressed here (each M would change the map twice).
            WindowEvent::KeyboardInput {
                event,
                is_synthetic: false,
                ..
            } if event.state == ElementState::Pressed => {
                let action = controls::key_action(&event.logical_key, self.modifiers.shift_key());
                // Holding + or - keeps resizing; holding S must not save a screenshot per repeat.
                if let Some(action) = action.filter(|a| !event.repeat || a.repeats()) {
                    self.act(action, event_loop);
                }
            }
            WindowEvent::DroppedFile(path) => self.open(path, false),
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
