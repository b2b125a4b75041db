//! The viewer for real: a window on Xvfb, drawn by Mesa's software Vulkan driver, photographed
//! from outside the program with `xwd -root`. Needs `Xvfb` and `xwd` (Debian: xvfb, x11-apps);
//! `.ci/run` installs them. Missing tools fail the test rather than skip it.

mod x11;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use x11::*;

/// A block of `side` × `side` points of one colour, one per pixel of a W × H window, in clip space.
fn block(side: u32, color: [u16; 3]) -> Vec<u8> {
    x11::block(60, side, color)
}

/// Photographs the screen until `color` covers `want` pixels, or gives up after 30 s; fails at
/// once, with what it said, if the viewer has exited.
fn wait_for(display: &str, viewer: &mut Killed, color: [u8; 3], want: usize) -> usize {
    let started = Instant::now();
    let mut seen = 0;
    while started.elapsed() < Duration::from_secs(30) {
        viewer.assert_running();
        let (_, _, pixels) = screenshot(display);
        seen = count(&pixels, color);
        if seen == want {
            return seen;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    seen
}

/// Starts the viewer, at W × H in clip-space mode, on a file holding `block(side, color)`.
fn view_block(
    display: &str,
    dir: &Path,
    side: u32,
    color: [u16; 3],
    extra: &[&str],
    stderr: Stdio,
) -> (PathBuf, Killed) {
    let data = dir.join("dump.bin");
    std::fs::write(&data, block(side, color)).unwrap();
    let size = format!("{W}x{H}");
    let mut args = vec![
        "view",
        data.to_str().unwrap(),
        "--camera",
        "ndc",
        "--size",
        &size,
    ];
    args.extend_from_slice(extra);
    let child = viewer(display, &args, dir)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    (data, Killed(child))
}

/// Replaces the file's contents the way an engine would: write a new file, rename it over.
fn rewrite(path: &PathBuf, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn the_window_shows_the_points_and_follows_the_file() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let (data, mut viewer) =
        view_block(&display, dir.path(), 50, [0, 65535, 0], &[], Stdio::piped());

    // Every point is one green pixel on screen.
    assert_eq!(
        wait_for(&display, &mut viewer, [0, 255, 0], 2500),
        2500,
        "green points on screen"
    );
    let (w, h, _) = screenshot(&display);
    assert_eq!((w, h), (640, 480));

    // An engine writes a new dump: the viewer shows it.
    rewrite(&data, &block(30, [65535, 0, 0]));
    assert_eq!(
        wait_for(&display, &mut viewer, [255, 0, 0], 900),
        900,
        "reloaded red points"
    );
    assert_eq!(
        count(&screenshot(&display).2, [0, 255, 0]),
        0,
        "old points gone"
    );

    // A broken write leaves the last good data on screen...
    rewrite(&data, &[1, 2, 3, 4, 5, 6, 7]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        count(&screenshot(&display).2, [255, 0, 0]),
        900,
        "last good data kept"
    );
    // ... and watching goes on.
    rewrite(&data, &block(20, [0, 0, 65535]));
    assert_eq!(
        wait_for(&display, &mut viewer, [0, 0, 255], 400),
        400,
        "the next good write shows"
    );

    assert!(
        viewer.0.try_wait().unwrap().is_none(),
        "the viewer is still running"
    );
    let _ = viewer.0.kill();
    let out = viewer.0.wait_with_output_ref();
    assert!(
        out.contains("7 bytes is not a whole number of 20-byte vertices"),
        "stderr: {out}"
    );
}

#[test]
fn resizing_keeps_drawing_and_idle_costs_nothing() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let (_, mut viewer) = view_block(
        &display,
        dir.path(),
        40,
        [0, 65535, 0],
        &["--no-watch"],
        Stdio::null(),
    );
    assert_eq!(wait_for(&display, &mut viewer, [0, 255, 0], 1600), 1600);

    // Idle: nothing changes, so nothing is drawn and almost no CPU is used (a viewer that
    // redrew continuously would use a whole core here).
    let pid = viewer.0.id();
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(2));
    let idle = cpu_seconds(pid) - before;
    assert!(idle < 0.3, "{idle} CPU seconds in 2 s of idling");

    let xdotool = |args: &[&str]| x11::xdotool(&display, args);
    let window = xdotool(&["search", "--sync", "--name", "vertexview"]);
    let window = window.lines().next().unwrap().to_owned();
    for (w, h) in ["100 80", "1 1", "900 500", "320 240"].map(|s| s.split_once(' ').unwrap()) {
        xdotool(&["windowsize", &window, w, h]);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            viewer.0.try_wait().unwrap().is_none(),
            "the viewer died at {w}x{h}"
        );
    }
    // Back at the first size, the same pixels light up again.
    assert_eq!(wait_for(&display, &mut viewer, [0, 255, 0], 1600), 1600);
}

#[test]
fn a_screenshot_and_the_printed_command_give_the_same_pixels() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("helix.bin");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&data).unwrap());
    vertexview::write::gen::write(
        &mut out,
        vertexview::write::gen::Shape::Helix,
        20_000,
        1,
        true,
    )
    .unwrap();
    drop(out);
    let args = [
        "view",
        data.to_str().unwrap(),
        "--size",
        "320x240",
        "--point-size",
        "2",
        "--no-watch",
        "--raster",
        "compute",
    ];
    let child = viewer(&display, &args, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut viewer = Killed(child);
    let started = Instant::now();
    while screenshot(&display)
        .2
        .iter()
        .filter(|p| **p != [0, 0, 0])
        .count()
        < 500
    {
        viewer.assert_running();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the helix never showed"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Move the camera by hand, then ask for the command and the screenshot.
    let xdotool = |args: &[&str]| {
        x11::xdotool(&display, args);
    };
    xdotool(&[
        "mousemove",
        "100",
        "100",
        "mousedown",
        "1",
        "mousemove",
        "160",
        "130",
        "mouseup",
        "1",
    ]);
    let window = Command::new("xdotool")
        .args(["search", "--name", "vertexview"])
        .env("DISPLAY", &display)
        .output()
        .unwrap();
    let window = String::from_utf8_lossy(&window.stdout)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    xdotool(&["windowfocus", &window]);
    // M twice: the height ramp in magma, which the command must say to render the same.
    xdotool(&["key", "m", "m", "p", "s"]);
    let shot = dir.path().join("vertexview-helix-1.png");
    let started = Instant::now();
    while !shot.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no screenshot was saved"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = viewer.0.kill();
    let mut printed = String::new();
    std::io::Read::read_to_string(&mut viewer.0.stdout.take().unwrap(), &mut printed).unwrap();
    let command = printed
        .lines()
        .find(|l| l.starts_with("vertexview render "))
        .expect("P printed a command");
    assert!(
        command.contains("--yaw")
            && command.contains("--point-size 2")
            && command.contains("--raster compute")
            && command.contains("--color height --colormap magma --range "),
        "{command}"
    );

    // Run the printed command as a user would paste it (no spaces in these paths).
    let words: Vec<String> = command
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches('\'').to_owned())
        .collect();
    vertexview_ok(&words, dir.path());
    let rendered =
        vertexview::gpu::image::RgbaImage::read_png(dir.path().join("view.png")).unwrap();
    let saved = vertexview::gpu::image::RgbaImage::read_png(&shot).unwrap();
    assert_eq!((saved.width(), saved.height()), (320, 240));
    assert!(
        saved == rendered,
        "the screenshot and the render differ: {command}"
    );
    assert!(
        saved
            .pixels()
            .chunks_exact(4)
            .filter(|p| p[..3] != [0, 0, 0])
            .count()
            > 500
    );
}

#[test]
fn frames_mode_draws_and_exits() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let out = viewer(&display, &["view", "--frames", "3"], dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_a_display_view_fails_and_bare_vertexview_renders_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = Command::new(env!("CARGO_BIN_EXE_vertexview"));
    view.args(["view"])
        .current_dir(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    let out = view.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let err: Vec<&str> = err.lines().collect();
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].contains("no display") && err[0].contains("vertexview render"),
        "{err:?}"
    );

    let mut bare = Command::new(env!("CARGO_BIN_EXE_vertexview"));
    bare.current_dir(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    let out = bare.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("vertexview-sample.png"));
    let image =
        vertexview::gpu::image::RgbaImage::read_png(dir.path().join("vertexview-sample.png"))
            .unwrap();
    assert_eq!((image.width(), image.height()), (1280, 720));
    let lit = image
        .pixels()
        .chunks_exact(4)
        .filter(|p| p[..3] != [0, 0, 0])
        .count();
    assert!(lit > 10_000, "the sample is drawn: {lit} pixels lit");
}

/// Lines of `path` that contain `needle`.
fn lines_with(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

#[test]
fn a_bad_file_is_reported_once_per_change() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.txt");
    let (data, mut viewer) = view_block(
        &display,
        dir.path(),
        10,
        [0, 65535, 0],
        &[],
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    assert_eq!(wait_for(&display, &mut viewer, [0, 255, 0], 100), 100);

    // Written in place, as `head -c 1007 /dev/urandom > t.bin` does.
    let noise: Vec<u8> = (0..1007u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&data, &noise).unwrap();
    let message = "1007 bytes is not a whole number of 20-byte vertices";
    let started = Instant::now();
    while lines_with(&log, message) == 0 {
        viewer.assert_running();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no error shown"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The viewer's own read of the file must not count as a change: nothing more in 3 s.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        lines_with(&log, message),
        1,
        "{}",
        std::fs::read_to_string(&log).unwrap()
    );

    // The next real change is read, once: another bad length, then a good file.
    std::fs::write(&data, &noise[..1003]).unwrap();
    let started = Instant::now();
    while lines_with(&log, "1003 bytes") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the change was missed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(&data, block(5, [65535, 0, 0])).unwrap();
    assert_eq!(wait_for(&display, &mut viewer, [255, 0, 0], 25), 25);
    std::thread::sleep(Duration::from_secs(1));
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(lines_with(&log, message), 1, "{text}");
    assert_eq!(lines_with(&log, "1003 bytes"), 1, "{text}");
    assert_eq!(text.lines().count(), 2, "only the two errors: {text}");
}

/// The panel is drawn over the picture in the window (the points beside it still show), H hides
/// it, leaving exactly the points on the background, and H shows it again.
#[test]
fn the_panel_shows_in_the_window_and_h_hides_it() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dump.bin");
    // Right of where the panel opens (8 pixels in, about 280 wide).
    std::fs::write(&data, x11::block(305, 10, [65535, 0, 0])).unwrap();
    let size = format!("{W}x{H}");
    let args = [
        "view",
        data.to_str().unwrap(),
        "--camera",
        "ndc",
        "--size",
        &size,
    ];
    let mut viewer = Killed(
        viewer_with_panel(&display, &args, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let red = [255, 0, 0];
    // Pixels that are neither the background nor the points: the panel's.
    let panel = |pixels: &[[u8; 3]]| {
        pixels
            .iter()
            .filter(|p| **p != [0; 3] && **p != red)
            .count()
    };
    let expect = |viewer: &mut Killed, shown: bool| {
        let started = Instant::now();
        loop {
            viewer.assert_running();
            let pixels = window_pixels(&display);
            let (points, covered) = (count(&pixels, red), panel(&pixels));
            // Shown: most of the window is the panel's; hidden: none of it.
            let right = if shown {
                covered > 20_000
            } else {
                covered == 0
            };
            if points == 100 && right {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "panel shown {shown}: {points} red pixels, {covered} panel pixels"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    expect(&mut viewer, true);
    press(&display, "h");
    expect(&mut viewer, false);
    press(&display, "h");
    expect(&mut viewer, true);
}
