//! The binary as a headless CI job runs it: no display, no desktop session, nothing on stdin.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `vertexview` with no display and none of Mesa's session variables: every line it prints on
/// stderr must then be its own (the binary switches Mesa's device-select layer off itself, so
/// `NODEVICE_SELECT`, which `.cargo/config.toml` sets for the tests, is removed).
pub fn vertexview() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vertexview"));
    command
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("NODEVICE_SELECT")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null());
    command
}

pub fn run(args: &[&str]) -> Output {
    vertexview().args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr, whole, without its last line break.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim_end().to_owned()
}

pub fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `vertexview gen --shape SHAPE --count COUNT` into `dir/name`, which must succeed.
pub fn gen(dir: &Path, name: &str, shape: &str, count: &str) -> PathBuf {
    let path = dir.join(name);
    let out = run(&["gen", "--shape", shape, "--count", count, "-o", &s(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    path
}
