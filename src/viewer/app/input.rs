//! The mouse: orbit, pan, zoom, double click, and the readout of the vertex under the cursor.

use std::time::{Duration, Instant};

use glam::Vec2;
use winit::event::{ElementState, MouseButton, MouseScrollDelta};

use super::App;
use crate::camera::CameraMode;
use crate::viewer::{controls, pick};

/// Files up to this many vertices are picked on hover; larger ones only on click.
const HOVER_PICK_LIMIT: usize = 2_000_000;
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

impl App {
    pub(super) fn pick_at(&mut self, cursor: Vec2) {
        let [w, h] = self.frame_params().viewport;
        let vertices = self.file.vertices();
        self.readout = pick::pick(
            vertices,
            self.view_proj(),
            cursor,
            Vec2::new(w as f32, h as f32),
            PICK_RADIUS,
        )
        .map(|i| pick::describe(i, &vertices[i]));
        self.update_title();
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
        self.redraw();
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
                        self.redraw();
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
                    self.pick_at(self.pointer.position);
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
            self.redraw();
        } else if self.file.len() <= HOVER_PICK_LIMIT {
            self.pick_at(position);
        }
    }
}
