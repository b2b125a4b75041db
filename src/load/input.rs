//! Opening a path for reading: regular files and named pipes, and a message that says what
//! anything else is (directories, devices, sockets, kernel files).

use std::fs::File;
use std::path::Path;

use super::error::{LoadError, SpecialFile};

/// What a path opened for reading turned out to be.
pub(crate) enum Input {
    /// A regular file and its length.
    Regular(File, u64),
    /// A named pipe: read to its end, length unknown.
    Stream(File),
}

/// Opens `path` for reading, refusing what cannot hold vertices with a message that says what it
/// is. The type is looked at before opening: opening a socket fails, and opening a device has
/// side effects.
pub(crate) fn open_input(path: &Path) -> Result<Input, LoadError> {
    let io = |error| LoadError::Io {
        path: path.to_owned(),
        error,
    };
    let not_a_file = |kind| {
        Err(LoadError::NotAFile {
            path: path.to_owned(),
            kind,
        })
    };
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if kind.is_dir() {
        return not_a_file(SpecialFile::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return not_a_file(SpecialFile::CharDevice);
        }
        if kind.is_block_device() {
            return not_a_file(SpecialFile::BlockDevice);
        }
        if kind.is_socket() {
            return not_a_file(SpecialFile::Socket);
        }
        if kind.is_fifo() {
            return File::open(path).map(Input::Stream).map_err(io);
        }
    }
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return not_a_file(SpecialFile::CharDevice);
    }
    if is_kernel_file(&file, meta.len()) {
        return not_a_file(SpecialFile::KernelFile);
    }
    Ok(Input::Regular(file, meta.len()))
}

/// Whether `file` belongs to a filesystem whose sizes are not contents: procfs reports 0 bytes for
/// files full of text, sysfs 4096 for files of a few bytes. Elsewhere, an empty file that still
/// reads something gives it away.
fn is_kernel_file(file: &File, len: u64) -> bool {
    #[cfg(target_os = "linux")]
    {
        const PROC_SUPER_MAGIC: i64 = 0x9fa0;
        const SYSFS_MAGIC: i64 = 0x6265_6572;
        if let Ok(fs) = rustix::fs::fstatfs(file) {
            // `f_type`'s integer type differs between architectures.
            #[allow(clippy::unnecessary_cast)]
            if matches!(fs.f_type as i64, PROC_SUPER_MAGIC | SYSFS_MAGIC) {
                return true;
            }
        }
    }
    let mut probe = [0u8; 1];
    len == 0 && super::reader::read_at(file, &mut probe, 0).is_ok_and(|n| n > 0)
}

/// Opens a container (PLY, LAS, LAZ) whose header is read next; the error names the file.
pub(crate) fn open_file(path: &Path) -> Result<File, LoadError> {
    File::open(path).map_err(|error| LoadError::Io {
        path: path.to_owned(),
        error,
    })
}
