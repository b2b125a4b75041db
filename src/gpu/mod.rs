//! Putting vertex bytes on the GPU and drawing them as points (feature `gpu`).
//!
//! Every type here is created from a `&wgpu::Device` the caller owns; [`GpuContext`] is only a
//! convenience for callers without one (the CLI, headless tests).

pub mod classes;
mod cloud;
pub mod colormap;
mod context;
mod error;
mod eye_dome;
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

pub use cloud::{FilePosition, PointCloud};
pub use colormap::ColorMap;
pub use context::{catch_errors, maps_directly, DeviceOptions, GpuContext};
pub use error::GpuError;
#[cfg(feature = "viewer")]
pub(crate) use eye_dome::overlay_pass;
pub use eye_dome::EyeDome;
pub use frame::{PointFrame, PreparedFrame};
pub use layout::{INSTANCE_BUFFER_LAYOUT, VERTEX_ATTRIBUTES, VERTEX_BUFFER_LAYOUT};
#[cfg(feature = "viewer")]
pub(crate) use offscreen::points_pass;
pub use offscreen::{
    read_rgba8, OffscreenTarget, RenderSettings, COLOR_FORMAT, DEPTH_FORMAT, OFFSCREEN_TARGET,
};
pub use params::{
    ColorMode, ColumnColors, ColumnRead, FrameParams, PointShape, Ramp, RampAxis, Raster,
    RasterPath, Subsample, AUTO_COMPUTE_PIXELS_PER_POINT, MAX_COMPUTE_POINT_SIZE,
};
pub use raster::{ComputeSupport, RasterTarget};
pub use renderer::{choose_path, PointRenderer};
pub use shaders::{
    COMMON_SOURCE, EYE_DOME_SOURCE, RASTER64_SOURCE, RASTER_SOURCE, RESOLVE_SOURCE, SHADER_SOURCE,
    SHADE_SOURCE,
};
pub use stream::{
    piece_vertices, render, RenderOptions, StreamError, UploadRing, PIPELINE_PIECE_VERTICES,
};
pub use target::{AtomicWidth, TargetFormat, DEPTH_COMPARE};
pub use upload::{vertex_usage, VertexBuffers};
