//! The compute rasteriser: points drawn by compute threads with atomics into per-pixel buffers,
//! then resolved into the caller's render pass. The algorithm is in `shaders/raster.wgsl`; here
//! are its pipelines, the bindings of a cloud's vertices, the recording of its passes, and the
//! per-pixel buffers ([`RasterTarget`]).

mod bindings;
mod dispatch;
mod pipelines;
mod target;

pub(crate) use bindings::ComputeRange;
pub(crate) use dispatch::RasterJob;
pub use pipelines::ComputeSupport;
pub(crate) use pipelines::{view_entry, ComputeRaster};
pub use target::RasterTarget;
