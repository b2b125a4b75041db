//! The mouse: orbit, pan, zoom, double click, and the readout of the vertex under the cursor.

use std::time::{Duration, Instant};

use glam::Vec2;
use winit::event::{ElementState, MouseButton, MouseScrollDelta};

use super::{App, Placed};
use crate::camera::CameraMode;
use crate::format::vertex::Vertex;
use crate::load::source::VertexSource;
use crate::viewer::{controls, pick};

/// Without the compute path, the readout scans the file: on hover up to this many vertices.
const HOVER_PICK_LIMIT: u64 = 2_000_000;
const PICK_RADIUS: f32 = 5.0;
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

#[derive(Default)]
pub(super) struct Pointer {
    position: Vec2,
    orbiting: bool,
    panning: bool,
    pressed_at: Option<Vec2>,
    last_click: Option<Instant>,
}

impl Pointer {
    /// Whether a drag (orbit or pan) is under way.
    pub(super) fn dragging(&self) -> bool {
        self.orbiting || self.panning
    }
}

/// A file's name as the readout names it.
fn file_name(source: &VertexSource) -> String {
    let path = source.path();
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl App {
    /// The readout of the vertex under `cursor`: with the compute path, the one shown at the
    /// lit pixel nearest the cursor, read back from the GPU and then from the file (any size);
    /// without it, a scan of the file for the front-most vertex near the cursor.
    pub(super) fn pick_at(&mut self, cursor: Vec2, clicked: bool) {
        let Some(first) = self.source().cloned() else {
            return;
        };
        let found = match self.picked_on_gpu(cursor) {
            Some(picked) => picked.and_then(|(order, wraps)| {
                if !wraps {
                    let (source, index) = self.file_at_order(order)?;
                    return source.vertex(index).ok().map(|v| (source, index, v));
                }
                // The order is known modulo 2³² (one file of more vertices than that): of the
                // vertices it may be, the one that lands under the cursor.
                let vertex = |index: u64| first.vertex(index).ok().map(|v| (index, v));
                let candidates: Vec<(u64, Vertex)> = (order % (1 << 32)..first.len())
                    .step_by(1 << 32)
                    .filter_map(vertex)
                    .collect();
                let [w, h] = self.frame_params().viewport;
                let points: Vec<Vertex> = candidates.iter().map(|&(_, v)| v).collect();
                let hit = pick::pick(
                    &points,
                    self.view_proj(),
                    cursor,
                    Vec2::new(w as f32, h as f32),
                    PICK_RADIUS,
                );
                hit.map(|i| (first.clone(), candidates[i].0, candidates[i].1))
            }),
            // Without the compute path, a scan of the first file.
            None if clicked || first.len() <= HOVER_PICK_LIMIT => {
                self.scan_pick(cursor).map(|(i, v)| (first.clone(), i, v))
            }
            None => return,
        };
        let several = self.file_count() > 1;
        let picked = found
            .as_ref()
            .map(|(source, i, v)| (*i, pick::fields_of(source, *i, v)));
        if picked != self.picked {
            self.picked = picked;
            // The panel shows it.
            self.redraw();
        }
        self.readout = found.map(|(source, i, v)| {
            let described = pick::describe_in(&source, i, &v);
            match several {
                true => format!("{}: {described}", file_name(&source)),
                false => described,
            }
        });
        self.update_title();
    }

    /// The draw order (file index) shown nearest `cursor`, from the compute path's buffers, and
    /// whether it is known only modulo 2³² (a picture of more vertices than that); `None` when
    /// the window is not drawn by it.
    fn picked_on_gpu(&self, cursor: Vec2) -> Option<Option<(u64, bool)>> {
        let (Some(gpu), Some(window)) = (&self.gpu, &self.window) else {
            return None;
        };
        if !window.accumulates(self.settings.raster) {
            return None;
        }
        let raster = window.raster_target()?;
        let r = PICK_RADIUS.ceil() as i64;
        let corner = [
            (cursor.x as i64 - r).max(0) as u32,
            (cursor.y as i64 - r).max(0) as u32,
        ];
        let side = (2 * r + 1) as u32;
        let orders = raster
            .read_orders(&gpu.device, &gpu.queue, corner, [side, side])
            .ok()?;
        let size = raster.size();
        let width = side.min(size[0].saturating_sub(corner[0])).max(1);
        let local = cursor - Vec2::new(corner[0] as f32, corner[1] as f32);
        let wraps = raster.order_span().is_some_and(|(_, span)| span >= 1 << 32);
        Some(
            pick::nearest_lit(&orders, [width, side], local, PICK_RADIUS)
                .map(|order| (order, wraps)),
        )
    }

    /// The front-most vertex near `cursor`, scanning the file piece by piece.
    fn scan_pick(&self, cursor: Vec2) -> Option<(u64, Vertex)> {
        let source = self.source()?;
        let [w, h] = self.frame_params().viewport;
        let mut piece = vec![Vertex::default(); 1 << 16];
        let mut best: Option<(u64, Vertex, f32)> = None;
        for range in source.pieces(piece.len() as u64) {
            let n = (range.end - range.start) as usize;
            source.read(range.start, &mut piece[..n]).ok()?;
            let hit = pick::pick(
                &piece[..n],
                self.view_proj(),
                cursor,
                Vec2::new(w as f32, h as f32),
                PICK_RADIUS,
            );
            if let Some(i) = hit {
                let v = piece[i];
                let clip = self.view_proj() * v.position.extend(1.0);
                let z = clip.z / clip.w;
                if best.is_none_or(|(_, _, bz)| z < bz) {
                    best = Some((range.start + i as u64, v, z));
                }
            }
        }
        best.map(|(i, v, _)| (i, v))
    }

    pub(super) fn wheel(&mut self, delta: MouseScrollDelta) {
        let lines = match delta {
            MouseScrollDelta::LineDelta(_, y) => y,
            MouseScrollDelta::PixelDelta(p) => p.y as f32 / 40.0,
        };
        let [w, h] = self.frame_params().viewport;
        let anchor = self
            .camera
            .point_under(self.pointer.position, Vec2::new(w as f32, h as f32));
        self.camera
            .zoom(controls::ZOOM_PER_LINE.powf(lines), Some(anchor));
        self.placed = Placed::ByUser;
        self.view_changed();
    }

    pub(super) fn mouse_button(&mut self, state: ElementState, button: MouseButton) {
        let pressed = state == ElementState::Pressed;
        match button {
            MouseButton::Left => {
                self.pointer.orbiting = pressed;
                if pressed {
                    let now = Instant::now();
                    if self
                        .pointer
                        .last_click
                        .is_some_and(|t| now - t < DOUBLE_CLICK)
                    {
                        self.pointer.last_click = None;
                        self.fit_view();
                        self.view_changed();
                    } else {
                        self.pointer.last_click = Some(now);
                    }
                    self.pointer.pressed_at = Some(self.pointer.position);
                } else if self
                    .pointer
                    .pressed_at
                    .take()
                    .is_some_and(|p| p.distance(self.pointer.position) < 3.0)
                {
                    // A click without a drag: pick even where hovering does not.
                    self.pick_at(self.pointer.position, true);
                }
            }
            MouseButton::Right | MouseButton::Middle => self.pointer.panning = pressed,
            _ => {}
        }
    }

    pub(super) fn cursor_moved(&mut self, position: Vec2) {
        let delta = position - self.pointer.position;
        self.pointer.position = position;
        if self
            .pointer
            .pressed_at
            .is_some_and(|p| p.distance(position) >= 3.0)
        {
            self.pointer.last_click = None;
        }
        if self.start_camera != CameraMode::Ndc && (self.pointer.orbiting || self.pointer.panning) {
            if self.pointer.orbiting {
                let speed = controls::ORBIT_DEGREES_PER_PIXEL;
                self.camera.orbit(-delta.x * speed, delta.y * speed);
            } else {
                let h = self.frame_params().viewport[1] as f32;
                self.camera.pan(delta, h);
            }
            self.placed = Placed::ByUser;
            self.view_changed();
        } else {
            self.pick_at(position, false);
        }
    }
}
