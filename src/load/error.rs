//! Errors of loading a vertex file, each naming the file and the numbers that went wrong.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::format::ViewError;

/// Why a vertex file could not be loaded.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The path could not be opened or read: missing, unreadable, a device that fails.
    #[error("{}: cannot read: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said (part of the message, so not also a `source()`).
        error: io::Error,
    },
    /// The path names a directory, a device, a socket, or a kernel file whose size is not its
    /// content: nothing that holds vertices.
    #[error("{}: is {kind}, not a vertex file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: SpecialFile,
    },
    /// The length is not `0`, `20·n` or `20·n − 2` bytes.
    #[error("{}: {len} bytes is not a whole number of {stride}-byte vertices ({whole} vertices, then {stray} stray bytes at offset {offset})", path.display())]
    Length {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        len: u64,
        /// Bytes per vertex.
        stride: usize,
        /// Whole vertices before the stray bytes.
        whole: u64,
        /// Bytes left over.
        stray: u64,
        /// Byte offset of the first stray byte.
        offset: u64,
    },
    /// Records of a layout that do not fit the file's length.
    #[error("{}: {data} bytes after a {header}-byte header is not a whole number of {stride}-byte records ({whole} records, then {stray} stray bytes at offset {offset})", path.display())]
    Records {
        /// The file.
        path: PathBuf,
        /// Bytes before the records.
        header: u64,
        /// Bytes from the header on.
        data: u64,
        /// Bytes per record.
        stride: u64,
        /// Whole records.
        whole: u64,
        /// Bytes left over.
        stray: u64,
        /// Byte offset of the first stray byte.
        offset: u64,
    },
    /// A header promising more records than the file holds.
    #[error("{}: {count} records of {stride} bytes from offset {header} need more than the file's {len} bytes", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Where the records start.
        header: u64,
        /// Records promised.
        count: u64,
        /// Bytes per record.
        stride: u64,
        /// The file's length.
        len: u64,
    },
    /// A header that cannot be read: not the format it claims, or broken.
    #[error("{}: {message}", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the offset where it went wrong.
        message: String,
    },
    /// Another process changed the file's length while it was being read.
    #[error("{}: changed while being read (expected {expected} bytes, found {found})", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
        /// Length when opened.
        expected: u64,
        /// Length seen while reading.
        found: u64,
    },
    /// Another process rewrote the file (its modification time changed) while it was being read
    /// in pieces: the pieces may come from different versions.
    #[error("{}: was rewritten while being read; nothing drawn from it can be trusted", path.display())]
    Rewritten {
        /// The file.
        path: PathBuf,
    },
    /// The file does not fit in this process's address space.
    #[error("{}: {len} bytes is too large to load on this platform", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        len: u64,
    },
    /// The bytes could not be viewed as vertices (an alignment the loader did not expect).
    #[error("{}: {error}", path.display())]
    View {
        /// The file.
        path: PathBuf,
        /// The refused cast.
        error: ViewError,
    },
    /// A column to colour by that the records do not have.
    #[error(transparent)]
    NoColumn(Box<NoColumn>),
}

/// What a path names when it is not a regular file of vertices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialFile {
    /// A directory.
    Directory,
    /// A character device, such as `/dev/null` or `/dev/zero`.
    CharDevice,
    /// A block device, such as a disk.
    BlockDevice,
    /// A Unix-domain socket.
    Socket,
    /// A terminal (stdin read with `-` while nothing is piped in).
    Terminal,
    /// A file of `/proc` or `/sys`, whose reported size is not its content.
    KernelFile,
}

impl std::fmt::Display for SpecialFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SpecialFile::Directory => "a directory",
            SpecialFile::CharDevice => "a character device",
            SpecialFile::BlockDevice => "a block device",
            SpecialFile::Socket => "a socket",
            SpecialFile::Terminal => "a terminal (pipe a file in, or name one)",
            SpecialFile::KernelFile => {
                "a kernel file (/proc or /sys) whose reported size is not its content"
            }
        })
    }
}

/// `--color NAME` for a column the records do not have.
#[derive(Debug, Error)]
#[error("{}: no column '{name}' to colour by; it has: {known}", path.display())]
pub struct NoColumn {
    /// The file.
    pub path: PathBuf,
    /// The name asked for.
    pub name: String,
    /// The names it has, with `x`, `y`, `z`, `height` and `index`.
    pub known: String,
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            LoadError::Io { path, .. }
            | LoadError::NotAFile { path, .. }
            | LoadError::Length { path, .. }
            | LoadError::Changed { path, .. }
            | LoadError::Rewritten { path }
            | LoadError::Records { path, .. }
            | LoadError::Truncated { path, .. }
            | LoadError::Header { path, .. }
            | LoadError::TooLarge { path, .. }
            | LoadError::View { path, .. } => path,
            LoadError::NoColumn(e) => &e.path,
        }
    }
}
