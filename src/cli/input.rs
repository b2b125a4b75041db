//! Opening FILE arguments: a file read in pieces, or standard input read whole.

use std::path::Path;

use vertexview::source::VertexSource;
use vertexview::{LoadError, VertexStats};

use super::progress;

/// FILE for reading in pieces; `-` reads standard input to its end first.
pub fn open_source(path: &Path) -> Result<VertexSource, LoadError> {
    if path == Path::new("-") {
        return vertexview::viewer::load_with_progress(path).map(VertexSource::from_file);
    }
    VertexSource::open(path)
}

/// The statistics of every vertex, with a progress bar on a terminal.
pub fn summarise(source: &VertexSource) -> Result<VertexStats, LoadError> {
    let bar = progress::bytes_bar(
        format!("reading {}", source.path().display()),
        source.file_len(),
    );
    let stats = source.stats(|done, _| bar.set_position(done));
    bar.finish_and_clear();
    stats
}
