//! Driving the viewer for real in tests: a private Xvfb, screenshots with `xwd -root`, the
//! window's title through xdotool. Missing tools fail the test rather than skip it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The window's size in the tests: small, so screenshots are quick to compare.
pub const W: u32 = 320;
/// See [`W`].
pub const H: u32 = 240;

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Killed {
    /// Fails the test with the process's stderr (when piped) if it has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.0.try_wait().unwrap() {
            panic!(
                "the viewer exited ({status}): {}",
                self.0.wait_with_output_ref()
            );
        }
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private X server on a display number it picks itself (`-displayfd`), so tests running at
/// the same time never share one.
pub fn xvfb() -> (Killed, String) {
    let child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "640x480x24",
            "-nolisten",
            "tcp",
            // Without it the server resets whenever its last client disconnects, and refuses
            // connections while it does: a viewer starting while `xwd` polls the screen then
            // fails to open its window (seen as 3 failures in 8 loaded runs; 0 in 12 with it).
            "-noreset",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is needed for this test (apt-get install xvfb x11-apps)");
    let mut server = Killed(child);
    let mut number = String::new();
    let stdout = server.0.stdout.take().expect("piped stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut number).unwrap();
    let number = number.trim();
    assert!(
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
        "Xvfb said {number:?}"
    );
    (server, format!(":{number}"))
}

/// The whole screen as RGB pixels, via `xwd -root` (an XWD file: big-endian header, then pixels).
pub fn screenshot(display: &str) -> (u32, u32, Vec<[u8; 3]>) {
    let out = Command::new("xwd")
        .args(["-root", "-silent", "-display", display])
        .output()
        .expect("xwd is needed for this test (apt-get install x11-apps)");
    assert!(
        out.status.success(),
        "xwd failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = out.stdout;
    let field = |i: usize| u32::from_be_bytes(d[i * 4..i * 4 + 4].try_into().unwrap());
    let (header_size, width, height) = (field(0) as usize, field(4), field(5));
    let (lsb_first, bits_per_pixel, bytes_per_line) =
        (field(7) == 0, field(11), field(12) as usize);
    let (red, green, blue, ncolors) = (field(14), field(15), field(16), field(19) as usize);
    assert_eq!(
        bits_per_pixel, 32,
        "expected a 24-bit screen in 32-bit pixels"
    );
    let data = &d[header_size + ncolors * 12..];
    let channel = |px: u32, mask: u32| ((px & mask) >> mask.trailing_zeros()) as u8;
    let mut pixels = Vec::with_capacity((width * height) as usize);
    for y in 0..height as usize {
        for x in 0..width as usize {
            let raw: [u8; 4] = data[y * bytes_per_line + x * 4..][..4].try_into().unwrap();
            let px = if lsb_first {
                u32::from_le_bytes(raw)
            } else {
                u32::from_be_bytes(raw)
            };
            pixels.push([channel(px, red), channel(px, green), channel(px, blue)]);
        }
    }
    (width, height, pixels)
}

pub fn count(pixels: &[[u8; 3]], color: [u8; 3]) -> usize {
    pixels.iter().filter(|&&p| p == color).count()
}

/// `vertexview ARGS` on `display`, in `cwd`; a `view` with its panel hidden, which would cover
/// the points the tests count ([`viewer_with_panel`] shows it).
pub fn viewer(display: &str, args: &[&str], cwd: &Path) -> Command {
    let mut command = viewer_with_panel(display, args, cwd);
    if args.first() == Some(&"view") {
        command.arg("--no-panel");
    }
    command
}

/// `vertexview ARGS` on `display`, in `cwd`, as given.
pub fn viewer_with_panel(display: &str, args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vertexview"));
    command
        .args(args)
        .current_dir(cwd)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY");
    command
}

/// What a child wrote to its piped stderr, once it has exited.
pub trait StderrOf {
    fn wait_with_output_ref(&mut self) -> String;
}

impl StderrOf for Child {
    fn wait_with_output_ref(&mut self) -> String {
        let _ = self.wait();
        let mut text = String::new();
        if let Some(mut err) = self.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
        }
        text
    }
}

/// CPU seconds a process has used, from /proc.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// The window's title, through xdotool.
pub fn window_title(display: &str) -> String {
    let out = Command::new("xdotool")
        .args(["search", "--name", "vertexview", "getwindowname"])
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is needed for this test (apt-get install xdotool)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The W × H pixels at the top-left of the screen, where the window sits (there is no window
/// manager to move it).
pub fn window_pixels(display: &str) -> Vec<[u8; 3]> {
    let (width, _, pixels) = screenshot(display);
    (0..H)
        .flat_map(|y| (0..W).map(move |x| (x, y)))
        .map(|(x, y)| pixels[(y * width + x) as usize])
        .collect()
}

/// Runs `vertexview ARGS` in `cwd` (a command without a window: convert, render), which must
/// succeed; its output.
pub fn vertexview_ok<S: AsRef<std::ffi::OsStr>>(
    args: impl IntoIterator<Item = S>,
    cwd: &Path,
) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_vertexview"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs xdotool on `display`; its output, trimmed. Fails the test if it fails.
pub fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is needed for this test (apt-get install xdotool)");
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Presses `key` in the viewer's window.
pub fn press(display: &str, key: &str) {
    let window = xdotool(display, &["search", "--sync", "--name", "vertexview"]);
    let window = window.lines().next().unwrap_or_default().to_owned();
    xdotool(display, &["windowfocus", &window]);
    xdotool(display, &["key", key]);
}

/// A `side` × `side` block of points of one colour, one per pixel of the W × H window from
/// pixel (`left`, 40), in clip space, as default records.
pub fn block(left: u32, side: u32, color: [u16; 3]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for py in 40..40 + side {
        for px in left..left + side {
            let x = (px as f32 + 0.5) / W as f32 * 2.0 - 1.0;
            let y = 1.0 - (py as f32 + 0.5) / H as f32 * 2.0;
            for v in [x, y, 0.5] {
                bytes.extend(v.to_le_bytes());
            }
            for c in [color[0], color[1], color[2], 0] {
                bytes.extend(c.to_le_bytes());
            }
        }
    }
    bytes
}
