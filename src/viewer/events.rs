//! The messages background threads send the viewer's event loop: file changes, pieces loaded
//! onto the GPU, screenshots written.

use std::path::PathBuf;
use std::sync::mpsc::SyncSender;

use crate::format::stats::VertexStats;
use crate::gpu::{FilePosition, VertexBuffers};
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
    /// The difference picture of the first two files (D), or why there is none.
    Difference(super::app::Difference),
    /// A screenshot was written, or why not.
    Saved(Result<PathBuf, String>),
}

/// What the loading thread tells the event loop, tagged with the load it belongs to.
#[derive(Debug)]
pub enum LoadEvent {
    /// An evenly spread sample, on the GPU: the first picture and the preview drawn while the
    /// view moves, and with the first one's statistics a first camera before the file is read.
    /// A denser one may follow.
    Sampled(SampledPiece),
    /// The part of a piece that stays on the GPU.
    Piece(ResidentPiece),
    /// A whole piece on its way through, to be drawn once (files larger than the GPU budget).
    Streamed(StreamedPiece),
    /// A piece left the GPU for one the view needs more (a COPC file larger than the budget).
    Dropped(usize),
    /// The pieces on the GPU are those the view needs most, as many as the budget holds: the
    /// loader waits for the view to change (a COPC file larger than the budget).
    Settled,
    /// Every piece has been read: the file's exact statistics.
    Done(VertexStats),
    /// Reading failed (the file changed, a read error, the GPU ran out of memory).
    Failed(LoadFailure),
}

/// An evenly spread sample of the file on the GPU, its vertices where the cloud's file position
/// says they are.
#[derive(Debug)]
pub struct SampledPiece {
    /// The sample's statistics.
    pub stats: VertexStats,
    /// The 2nd to 98th percentiles of its x, y and z: the default ranges of ramps.
    pub ramp_ranges: Option<[[f32; 2]; 3]>,
    /// Its vertices.
    pub buffers: VertexBuffers,
    /// Where they sit in the file.
    pub position: FilePosition,
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

/// Vertices that stay on the GPU: vertex `i` of `buffers` is vertex `first + i · stride` of
/// the file, all from piece number `piece`.
#[derive(Debug)]
pub struct ResidentPiece {
    /// Which piece of the file (pieces are the loader's, in file order).
    pub piece: usize,
    /// The vertices.
    pub buffers: VertexBuffers,
    /// File index of the first.
    pub first: u64,
    /// File distance between consecutive ones.
    pub stride: u32,
}

/// A whole piece in a slot of the streaming thread's upload ring, drawn once and dropped. The
/// slot is the thread's again when this is dropped, so drop it only once the GPU is done with
/// what was drawn from it.
#[derive(Debug)]
pub struct StreamedPiece {
    /// Which piece of the file.
    pub piece: usize,
    /// Its vertices.
    pub buffers: VertexBuffers,
    /// File index of the first.
    pub first: u64,
    /// Given back on drop.
    pub _permit: Permit,
}

/// A streaming thread's leave to fill one more slot of its ring, handed back on drop.
#[derive(Debug)]
pub struct Permit(pub(super) SyncSender<()>);

impl Drop for Permit {
    fn drop(&mut self) {
        // A thread that has stopped takes no more.
        let _ = self.0.try_send(());
    }
}
