//! Loading off the event loop's thread, and watching a file for changes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use winit::event_loop::EventLoopProxy;

use super::events::ViewerEvent;
use crate::load::FileVersion;

/// How long a changed file must keep one [`FileVersion`] before it is read.
const SETTLED: Duration = Duration::from_millis(100);
/// How long a file that keeps changing is waited for before it is read anyway, so that a file
/// appended to without pause is still shown.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// Watches one file (through its folder, so that replacing the file by a rename counts) and posts
/// [`ViewerEvent::Changed`] once writes settle: events come in batches 150 ms apart, then the
/// file must keep its signature for 100 ms. A file written in place is truncated, then filled;
/// read between the two, it would show (and report) a version no one meant to write.
pub fn watch(
    proxy: EventLoopProxy<ViewerEvent>,
    path: &Path,
) -> notify::Result<Debouncer<notify::RecommendedWatcher>> {
    let target = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let folder = target
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut debouncer = new_debouncer(
        Duration::from_millis(150),
        move |events: DebounceEventResult| {
            if let Ok(events) = events {
                if events.iter().any(|e| e.path == target) {
                    settle(&target);
                    let _ = proxy.send_event(ViewerEvent::Changed);
                }
            }
        },
    )?;
    debouncer
        .watcher()
        .watch(&folder, notify::RecursiveMode::NonRecursive)?;
    Ok(debouncer)
}

/// Waits until the file at `path` has kept one signature for [`SETTLED`], or [`SETTLE_AT_MOST`].
fn settle(path: &Path) {
    let started = std::time::Instant::now();
    let mut last = FileVersion::of_path(path);
    while started.elapsed() < SETTLE_AT_MOST {
        std::thread::sleep(SETTLED);
        let now = FileVersion::of_path(path);
        if now == last {
            return;
        }
        last = now;
    }
}

/// The vertex file after (or before, with `step` −1) `current` in its folder, by name: files
/// ending in `.bin`, `.vtx`, `.ply` or `.las`.
pub fn sibling(current: &Path, step: i32) -> Option<PathBuf> {
    let folder = current
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension()
                        .and_then(|e| e.to_str())
                        .map(str::to_ascii_lowercase)
                        .as_deref(),
                    Some("bin" | "vtx" | "ply" | "las")
                )
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return None;
    }
    let name = current.file_name();
    let at = files.iter().position(|f| f.file_name() == name);
    let n = files.len() as i64;
    let next = match at {
        Some(i) => (i as i64 + i64::from(step)).rem_euclid(n),
        None => 0,
    };
    files.into_iter().nth(next as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_cycle_through_vertex_files_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.bin", "a.bin", "c.vtx", "notes.txt"] {
            std::fs::write(dir.path().join(name), []).unwrap();
        }
        let a = dir.path().join("a.bin");
        assert_eq!(sibling(&a, 1), Some(dir.path().join("b.bin")));
        assert_eq!(sibling(&a, -1), Some(dir.path().join("c.vtx")));
        assert_eq!(sibling(&dir.path().join("c.vtx"), 1), Some(a));
    }
}
