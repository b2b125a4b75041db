//! vertexview: look at raw binary vertex files.
//!
//! The crate is layered, one folder a layer, each using only those above it:
//!
//! - [`format`](mod@format): bytes without I/O: memoryview-style views and casts, record
//!   layouts and the one rule for what the GPU reads in place, the default record
//!   ([`Vertex`]), decoding other layouts, statistics.
//! - [`load`]: files to records, no GPU: [`VertexSource`] (any size, read in pieces, built once
//!   from what a container's header describes), [`VertexFile`] (default records whole in
//!   memory), PLY and LAS.
//! - [`write`](mod@write): outputs written whole or not at all, sample files, PLY.
//! - [`compare`]: two dumps compared vertex by vertex.
//! - [`camera`]: the fit and orbit cameras.
//! - `gpu` (feature `gpu`): upload, the point renderer and its frames, headless rendering.
//! - `viewer` (feature `viewer`, default): the window; the `vertexview` binary's command line
//!   sits on top.
//!
//! ```
//! use vertexview::{format::View, Vertex, VertexFile, VertexSource};
//!
//! // Any size: validated from the length, read in pieces into memory you own.
//! let source = VertexSource::open("assets/colors.bin")?;
//! assert_eq!(source.len(), 100_000);
//! let stats = source.stats(|_, _| {})?;
//! assert_eq!(stats.non_finite, 0);
//! assert!(stats.bounds.unwrap().size().max_element() <= 2.0);
//! let mut piece = vec![Vertex::default(); 4096];
//! source.read(0, &mut piece)?;
//!
//! // The same file whole, its vertices in place, and the same bytes through memoryview-style
//! // casts.
//! let file = VertexFile::open("assets/colors.bin")?;
//! let first = file.vertices()[0];
//! assert_eq!(first, piece[0]);
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
