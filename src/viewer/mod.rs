//! The interactive window (feature `viewer`): winit 0.30 and a wgpu surface, drawing with the same
//! [`PointRenderer`](crate::gpu::PointRenderer) as headless renders.

mod app;
mod controls;
mod cost;
mod events;
mod loader;
mod panel;
mod pick;
mod priority;
mod reload;
mod scene;
mod surface;

use std::path::PathBuf;

use thiserror::Error;

pub use controls::{key_action, Action, CONTROLS};
pub use cost::{FrameCost, FRAME_BUDGET};
pub use loader::{default_budget, residency, resident_stride, spread_order, Residency};
pub use pick::{describe, describe_in, fields_of, nearest_lit, pick};

use crate::gpu::{ColumnColors, GpuError, Ramp, RenderSettings};
use crate::load::source::VertexSource;
use crate::LoadError;

/// The sample shown when no file is given (`assets/colors.bin`, built into the binary).
pub const BUILT_IN_SAMPLE: &[u8] = include_bytes!("../../assets/colors.bin");

/// Name of the built-in sample in titles and messages.
pub const BUILT_IN_NAME: &str = "colors.bin (built in)";

/// The built-in sample.
pub fn built_in_sample() -> Result<VertexSource, LoadError> {
    VertexSource::from_memory(BUILT_IN_NAME, BUILT_IN_SAMPLE)
}

/// What the window shows and how.
#[derive(Debug)]
pub struct ViewerOptions {
    /// The file; its path is watched when it names a real file. It is read on threads of the
    /// viewer's own, piece by piece, never whole.
    pub source: VertexSource,
    /// More files shown with it, in one scene under one camera (`view A B …`); only the first
    /// is watched.
    pub others: Vec<VertexSource>,
    /// Point size, camera, colours and background; `size` is the window's starting inner size.
    pub settings: RenderSettings,
    /// Whether the colour mode was chosen by the user (otherwise files whose colours are all zero
    /// start with the height ramp).
    pub colors_chosen: bool,
    /// The ramp colourless files and the C key use: its coordinate and colormap, and its range
    /// until the samples give the default one.
    pub ramp: Ramp,
    /// Whether the ramp's range was chosen by the user (`--range`): otherwise it is the 2nd to
    /// 98th percentile of its coordinate over the files' samples, as `render` takes it.
    pub ramp_range_chosen: bool,
    /// The column of `--color COLUMN`, which C toggles with the file's colours.
    pub column: Option<ColumnChoice>,
    /// Whether the on-screen panel starts shown (H flips it).
    pub panel: bool,
    /// Render this many frames, then exit (for smoke tests).
    pub frames: Option<u64>,
    /// Reload the file when it changes on disk.
    pub watch: bool,
    /// Bytes of vertex data to keep on the GPU; a larger file keeps an even subsample there and
    /// streams the rest through when the view rests. `None`: [`default_budget`].
    pub gpu_memory: Option<u64>,
    /// Vertices a piece of the file holds on its way to the GPU. `None`: as many as one storage
    /// binding takes ([`piece_vertices`](crate::gpu::piece_vertices)).
    pub piece_vertices: Option<u64>,
}

/// The column the points are coloured by (`--color COLUMN`): the sources were set to carry it
/// where they are converted
/// ([`VertexSource::column_read`](crate::load::VertexSource::column_read)), and a reloaded file
/// is set so again.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnChoice {
    /// Its name.
    pub name: String,
    /// Its colours.
    pub colors: ColumnColors,
    /// The classes the files' samples hold (for the panel's legend), if it has classes.
    pub classes: Option<Vec<i64>>,
}

/// Why the viewer could not run.
#[derive(Debug, Error)]
pub enum ViewerError {
    /// No display to open a window on.
    #[error("cannot open a window: {0}; to render without a display use `vertexview render FILE -o out.png`")]
    NoDisplay(String),
    /// The GPU failed.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// Watching the file failed.
    #[error("cannot watch {}: {message}", path.display())]
    Watch {
        /// The file.
        path: PathBuf,
        /// What the watcher said.
        message: String,
    },
}

/// Whether the environment names a display (`DISPLAY` or `WAYLAND_DISPLAY`) on platforms that
/// need one.
pub fn display_available() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Opens the window and runs until it is closed (or `frames` have been drawn).
pub fn run(options: ViewerOptions) -> Result<(), ViewerError> {
    if !display_available() {
        return Err(ViewerError::NoDisplay(
            "no display (DISPLAY and WAYLAND_DISPLAY are unset)".into(),
        ));
    }
    app::run(options)
}
