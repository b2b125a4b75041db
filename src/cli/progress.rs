//! Progress bars for long reads and writes, and Ctrl-C that ends a write in order.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting `total` bytes on stderr; hidden when stderr is not a terminal.
pub fn bytes_bar(message: String, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A bar counting `total` vertices on stderr; hidden when stderr is not a terminal.
pub fn count_bar(message: String, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {human_pos}/{human_len} vertices ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A spinner counting bytes of a stream of unknown length; hidden when stderr is not a terminal.
pub fn spinner(message: String) -> ProgressBar {
    ProgressBar::new_spinner().with_message(message)
}

/// A bar that shows nothing: for writers whose progress another bar tells.
pub fn hidden() -> ProgressBar {
    ProgressBar::hidden()
}

/// A flag that the first Ctrl-C (SIGINT) raises instead of killing the process, so that a long
/// write can stop, remove its temporary file and leave the old output in place. A second Ctrl-C
/// ends the process at once.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    {
        use signal_hook::consts::SIGINT;
        // Registering can only fail for signals that cannot be caught; SIGINT can. Without the
        // handler Ctrl-C still stops the write, only less tidily.
        let _ = signal_hook::flag::register_conditional_shutdown(SIGINT, 130, flag.clone());
        let _ = signal_hook::flag::register(SIGINT, flag.clone());
    }
    flag
}

const INTERRUPTED: &str = "interrupted";

/// An error after Ctrl-C, for a write that is told its progress rather than writing through
/// [`Watched`] or [`Interruptible`].
pub fn check(interrupted: &AtomicBool) -> io::Result<()> {
    if interrupted.load(Ordering::Relaxed) {
        return Err(io::Error::other(INTERRUPTED));
    }
    Ok(())
}

/// Whether a write stopped because of Ctrl-C.
fn is_interruption(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Other && error.to_string() == INTERRUPTED
}

/// How a long write of `path` ended: `None` when it completed; after Ctrl-C, the exit code 130,
/// said on stderr; its error otherwise.
pub fn write_outcome(written: io::Result<()>, path: &Path) -> anyhow::Result<Option<ExitCode>> {
    match written {
        Ok(()) => Ok(None),
        Err(e) if is_interruption(&e) => {
            eprintln!(
                "vertexview: interrupted; {} was left as it was",
                path.display()
            );
            Ok(Some(ExitCode::from(130)))
        }
        Err(e) => Err(e).with_context(|| format!("{}: cannot write", path.display())),
    }
}

/// A writer that advances a progress bar and stops at Ctrl-C.
pub struct Watched<'a, W: ?Sized> {
    inner: &'a mut W,
    bar: &'a ProgressBar,
    interrupted: &'a AtomicBool,
}

impl<'a, W: Write + ?Sized> Watched<'a, W> {
    pub fn new(inner: &'a mut W, bar: &'a ProgressBar, interrupted: &'a AtomicBool) -> Self {
        Watched {
            inner,
            bar,
            interrupted,
        }
    }
}

/// A file written by a writer that seeks in it (LAS), stopped by Ctrl-C as [`Watched`] stops a
/// stream.
pub struct Interruptible {
    file: std::fs::File,
    interrupted: Arc<AtomicBool>,
}

impl Interruptible {
    pub fn new(file: std::fs::File, interrupted: Arc<AtomicBool>) -> Self {
        Interruptible { file, interrupted }
    }
}

impl Write for Interruptible {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.interrupted.load(Ordering::Relaxed) {
            return Err(io::Error::other(INTERRUPTED));
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl io::Seek for Interruptible {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.file.seek(to)
    }
}

impl<W: Write + ?Sized> Write for Watched<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.interrupted.load(Ordering::Relaxed) {
            // Not ErrorKind::Interrupted: write_all retries that.
            return Err(io::Error::other(INTERRUPTED));
        }
        let n = self.inner.write(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
