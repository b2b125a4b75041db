//! Errors from the GPU, caught rather than left to wgpu's panicking default handler.

use thiserror::Error;

/// What went wrong on the GPU side.
#[derive(Debug, Error)]
pub enum GpuError {
    /// No adapter: no GPU driver, or none wgpu can use.
    #[error("no GPU adapter found ({0}); on Linux without a GPU, install Mesa's software Vulkan driver (Debian/Ubuntu: apt-get install mesa-vulkan-drivers)")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("the GPU refused to create a device: {0}")]
    Device(String),
    /// A wgpu validation error: a bug in vertexview or in the caller's use of it.
    #[error("GPU validation error: {0}")]
    Validation(String),
    /// The GPU ran out of memory.
    #[error("the GPU ran out of memory: {0}")]
    OutOfMemory(String),
    /// The device was lost (driver reset, GPU removed).
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),
    /// Reading a rendered image back failed.
    #[error("reading the rendered image back failed: {0}")]
    Readback(String),
    /// The compute rasteriser was asked for where it cannot run.
    #[error("the compute rasteriser cannot run here: {0}; use --raster pipeline (or auto)")]
    ComputeUnavailable(String),
    /// A frame was prepared with a raster target of another size than its viewport.
    #[error("the frame is {}x{} pixels but its raster target is {}x{}", viewport[0], viewport[1], raster[0], raster[1])]
    RasterTargetSize {
        /// The frame's viewport.
        viewport: [u32; 2],
        /// The raster target's size.
        raster: [u32; 2],
    },
    /// A frame whose clouds take the compute path was prepared without a raster target.
    #[error("the frame draws by the compute path but was given no raster target")]
    NoRasterTarget,
    /// A request larger than the device allows.
    #[error("{what} of {size} exceeds the device limit of {limit}")]
    Limit {
        /// What was asked for.
        what: &'static str,
        /// How much.
        size: u64,
        /// The device's limit.
        limit: u64,
    },
}

impl From<wgpu::RequestDeviceError> for GpuError {
    fn from(error: wgpu::RequestDeviceError) -> Self {
        GpuError::Device(error.to_string())
    }
}

impl GpuError {
    /// Converts a wgpu error caught by an error scope or the uncaptured-error handler.
    pub fn from_wgpu(error: wgpu::Error) -> GpuError {
        // wgpu's Display prints a chain of sources over several lines; users get one.
        let one_line = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        match error {
            wgpu::Error::OutOfMemory { source } => {
                GpuError::OutOfMemory(one_line(source.to_string()))
            }
            wgpu::Error::Validation { description, .. } => {
                GpuError::Validation(one_line(description))
            }
            wgpu::Error::Internal { description, .. } => {
                GpuError::Validation(one_line(description))
            }
        }
    }
}
