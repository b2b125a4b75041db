//! [`Up`]: which axis of a file's coordinates points up.

/// Which axis points up in a file's coordinates. vertexview's cameras put y up; a z-up file (LAS,
/// most scans) is turned so its z points up on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Up {
    /// y is up (vertexview's own files, most engines and PLY files from graphics tools).
    #[default]
    Y,
    /// z is up (LAS, GIS and most scanners).
    Z,
}
