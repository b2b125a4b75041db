//! Writing files whole or not at all, never over the file being read, and only when they fit.
//!
//! Every file vertexview writes (PNGs, generated and converted vertex files, screenshots,
//! references) goes through [`write_atomically`]: the bytes go to a temporary file beside the
//! target, which is flushed to disk and then renamed over the target. A write that fails part-way
//! (a full disk, a size limit, an encoder error) removes the temporary file and leaves the
//! previous target untouched; a process killed mid-write leaves the previous target too (and a
//! hidden `.NAME.*.tmp` file, which nothing can remove after a `SIGKILL`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why an output was refused before anything was written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The output names the same file as an input, through whatever spelling (a relative path, a
    /// symlink, a hard link).
    #[error("{}: is the input file {}; refusing to overwrite it (choose another output)", output.display(), input.display())]
    SameAsInput {
        /// The output path as given.
        output: PathBuf,
        /// The input path as given.
        input: PathBuf,
    },
    /// The output would not fit in the free space of its filesystem.
    #[error("{}: {needed} bytes do not fit in the {available} bytes free on its filesystem", path.display())]
    NoSpace {
        /// The output path.
        path: PathBuf,
        /// Bytes the output needs.
        needed: u64,
        /// Bytes free for this user.
        available: u64,
    },
    /// The output's folder could not be examined.
    #[error("{}: {error}", path.display())]
    Io {
        /// The output path.
        path: PathBuf,
        /// What the operating system said.
        error: io::Error,
    },
}

/// Refuses an `output` that is the same file as `input`, however either is spelled. Outputs that
/// do not exist yet cannot be the input, and pass.
pub fn ensure_not_input(output: &Path, input: &Path) -> Result<(), OutputError> {
    if is_same_file(output, input) {
        return Err(OutputError::SameAsInput {
            output: output.to_owned(),
            input: input.to_owned(),
        });
    }
    Ok(())
}

/// Whether two paths name one file. On Unix by device and inode from `stat`, which opens nothing:
/// opening a named pipe to compare it would take its data.
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            // Either does not exist (or cannot be examined): writing cannot destroy the input.
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        same_file::is_same_file(a, b).unwrap_or(false)
    }
}

/// Refuses an output of `needed` bytes at `path` when its filesystem has less free space. A file
/// being replaced does not count as free: the new file is written beside it before the rename.
#[cfg(unix)]
pub fn ensure_space(path: &Path, needed: u64) -> Result<(), OutputError> {
    let folder = folder_of(&resolve_links(path));
    let stat = rustix::fs::statvfs(&folder).map_err(|e| OutputError::Io {
        path: folder.clone(),
        error: e.into(),
    })?;
    let available = stat.f_bavail.saturating_mul(stat.f_frsize);
    if needed > available {
        return Err(OutputError::NoSpace {
            path: path.to_owned(),
            needed,
            available,
        });
    }
    Ok(())
}

/// On platforms without `statvfs` the write itself finds out, and leaves the old file in place.
#[cfg(not(unix))]
pub fn ensure_space(_path: &Path, _needed: u64) -> Result<(), OutputError> {
    Ok(())
}

/// Writes `path` whole or not at all: `write` fills a buffered temporary file in the same folder,
/// which is synced and renamed over `path` only if `write` succeeds. Returns what `write` returned.
///
/// Targets that are not regular files (`/dev/null`, `/dev/stdout`, a named pipe) cannot be
/// replaced by a rename, and are written directly. A symlink is followed, so the file it points to
/// is replaced and the link kept. A new file gets the permissions the umask allows; a replaced one
/// keeps its own.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    match Replaced::prepare(path)? {
        Replaced::Special(target) => {
            let mut out = BufWriter::new(OpenOptions::new().write(true).open(&target)?);
            let value = write(&mut out)?;
            out.flush()?;
            Ok(value)
        }
        Replaced::Regular(mut temporary, target) => {
            let value = {
                let mut out = BufWriter::with_capacity(1 << 20, temporary.as_file_mut());
                let value = write(&mut out)?;
                out.flush()?;
                value
            };
            commit(temporary, &target)?;
            Ok(value)
        }
    }
}

/// [`write_atomically`] for writers that go back to fill in what they learn at the end (a LAS
/// header's counts and bounds): `write` gets the temporary file itself, which it may seek in.
/// Only regular files can be written so: a pipe or a device is refused before anything is
/// written.
pub fn write_seekable_atomically<T>(
    path: &Path,
    write: impl FnOnce(File) -> io::Result<T>,
) -> io::Result<T> {
    match Replaced::prepare(path)? {
        Replaced::Special(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "is not a regular file, which this format needs (its header is written last)",
        )),
        Replaced::Regular(temporary, target) => {
            let value = write(temporary.as_file().try_clone()?)?;
            commit(temporary, &target)?;
            Ok(value)
        }
    }
}

/// Where an output goes: straight into a file that cannot be replaced by a rename, or into a
/// temporary file beside the target, renamed over it when complete.
enum Replaced {
    Special(PathBuf),
    Regular(tempfile::NamedTempFile, PathBuf),
}

impl Replaced {
    fn prepare(path: &Path) -> io::Result<Replaced> {
        let target = resolve_links(path);
        let existing = fs::metadata(&target).ok();
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "is a directory",
                ));
            }
            if !meta.is_file() {
                return Ok(Replaced::Special(target));
            }
        }
        let folder = folder_of(&target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // tempfile's default is 0600; a new file vertexview writes is an ordinary document.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temporary = builder.tempfile_in(&folder)?;
        if let Some(meta) = &existing {
            temporary.as_file().set_permissions(meta.permissions())?;
        }
        Ok(Replaced::Regular(temporary, target))
    }
}

/// Makes a completed temporary file the target, durably.
fn commit(temporary: tempfile::NamedTempFile, target: &Path) -> io::Result<()> {
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|e| e.error)?;
    // Make the rename itself durable; a folder that cannot be opened or synced only loses that.
    if let Ok(folder) = File::open(folder_of(target)) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// `path` with symlinks followed to the file they name (which may not exist yet).
fn resolve_links(path: &Path) -> PathBuf {
    let mut current = path.to_owned();
    // A bounded walk: a symlink loop ends at the last link instead of spinning.
    for _ in 0..40 {
        match fs::read_link(&current) {
            Ok(next) => current = folder_of(&current).join(next),
            Err(_) => break,
        }
    }
    current
}

/// The folder a path's file lives in: `.` for a bare file name.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        fs::write(&path, b"old").unwrap();
        let failed = write_atomically(&path, |out| {
            out.write_all(b"new, but")?;
            Err::<(), _>(io::Error::other("the disk is full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "the disk is full");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert!(leftovers(dir.path()).is_empty());

        assert_eq!(
            write_atomically(&path, |out| out.write_all(b"new").map(|()| 7)).unwrap(),
            7
        );
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_permissions_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.png");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.png");
        std::os::unix::fs::symlink("real.png", &link).unwrap();
        write_atomically(&link, |out| out.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        write_atomically(Path::new("/dev/null"), |out| out.write_all(b"gone")).unwrap();
        let full = write_atomically(Path::new("/dev/full"), |out| out.write_all(&[0; 4096]));
        assert_eq!(full.unwrap_err().raw_os_error(), Some(28), "ENOSPC");
    }

    #[test]
    fn the_same_file_is_refused_however_it_is_spelled() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("dump.bin");
        fs::write(&input, [0u8; 20]).unwrap();
        let hard = dir.path().join("hard.bin");
        fs::hard_link(&input, &hard).unwrap();
        let dotted = dir.path().join(".").join("dump.bin");
        for output in [&input, &hard, &dotted] {
            let error = ensure_not_input(output, &input).unwrap_err();
            assert!(error.to_string().contains("is the input file"), "{error}");
        }
        assert!(ensure_not_input(&dir.path().join("new.png"), &input).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn space_is_checked_against_the_filesystem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.bin");
        assert!(ensure_space(&path, 1).is_ok());
        let error = ensure_space(&path, u64::MAX).unwrap_err();
        assert!(
            matches!(
                error,
                OutputError::NoSpace {
                    needed: u64::MAX,
                    ..
                }
            ),
            "{error}"
        );
    }
}
