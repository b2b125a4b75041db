//! Several files in one window (`vertexview view A B`), under Xvfb: shown together under one
//! camera, each hidden and shown by its number key, flipped between with Tab, tinted with T,
//! the second coloured by its difference from the first with D, and the readout naming the
//! file under the cursor.

mod x11;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use x11::*;

/// Pixels of the window within ±1 of `color` (8-bit rounding).
fn pixels_of(display: &str, color: [u8; 3]) -> usize {
    window_pixels(display)
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(color[i]) <= 1))
        .count()
}

/// Waits until `color` covers `want` pixels of the window; fails after 30 s, saying how many it
/// covers and what the title says.
fn expect(display: &str, viewer: &mut Killed, color: [u8; 3], want: usize, what: &str) {
    let started = Instant::now();
    loop {
        viewer.assert_running();
        let seen = pixels_of(display, color);
        if seen == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: {seen} pixels of {color:?}, not {want}; title {:?}",
            window_title(display)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The viewer on `display` with `args`, its output dropped but for errors.
fn spawn_view(display: &str, args: &[&str]) -> Killed {
    Killed(
        viewer(display, args, Path::new("."))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];

/// Tableau's first two colours, which T gives the first and second file.
const BLUE_TINT: [u8; 3] = [0x4e, 0x79, 0xa7];
const ORANGE_TINT: [u8; 3] = [0xf2, 0x8e, 0x2b];

#[test]
fn two_files_in_one_window() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.bin"), dir.path().join("b.bin"));
    // The same 10 × 10 points, the second file's moved 40 pixels to the right.
    std::fs::write(&a, block(60, 10, [65535, 0, 0])).unwrap();
    std::fs::write(&b, block(100, 10, [0, 65535, 0])).unwrap();
    let size = format!("{W}x{H}");
    let args = [
        "view",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--camera",
        "ndc",
        "--size",
        &size,
    ];
    let mut viewer = spawn_view(&display, &args);
    expect(&display, &mut viewer, RED, 100, "both");
    expect(&display, &mut viewer, GREEN, 100, "both");
    let title = window_title(&display);
    assert!(
        title.starts_with("1 a.bin, 2 b.bin — 200 vertices — "),
        "{title}"
    );

    press(&display, "1");
    expect(&display, &mut viewer, RED, 0, "1 hides the first");
    expect(&display, &mut viewer, GREEN, 100, "1 hides only the first");
    assert!(window_title(&display).starts_with("[1 a.bin], 2 b.bin"));
    press(&display, "1");
    expect(&display, &mut viewer, RED, 100, "1 again shows it");

    // Tab: the first alone, then the second alone.
    press(&display, "Tab");
    expect(&display, &mut viewer, GREEN, 0, "Tab shows the first alone");
    expect(&display, &mut viewer, RED, 100, "Tab shows the first alone");
    press(&display, "Tab");
    expect(&display, &mut viewer, RED, 0, "Tab again: the second alone");
    expect(
        &display,
        &mut viewer,
        GREEN,
        100,
        "Tab again: the second alone",
    );
    press(&display, "2");
    press(&display, "1");
    press(&display, "2");
    expect(&display, &mut viewer, RED, 100, "both again");

    // The readout names the file under the cursor.
    xdotool(&display, &["mousemove", "105", "45"]);
    let started = Instant::now();
    while !window_title(&display).starts_with("b.bin: #") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            window_title(&display)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    xdotool(&display, &["mousemove", "300", "200"]);

    press(&display, "t");
    expect(&display, &mut viewer, BLUE_TINT, 100, "T tints the first");
    expect(
        &display,
        &mut viewer,
        ORANGE_TINT,
        100,
        "T tints the second",
    );
    press(&display, "t");
    expect(
        &display,
        &mut viewer,
        RED,
        100,
        "T again: the files' colours",
    );

    // D: the second file alone, every vertex moved by the most there is: the top of the map.
    press(&display, "d");
    let started = Instant::now();
    loop {
        viewer.assert_running();
        let title = window_title(&display);
        let shown = window_pixels(&display);
        let lit: Vec<[u8; 3]> = shown.into_iter().filter(|p| *p != [0, 0, 0]).collect();
        if title.starts_with("difference: 100 of 100 moved") && lit.len() == 100 {
            assert!(lit.iter().all(|p| *p == lit[0]), "one colour: {lit:?}");
            assert!(
                lit[0][0] > 100 && lit[0][2] < 60,
                "the map's hot end: {:?}",
                lit[0]
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{title}: {} lit",
            lit.len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    expect(&display, &mut viewer, GREEN, 0, "the difference alone");
    press(&display, "d");
    expect(&display, &mut viewer, GREEN, 100, "D again: the files");
    expect(&display, &mut viewer, RED, 100, "D again: the files");
}

const GROUND: [u8; 3] = [166, 110, 58];
const WATER: [u8; 3] = [40, 100, 240];

/// `view --color class`: the window shows each point in its class's colour (a 16-bit column
/// read in place, in the records' padding), C flips to the file's colours and back.
#[test]
fn the_window_colours_by_a_column_and_c_flips_to_the_files_colours() {
    let (_server, display) = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("classes.bin");
    // A red 10 × 10 block, its first 40 points class 2 (ground), the other 60 class 9 (water).
    let mut bytes = block(60, 10, [65535, 0, 0]);
    for (i, record) in bytes.chunks_exact_mut(20).enumerate() {
        let class: u16 = if i < 40 { 2 } else { 9 };
        record[18..20].copy_from_slice(&class.to_le_bytes());
    }
    std::fs::write(&file, bytes).unwrap();
    let size = format!("{W}x{H}");
    let args = [
        "view",
        file.to_str().unwrap(),
        "--layout",
        "pos:3f col:3H class:1H",
        "--color",
        "class",
        "--camera",
        "ndc",
        "--size",
        &size,
    ];
    let mut viewer = spawn_view(&display, &args);
    expect(&display, &mut viewer, GROUND, 40, "class 2");
    expect(&display, &mut viewer, WATER, 60, "class 9");
    press(&display, "c");
    expect(&display, &mut viewer, RED, 100, "the file's colours");
    expect(&display, &mut viewer, GROUND, 0, "the file's colours");
    press(&display, "c");
    expect(&display, &mut viewer, GROUND, 40, "class 2 again");
    expect(&display, &mut viewer, WATER, 60, "class 9 again");
}
