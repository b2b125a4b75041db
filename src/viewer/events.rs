//! The messages background threads send the viewer's event loop: file changes, pieces loaded
//! onto the GPU, screenshots written.

use std::path::PathBuf;

use crate::format::stats::VertexStats;
use crate::format::vertex::Vertex;
use crate::gpu::VertexBuffers;
use crate::load::LoadError;

/// What background work tells the event loop.
#[derive(Debug)]
pub enum ViewerEvent {
    /// The watched file changed on disk.
    Changed,
    /// News from the thread loading load number `generation` onto the GPU.
    Load {
        /// Which load.
        generation: u64,
        /// What happened.
        event: LoadEvent,
    },
    /// News from the thread streaming load `generation` through for a full-density picture.
    Fill {
        /// Which load.
        generation: u64,
        /// What happened.
        event: LoadEvent,
    },
    /// A screenshot was written, or why not.
    Saved(Result<PathBuf, String>),
}

/// What the loading thread tells the event loop, tagged with the load it belongs to.
#[derive(Debug)]
pub enum LoadEvent {
    /// Statistics of an evenly spread sample, for a first camera before the file is read.
    Sampled(VertexStats),
    /// A piece is on the GPU.
    Piece(ResidentPiece),
    /// Every piece has been read: the file's exact statistics.
    Done(VertexStats),
    /// Reading failed (the file changed, a read error, the GPU ran out of memory).
    Failed(LoadFailure),
}

/// Why reading stopped.
#[derive(Debug)]
pub struct LoadFailure {
    /// What to tell the user.
    pub message: String,
    /// The file changed while it was read. A watched file's next version is on its way, so this
    /// is news only when the file is not watched.
    pub file_changed: bool,
}

impl From<LoadError> for LoadFailure {
    fn from(error: LoadError) -> LoadFailure {
        LoadFailure {
            file_changed: matches!(error, LoadError::Changed { .. }),
            message: error.to_string(),
        }
    }
}

impl From<String> for LoadFailure {
    fn from(message: String) -> LoadFailure {
        LoadFailure {
            message,
            file_changed: false,
        }
    }
}

/// Vertices on the GPU: vertex `i` of `buffers` is vertex `first + i · stride` of the file.
#[derive(Debug)]
pub struct ResidentPiece {
    /// The vertices.
    pub buffers: VertexBuffers,
    /// File index of the first.
    pub first: u64,
    /// File distance between consecutive ones.
    pub stride: u32,
    /// This piece's share of the preview: its vertices whose file index is a multiple of the
    /// preview's stride.
    pub preview: Vec<Vertex>,
}
