//! vertexview: look at raw binary vertex files.
//!
//! The loader ([`format`](mod@format), [`VertexFile`], [`VertexStats`]) needs neither a GPU nor a window. The
//! `gpu` feature adds upload and a point renderer on wgpu; the `viewer` feature (default) adds the
//! window and the `vertexview` command line.
//!
//! ```
//! use vertexview::{format::View, VertexFile};
//!
//! let file = VertexFile::open("assets/colors.bin")?;
//! assert_eq!(file.len(), 100_000);
//! let stats = file.stats();
//! assert_eq!(stats.non_finite, 0);
//! assert!(stats.bounds.unwrap().size().max_element() <= 2.0);
//!
//! // The vertices in place, and the same bytes through memoryview-style casts.
//! let first = file.vertices()[0];
//! let records = View::new(file.bytes()).cast("<3f3H2x")?;
//! let colour = records.slice(0..1)?.cast("B")?.slice(12..18)?.cast("<H")?;
//! assert_eq!(colour.to_vec().len(), 3);
//! assert_eq!(colour.as_slice::<u16>()?, &first.color[..]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod camera;
pub mod compare;
pub mod format;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod load;
#[cfg(feature = "viewer")]
pub mod viewer;
pub mod write;

pub use format::{Bounds, StatsAccumulator, Vertex, VertexStats};
pub use load::{LoadError, VertexFile, VertexSource};
