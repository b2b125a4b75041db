//! Comparing two dumps vertex by vertex, without a GPU: [`diff`] streams two sources of any size
//! and layout side by side and returns a [`DiffReport`] (how many differ in position and in
//! colour, the largest and mean distances, percentiles, the largest offenders) that a test can
//! assert on and the command line prints.
//!
//! ```
//! use vertexview::compare::{diff, DiffOptions, Tolerance};
//! use vertexview::{Vertex, VertexFile, VertexSource};
//! use glam::Vec3;
//!
//! let golden = vec![Vertex::new(Vec3::ZERO, [0; 3]), Vertex::new(Vec3::ONE, [65535; 3])];
//! let mut moved = golden.clone();
//! moved[1].position.x += 0.5;
//! let a = VertexSource::from_file(VertexFile::from_vertices("golden.bin", golden));
//! let b = VertexSource::from_file(VertexFile::from_vertices("out.bin", moved));
//! let options = DiffOptions { tolerance: Tolerance { position: 1e-5, color: 0.0 }, ..Default::default() };
//! let report = diff(&a, &b, &options, |_, _| {})?;
//! assert!(report.differs());
//! assert_eq!((report.compared, report.position_differs), (2, 1));
//! assert_eq!(report.largest[0].index, 1);
//! assert!((report.max_distance - 0.5).abs() < 1e-6);
//! # Ok::<(), vertexview::compare::DiffError>(())
//! ```

mod by_index;
mod nearest;
mod picture;
mod report;

pub use by_index::{diff, DiffError, DiffOptions, Tolerance};
pub use nearest::diff_nearest;
pub use picture::colored_by_difference;
pub use report::{DiffReport, Offender, Side, PERCENTILES};
