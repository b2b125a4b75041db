//! vertexview: look at raw binary vertex files.
//!
//! The loader ([`format`](mod@format), [`VertexFile`], [`VertexStats`]) needs neither a GPU nor a window. The
//! `gpu` feature adds upload and a point renderer on wgpu; the `viewer` feature (default) adds the
//! window and the `vertexview` command line.
#![warn(missing_docs)]

pub mod error;
pub mod file;
pub mod format;
pub mod gen;
mod reader;
pub mod stats;
pub mod vertex;

pub use error::LoadError;
pub use file::VertexFile;
pub use stats::{Bounds, StatsAccumulator, VertexStats};
pub use vertex::Vertex;
pub mod camera;
#[cfg(feature = "gpu")]
pub mod gpu;
#[cfg(feature = "gpu")]
pub mod image;
#[cfg(feature = "viewer")]
pub mod viewer;
