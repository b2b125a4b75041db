//! [`FileVersion`]: what tells one version of a file from the next without reading it.

use std::fs::{File, Metadata};
use std::path::Path;
use std::time::SystemTime;

/// A file's length, modification time and (on Unix) its device, inode and change time, which a
/// rename over the file or a write in place changes. Two versions that are equal are taken to
/// hold the same bytes: what a source checks after reading ([`VertexSource::check_unchanged`])
/// and what the viewer's watcher compares before reading again.
///
/// [`VertexSource::check_unchanged`]: super::VertexSource::check_unchanged
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileVersion {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    identity: (u64, u64, i64, i64),
}

impl FileVersion {
    /// The version of the file at `path` now, or `None` when it cannot be examined.
    pub fn of_path(path: &Path) -> Option<FileVersion> {
        std::fs::metadata(path).ok().map(|m| Self::of_metadata(&m))
    }

    /// The version of an open file now (the one it was opened on, even if another has since
    /// been renamed over its path).
    pub fn of_file(file: &File) -> Option<FileVersion> {
        file.metadata().ok().map(|m| Self::of_metadata(&m))
    }

    fn of_metadata(meta: &Metadata) -> FileVersion {
        FileVersion {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
