//! Getting the view out of the window: a PNG of it, and the command that renders it again.

use std::path::PathBuf;

use super::App;
use crate::camera::CameraMode;
use crate::gpu::{
    ColorMode, FrameParams, OffscreenTarget, PointRenderer, PointShape, Raster, RasterPath,
    OFFSCREEN_TARGET,
};

impl App {
    /// The `vertexview render` command that gives the pixels now on screen.
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
        let raster = self.drawn_raster().name();
        let mut command = format!(
            "vertexview render '{}' -o view.png --size {w}x{h} {camera} --point-size {} --background '#{r:02x}{g:02x}{b:02x}' --raster {raster}",
            self.file.path().display(),
            self.settings.point_size
        );
        if self.settings.shape == PointShape::Round {
            command.push_str(" --round");
        }
        if matches!(self.settings.color_mode, ColorMode::Height { .. }) {
            command.push_str(" --height-colors");
        }
        command
    }

    /// The rasteriser that drew the last frame, as a choice `render` takes.
    pub(super) fn drawn_raster(&self) -> Raster {
        match self.cloud.as_ref().map(|c| c.path()) {
            Some(RasterPath::Compute) => Raster::Compute,
            _ => Raster::Pipeline,
        }
    }

    /// Renders the current view offscreen, exactly as `render` would, and writes a PNG.
    pub(super) fn screenshot(&mut self) -> Result<PathBuf, Box<dyn std::error::Error>> {
        let params = FrameParams {
            raster: self.drawn_raster(),
            ..self.frame_params()
        };
        let (Some(gpu), Some(vertices)) = (&self.gpu, &self.vertices) else {
            return Err("nothing to capture yet".into());
        };
        if self
            .screenshot
            .as_ref()
            .is_none_or(|(t, _)| t.size() != params.viewport)
        {
            let target = OffscreenTarget::new(&gpu.device, params.viewport)?;
            let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET);
            self.screenshot = Some((target, renderer));
        }
        let Some((target, renderer)) = &mut self.screenshot else {
            return Err("no offscreen target".into());
        };
        let image = target.render_vertices(
            &gpu.device,
            &gpu.queue,
            renderer,
            vertices,
            &params,
            self.settings.background,
        )?;
        let stem = self
            .file
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
        image.write_png(&path)?;
        Ok(path)
    }
}
