//! How the viewer fills in a file at rest, watched from outside under Xvfb: what it has drawn
//! stays, whatever the loader does meanwhile, and the finished picture is `render`'s.

#[path = "common/serve.rs"]
mod serve;
mod x11;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use x11::*;

/// A galaxy of `count` vertices in `dir`.
fn galaxy(dir: &Path, count: u64) -> std::path::PathBuf {
    let data = dir.join("galaxy.bin");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&data).unwrap());
    vertexview::write::gen::write(
        &mut out,
        vertexview::write::gen::Shape::Galaxy,
        count,
        4,
        true,
    )
    .unwrap();
    drop(out);
    data
}

/// The bytes of a COPC file `convert` writes of a galaxy of `count` vertices, in `dir`.
fn galaxy_copc(dir: &Path, count: u64) -> Vec<u8> {
    let raw = galaxy(dir, count);
    let copc = dir.join("galaxy.copc.laz");
    vertexview_ok([Path::new("convert"), &raw, &copc], dir);
    std::fs::read(&copc).unwrap()
}

/// What `render` gives for `data` at the window's size, as RGB pixels.
fn rendered(dir: &Path, data: &Path) -> Vec<[u8; 3]> {
    rendered_with(dir, data, &[])
}

/// [`rendered`] with more flags (a camera).
fn rendered_with(dir: &Path, data: &Path, extra: &[String]) -> Vec<[u8; 3]> {
    let png = dir.join("render.png");
    let size = format!("{W}x{H}");
    let mut args: Vec<std::ffi::OsString> = vec!["render".into(), data.into(), "-o".into()];
    args.extend([png.clone().into(), "--size".into(), size.into()]);
    args.extend(extra.iter().map(Into::into));
    vertexview_ok(args, dir);
    let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
    image
        .pixels()
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn lit(pixels: &[[u8; 3]]) -> usize {
    pixels.iter().filter(|p| **p != [0, 0, 0]).count()
}

/// Starts the viewer on `data` at the window's size with `extra` flags.
fn view(display: &str, dir: &Path, data: &Path, extra: &[&str]) -> Killed {
    let size = format!("{W}x{H}");
    let mut args = vec![
        "view",
        data.to_str().unwrap(),
        "--size",
        &size,
        "--no-watch",
    ];
    args.extend_from_slice(extra);
    Killed(
        viewer(display, &args, dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

/// A file larger than the sample the first picture is made of, in many small pieces, with all
/// of it resident and with an eighth: photographed as often as `xwd` allows while the camera
/// rests, no lit pixel ever goes dark, the picture ends exactly as `render` draws it, and stays
/// so while the rest of the file loads.
#[test]
fn at_rest_the_picture_only_grows_until_it_is_the_render() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    // 1.5 M vertices: the first picture is a sample of 1 M of them.
    let data = galaxy(dir.path(), 1_500_000);
    let reference = rendered(dir.path(), &data);
    let lit_at_end = lit(&reference);
    assert!(lit_at_end > 5_000, "{lit_at_end}");
    for extra in [
        &["--piece-vertices", "100000"][..],
        &["--piece-vertices", "100000", "--gpu-memory", "4M"][..],
    ] {
        let mut viewer = view(&display, dir.path(), &data, extra);
        let started = Instant::now();
        let mut shown: Vec<[u8; 3]> = Vec::new();
        let mut pictures = 0;
        loop {
            viewer.assert_running();
            let now = window_pixels(&display);
            if !shown.is_empty() {
                let lost = shown
                    .iter()
                    .zip(&now)
                    .filter(|(was, is)| **was != [0, 0, 0] && **is == [0, 0, 0])
                    .count();
                assert_eq!(
                    lost,
                    0,
                    "{extra:?}: {lost} lit pixels went dark ({} lit before, {} now); title {:?}",
                    lit(&shown),
                    lit(&now),
                    window_title(&display)
                );
            }
            if lit(&now) > 0 {
                pictures += 1;
                shown = now;
            }
            if shown == reference {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{extra:?}: never became the render: {} of {lit_at_end} pixels lit; title {:?}",
                lit(&shown),
                window_title(&display)
            );
        }
        eprintln!("{extra:?}: {pictures} pictures on the way");
        // The rest loads after the picture is complete; it changes nothing on screen.
        loop {
            viewer.assert_running();
            let title = window_title(&display);
            assert_eq!(window_pixels(&display), reference, "{extra:?}: {title}");
            assert!(!title.contains("drawn"), "{extra:?}: {title}");
            if !title.contains("loading") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "{extra:?}: never finished loading: {title}"
            );
        }
    }
}

/// A file over the GPU memory cap (6 MB against 1 MiB: a sixth stays on the GPU, the rest
/// streams through) fills in to the render's pixels; once loaded, the viewer rests.
#[test]
fn a_file_over_the_gpu_memory_cap_fills_in_to_the_render_and_then_rests() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let data = galaxy(dir.path(), 300_000);
    let reference = rendered(dir.path(), &data);
    assert!(lit(&reference) > 2000, "{}", lit(&reference));
    let mut viewer = view(&display, dir.path(), &data, &["--gpu-memory", "1M"]);
    let started = Instant::now();
    loop {
        viewer.assert_running();
        let shown = window_pixels(&display);
        if shown == reference {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never filled in: {} of {} pixels lit; title {:?}",
            lit(&shown),
            lit(&reference),
            window_title(&display)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let title = window_title(&display);
    assert!(
        title.starts_with("galaxy.bin — 300000 vertices — "),
        "{title}"
    );
    assert!(!title.contains("drawn"), "{title}");
    // The resident subsample loads after the picture is complete.
    let title = loop {
        let title = window_title(&display);
        if !title.contains("loading") {
            break title;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never finished loading: {title}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!title.contains("drawn"), "{title}");

    // Finished: the viewer rests.
    let pid = viewer.0.id();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(2));
    let idle = cpu_seconds(pid) - before;
    assert!(
        idle < 0.3,
        "{idle} CPU seconds in 2 s after the picture was complete"
    );
    assert_eq!(window_pixels(&display), reference, "still the full picture");
}

/// A COPC file over HTTP (a loopback server in the test): the first picture comes from the top
/// levels of the octree, before the server lets more than three quarters of the file go (the
/// first sample is the first half of the points, coarsest first); once it lets the rest go, the
/// picture fills in to exactly `render`'s of the same URL, having fetched each node about once.
#[test]
fn a_copc_url_shows_its_top_levels_first_then_fills_in() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let bytes = galaxy_copc(dir.path(), 2_000_000);
    let len = bytes.len();
    let (open_url, _, _) = serve::serve_counted(bytes.clone(), serve::Mode::Ranges, None);
    let reference = rendered(dir.path(), Path::new(&open_url));
    assert!(lit(&reference) > 5_000, "{}", lit(&reference));

    let gate = Arc::new(AtomicUsize::new(len * 3 / 4));
    let (url, _, sent) = serve::serve_counted(bytes, serve::Mode::Ranges, Some(gate.clone()));
    let mut viewer = view(&display, dir.path(), Path::new(&url), &[]);
    let started = Instant::now();
    let first = loop {
        viewer.assert_running();
        let shown = window_pixels(&display);
        if lit(&shown) > 0 {
            break shown;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "no picture from {} of {len} bytes; title {:?}",
            sent.load(Ordering::SeqCst),
            window_title(&display)
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let before = sent.load(Ordering::SeqCst);
    assert!(before <= len * 3 / 4, "{before} of {len}");
    eprintln!(
        "first picture from {before} of {len} bytes: {} of {} pixels lit",
        lit(&first),
        lit(&reference)
    );
    gate.store(usize::MAX, Ordering::SeqCst);
    loop {
        viewer.assert_running();
        let title = window_title(&display);
        if window_pixels(&display) == reference && !title.contains("loading") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never became the render: {} of {} lit; title {title:?}",
            lit(&window_pixels(&display)),
            lit(&reference)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let total = sent.load(Ordering::SeqCst);
    assert!(
        total < len * 3 / 2,
        "fetched {total} bytes of a {len}-byte file"
    );
}

/// Waits until the title says the loader is done for the view; the title then.
fn settled(viewer: &mut Killed, display: &str, started: Instant, what: &str) -> String {
    loop {
        viewer.assert_running();
        let title = window_title(display);
        if title.contains("detail") && !title.contains("loading") && !title.contains("drawn") {
            return title;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{what}: never settled; title {title:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The camera flags (`--yaw … --distance …`) of the render command the viewer prints for P.
fn printed_camera(viewer: &mut Killed, display: &str) -> Vec<String> {
    press(display, "p");
    let mut out = std::io::BufReader::new(viewer.0.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("vertexview render ") {
        line.clear();
        let n = std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        assert!(n > 0, "the viewer printed no command");
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut flags = Vec::new();
    for flag in ["--yaw", "--pitch", "--target", "--distance"] {
        let at = words.iter().position(|w| *w == flag).expect(flag);
        flags.extend([flag.to_owned(), words[at + 1].to_owned()]);
    }
    flags
}

/// A COPC file over HTTP larger than the GPU memory budget (1 M points in 40 pieces of 25 000,
/// room for 20): the viewer keeps the 20 pieces the view needs most, half the file, draws
/// points only where `render` does, and fetches nothing while the camera rests. Zoomed into
/// one side, it drops pieces the view left for every piece the view now holds, and the picture
/// is exactly `render`'s from that camera; still half the file on the GPU, never more.
#[test]
fn a_copc_url_over_the_budget_keeps_what_the_view_needs_and_trades_as_it_moves() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let bytes = galaxy_copc(dir.path(), 1_000_000);
    let (url, _, sent) = serve::serve_counted(bytes, serve::Mode::Ranges, None);
    let reference = rendered(dir.path(), Path::new(&url));
    // 20 pieces of 25 000 vertices of 20 bytes fit in 10 MiB; 21 do not.
    let size = format!("{W}x{H}");
    let args = [
        "view",
        &url,
        "--size",
        &size,
        "--no-watch",
        "--gpu-memory",
        "10M",
        "--piece-vertices",
        "25000",
    ];
    let mut viewer = Killed(
        x11::viewer(&display, &args, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    let title = settled(&mut viewer, &display, started, "at first");
    assert!(title.contains("— detail 50 % —"), "{title}");
    let shown = window_pixels(&display);
    // Part of the file: lit only where the whole is, and less of it.
    let stray = shown
        .iter()
        .zip(&reference)
        .filter(|(s, r)| **s != [0, 0, 0] && **r == [0, 0, 0])
        .count();
    assert_eq!(stray, 0, "lit where render has nothing");
    assert!(
        lit(&shown) > lit(&reference) / 2 && lit(&shown) <= lit(&reference),
        "{} of {} lit",
        lit(&shown),
        lit(&reference)
    );
    let before = sent.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(sent.load(Ordering::SeqCst), before, "fetched more at rest");

    // Zoomed in on the left of the galaxy.
    let (x, y) = ((W / 4).to_string(), (H / 2).to_string());
    xdotool(&display, &["mousemove", &x, &y]);
    xdotool(&display, &["click", "--repeat", "12", "--delay", "30", "4"]);
    // Settled at the new camera: the title says so once the frames of the zoom have drawn.
    std::thread::sleep(Duration::from_millis(500));
    let title = settled(&mut viewer, &display, started, "zoomed in");
    assert!(title.contains("— detail 50 % —"), "{title}");
    let shown = window_pixels(&display);
    let camera = printed_camera(&mut viewer, &display);
    let zoomed = rendered_with(dir.path(), Path::new(&url), &camera);
    let differ = shown.iter().zip(&zoomed).filter(|(a, b)| a != b).count();
    assert_eq!(
        differ,
        0,
        "{differ} pixels differ from render {camera:?} ({} of {} lit)",
        lit(&shown),
        lit(&zoomed)
    );
}
