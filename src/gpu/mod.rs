//! Putting vertex bytes on the GPU and drawing them as points (feature `gpu`).
//!
//! Every type here is created from a `&wgpu::Device` the caller owns; [`GpuContext`] is only a
//! convenience for callers without one (the CLI, headless tests).

mod cloud;
mod context;
mod error;
mod frame;
pub mod image;
mod layout;
mod offscreen;
mod params;
mod raster;
mod renderer;
mod shaders;
mod stream;
mod target;
mod upload;

pub use cloud::PointCloud;
pub use context::{catch_errors, maps_directly, DeviceOptions, GpuContext};
pub use error::GpuError;
pub use frame::{PointFrame, PreparedFrame};
pub use layout::{INSTANCE_BUFFER_LAYOUT, VERTEX_ATTRIBUTES, VERTEX_BUFFER_LAYOUT};
#[cfg(feature = "viewer")]
pub(crate) use offscreen::points_pass;
pub use offscreen::{
    read_rgba8, OffscreenTarget, RenderSettings, COLOR_FORMAT, DEPTH_FORMAT, OFFSCREEN_TARGET,
};
pub use params::{
    ColorMode, FrameParams, PointShape, Raster, RasterPath, Subsample,
    AUTO_COMPUTE_PIXELS_PER_POINT, MAX_COMPUTE_POINT_SIZE,
};
pub use raster::{ComputeSupport, RasterTarget};
pub use renderer::{choose_path, PointRenderer};
pub use shaders::{COMMON_SOURCE, RASTER64_SOURCE, RASTER_SOURCE, RESOLVE_SOURCE, SHADER_SOURCE};
pub use stream::{piece_vertices, render_source, render_source_in_pieces, StreamError, UploadRing};
pub use target::{AtomicWidth, TargetFormat, DEPTH_COMPARE};
pub use upload::VertexBuffers;

use crate::gpu::image::RgbaImage;
use crate::load::file::VertexFile;

/// Renders `file` headless: creates a device, uploads, draws with `settings` and reads the image
/// back. Blocks. For repeated renders keep a [`GpuContext`], [`PointRenderer`] and
/// [`OffscreenTarget`] instead.
///
/// ```no_run
/// use vertexview::{gpu::{self, RenderSettings}, VertexFile};
///
/// let file = VertexFile::open("assets/colors.bin")?;
/// let image = gpu::render_file(&file, &RenderSettings::default())?;
/// image.write_png("colors.png")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_file(file: &VertexFile, settings: &RenderSettings) -> Result<RgbaImage, GpuError> {
    let gpu = GpuContext::headless()?;
    let vertices = VertexBuffers::upload(&gpu.device, file.vertices())?;
    render_uploaded(&gpu, &vertices, file.stats().bounds, settings)
}

/// Renders already uploaded `vertices` (whose finite positions lie within `bounds`) on `gpu`.
pub fn render_uploaded(
    gpu: &GpuContext,
    vertices: &VertexBuffers,
    bounds: Option<crate::Bounds>,
    settings: &RenderSettings,
) -> Result<RgbaImage, GpuError> {
    let mut target = OffscreenTarget::new(&gpu.device, settings.size)?;
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET)?;
    let image = target.render_vertices(
        &gpu.device,
        &gpu.queue,
        &renderer,
        vertices,
        &settings.frame_params(bounds),
        settings.background,
    );
    match gpu.take_error() {
        Some(error) => Err(error),
        None => image,
    }
}
