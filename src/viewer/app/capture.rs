//! Getting the view out of the window: a PNG of it, and the command that renders it again.

use std::path::PathBuf;

use super::App;
use crate::camera::CameraMode;
use crate::gpu::{self, ColorMode, PointShape, Raster, RenderSettings};
use crate::viewer::events::ViewerEvent;

impl App {
    /// The camera now, as `render` takes it.
    fn camera_mode(&self) -> CameraMode {
        match self.start_camera {
            CameraMode::Ndc => CameraMode::Ndc,
            _ => CameraMode::Orbit {
                target: self.camera.target,
                distance: self.camera.distance,
                yaw: self.camera.yaw,
                pitch: self.camera.pitch,
            },
        }
    }

    /// The rasteriser that draws the window, as a choice `render` takes.
    pub(super) fn drawn_raster(&self) -> Raster {
        match &self.window {
            Some(window) if window.accumulates(self.settings.raster) => Raster::Compute,
            _ => Raster::Pipeline,
        }
    }

    /// The `vertexview render` command that gives the pixels of the finished picture.
    pub(super) fn render_command(&self) -> String {
        let [w, h] = self.frame_params().viewport;
        let camera = match self.start_camera {
            CameraMode::Ndc => "--camera ndc".to_owned(),
            _ => {
                let c = &self.camera;
                format!(
                    "--yaw {} --pitch {} --target {},{},{} --distance {}",
                    c.yaw, c.pitch, c.target.x, c.target.y, c.target.z, c.distance
                )
            }
        };
        let [r, g, b] = self.settings.background;
        let mut command = format!(
            "vertexview render '{}' -o view.png --size {w}x{h} {camera} --point-size {} --background '#{r:02x}{g:02x}{b:02x}' --raster {}",
            self.path().display(),
            self.settings.point_size,
            self.drawn_raster().name(),
        );
        if self.settings.shape == PointShape::Round {
            command.push_str(" --round");
        }
        if let ColorMode::Ramp(ramp) = self.settings.color_mode {
            command.push_str(&format!(
                " --color {} --colormap {} --range {},{}",
                ramp.axis.name(),
                ramp.map.name(),
                ramp.min,
                ramp.max
            ));
        }
        if let (ColorMode::Column(colors), Some(column)) = (self.settings.color_mode, &self.column)
        {
            command.push_str(&format!(
                " --color {} --colormap {} --range {},{}",
                column.name,
                colors.map.name(),
                colors.min,
                colors.max
            ));
        }
        if self.settings.up == crate::format::Up::Z {
            command.push_str(" --up z");
        }
        if self.settings.edl > 0.0 {
            command.push_str(&format!(" --edl {}", self.settings.edl));
        }
        // A raw file of another layout: the flags that read it the same way.
        if let Some(source) = self.source() {
            let layout = source.layout();
            if crate::load::open::kind_of(source.path()) == "raw" && !layout.is_default() {
                command.push_str(&format!(
                    " --layout '{layout}' --stride {} --offset {}",
                    layout.stride(),
                    layout.header()
                ));
            }
        }
        command
    }

    /// Renders the current view offscreen at full density, exactly as `render` would, on a
    /// thread of its own (a big file takes seconds), and writes a PNG; says when it is saved.
    /// Returns the path it will have.
    pub(super) fn screenshot(&mut self) -> Result<PathBuf, String> {
        let (Some(gpu), Some(source)) = (&self.gpu, self.source().cloned()) else {
            return Err("nothing to capture yet".into());
        };
        let settings = RenderSettings {
            size: self.frame_params().viewport,
            camera: self.camera_mode(),
            point_size: self.settings.point_size,
            shape: self.settings.shape,
            color_mode: self.settings.color_mode,
            background: self.settings.background,
            raster: self.drawn_raster(),
            up: self.settings.up,
            edl: self.settings.edl,
        };
        let stem = self
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "view".into());
        let stem: String = stem.chars().take_while(|c| !c.is_whitespace()).collect();
        // Never over an earlier session's screenshot: take the next free number.
        let path = loop {
            self.screenshots += 1;
            let path = PathBuf::from(format!("vertexview-{stem}-{}.png", self.screenshots));
            if !path.exists() {
                break path;
            }
        };
        let stats = self.framing_stats();
        let gpu = gpu.clone();
        let proxy = self.proxy.clone();
        let saving = path.clone();
        std::thread::spawn(move || {
            let options = gpu::RenderOptions {
                stats: stats.as_ref(),
                ..Default::default()
            };
            let result = gpu::render(&gpu, &[&source], &settings, options)
                .map_err(|e| e.to_string())
                .and_then(|image| image.write_png(&saving).map_err(|e| e.to_string()))
                .map(|()| saving);
            let _ = proxy.send_event(ViewerEvent::Saved(result));
        });
        Ok(path)
    }
}
