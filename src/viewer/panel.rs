//! The viewer's on-screen panel (egui): what the title bar cannot hold. The file (kind, layout,
//! counts, bounds, what is resident), the vertex under the cursor field by field, the colouring
//! with its legend, the drawing settings and the frame time. Drawn over the points in the
//! window's own pass; H hides it, and screenshots and `render` never include it.

use egui_wgpu::ScreenDescriptor;
use winit::event::WindowEvent;
use winit::window::Window;

use crate::gpu::ColorMap;

/// Rows of label and value.
pub type Rows = Vec<(String, String)>;

/// What the colours mean, drawn under the colouring's name.
#[derive(Clone, Debug, PartialEq)]
pub enum Legend {
    /// A colormap from `min` to `max`.
    Ramp {
        /// The map.
        map: ColorMap,
        /// The value at its start.
        min: f32,
        /// The value at its end.
        max: f32,
    },
    /// Classes and their colours (8-bit).
    Classes(Vec<(i64, [u8; 3])>),
}

/// What the panel shows this frame, gathered by the app.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelInfo {
    /// The file: name, kind, layout, counts, bounds, residency.
    pub file: Rows,
    /// The vertex under the cursor (or clicked), every field as stored.
    pub vertex: Option<Rows>,
    /// What colours the points, in words.
    pub coloring: String,
    /// Its legend, if it has one.
    pub legend: Option<Legend>,
    /// Point size, eye-dome lighting, background, raster path, frame time, fill-in.
    pub drawing: Rows,
}

/// The panel: egui's context, its window input and its wgpu renderer for the surface's format.
pub struct Panel {
    context: egui::Context,
    input: egui_winit::State,
    renderer: egui_wgpu::Renderer,
    /// Whether it is drawn (H flips it).
    pub shown: bool,
}

impl Panel {
    /// A panel for `window`, drawn into targets of `format` by `device`.
    pub fn new(window: &Window, device: &wgpu::Device, format: wgpu::TextureFormat) -> Panel {
        let context = egui::Context::default();
        let input = egui_winit::State::new(
            context.clone(),
            egui::ViewportId::ROOT,
            window,
            Some(window.scale_factor() as f32),
            None,
            Some(device.limits().max_texture_dimension_2d as usize),
        );
        let renderer = egui_wgpu::Renderer::new(device, format, Default::default());
        Panel {
            context,
            input,
            renderer,
            shown: true,
        }
    }

    /// Passes a window event to the panel; `true` when the pointer is the panel's (over it, or
    /// dragging in it), so that the view must not also take it. Keys stay the viewer's: the
    /// panel has no text to type into.
    pub fn on_event(&mut self, window: &Window, event: &WindowEvent) -> bool {
        if !self.shown {
            return false;
        }
        let response = self.input.on_window_event(window, event);
        let pointer = matches!(
            event,
            WindowEvent::MouseInput { .. }
                | WindowEvent::MouseWheel { .. }
                | WindowEvent::CursorMoved { .. }
        );
        pointer && response.consumed
    }

    /// Records the panel, drawn over what `view` holds, into `encoder`. Returns whether it asks
    /// to be drawn again at once (an animation under way).
    pub fn paint(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        encoder: &mut wgpu::CommandEncoder,
        view: &wgpu::TextureView,
        window: &Window,
        info: &PanelInfo,
    ) -> bool {
        if !self.shown {
            return false;
        }
        let raw = self.input.take_egui_input(window);
        let mut output = self.context.run_pass(raw, |ctx| contents(ctx, info));
        self.input
            .handle_platform_output(window, output.platform_output);
        let size = window.inner_size();
        let screen = ScreenDescriptor {
            size_in_pixels: [size.width, size.height],
            pixels_per_point: output.pixels_per_point,
        };
        let jobs = self
            .context
            .tessellate(output.shapes, output.pixels_per_point);
        // Drained: epaint checks on drop that every delta was applied.
        for (id, deltas) in output.textures_delta.set.drain() {
            for delta in &deltas {
                self.renderer.update_texture(device, queue, id, delta);
            }
        }
        let extra = self
            .renderer
            .update_buffers(device, queue, encoder, &jobs, &screen);
        {
            let pass = crate::gpu::overlay_pass(encoder, view, "vertexview panel");
            self.renderer
                .render(&mut pass.forget_lifetime(), &jobs, &screen);
        }
        // Buffers egui's callbacks made (none here) go with the frame's own work.
        drop(extra);
        for id in output.textures_delta.free.drain() {
            self.renderer.free_texture(&id);
        }
        output
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .is_some_and(|v| v.repaint_delay.is_zero())
    }
}

/// The panel's window: sections of rows, the legend drawn as a bar or swatches.
fn contents(ctx: &egui::Context, info: &PanelInfo) {
    // As tall as its contents (a window too short for them cuts them off: H hides the panel).
    egui::Window::new("vertexview")
        .default_pos([8.0, 8.0])
        .default_width(280.0)
        .max_width(320.0)
        .resizable(false)
        .show(ctx, |ui| sections(ui, info));
}

/// The panel's sections, top to bottom.
fn sections(ui: &mut egui::Ui, info: &PanelInfo) {
    rows(ui, "file", &info.file);
    ui.separator();
    ui.strong("vertex");
    match &info.vertex {
        Some(vertex) => rows(ui, "vertex", vertex),
        None => {
            ui.weak("hover or click a point");
        }
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong("colour");
        ui.label(&info.coloring);
    });
    match &info.legend {
        Some(Legend::Ramp { map, min, max }) => ramp(ui, *map, *min, *max),
        Some(Legend::Classes(classes)) => swatches(ui, classes),
        None => {}
    }
    ui.separator();
    rows(ui, "drawing", &info.drawing);
    ui.weak("H hides this panel");
}

fn rows(ui: &mut egui::Ui, id: &str, rows: &Rows) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        for (label, value) in rows {
            ui.weak(label);
            // Long values (a LAS layout, a record's fields) wrap within the panel.
            ui.add(egui::Label::new(value).wrap());
            ui.end_row();
        }
    });
}

/// The colormap as a bar of its stops, with its two ends' values beneath.
fn ramp(ui: &mut egui::Ui, map: ColorMap, min: f32, max: f32) {
    let width = ui.available_width().clamp(120.0, 240.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 14.0), egui::Sense::hover());
    let stops = map.stops();
    let mut mesh = egui::Mesh::default();
    for (k, stop) in stops.iter().enumerate() {
        let x = rect.left() + rect.width() * k as f32 / (stops.len() - 1) as f32;
        let [r, g, b] = [stop[0], stop[1], stop[2]].map(|c| (c * 255.0).round() as u8);
        let color = egui::Color32::from_rgb(r, g, b);
        mesh.colored_vertex(egui::pos2(x, rect.top()), color);
        mesh.colored_vertex(egui::pos2(x, rect.bottom()), color);
        if k > 0 {
            let i = 2 * k as u32;
            mesh.add_triangle(i - 2, i - 1, i);
            mesh.add_triangle(i - 1, i + 1, i);
        }
    }
    ui.painter().add(egui::Shape::mesh(mesh));
    ui.horizontal(|ui| {
        ui.label(format!("{min}"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(format!("{max}"));
        });
    });
}

/// Each class's colour and value.
fn swatches(ui: &mut egui::Ui, classes: &[(i64, [u8; 3])]) {
    ui.horizontal_wrapped(|ui| {
        for &(class, [r, g, b]) in classes {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, egui::Color32::from_rgb(r, g, b));
            ui.label(class.to_string());
        }
    });
}
