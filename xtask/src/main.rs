//! `cargo xtask test [ARGS…]`: makes sure this machine has what vertexview's test suite needs,
//! then runs `cargo test ARGS…` on the default adapter and again on the GL backend. `cargo test` itself stays plain; this is what a fresh machine and CI run.
//!
//! What the suite needs beyond Rust:
//! - Mesa's software Vulkan driver, so the GPU tests have an adapter besides GL (lavapipe);
//! - Xvfb, xwd and xdotool for the window tests, and the X11 libraries winit loads at run time;
//! - Python's `plyfile`, and `laspy` with `lazrs`: the independent PLY, LAS and LAZ readers that
//!   check what `convert` writes.
//!
//! Missing Debian packages are installed with `apt-get` when running as root; otherwise the one
//! command to run is printed and the run stops (exit 1). `cargo xtask setup` only installs.

use std::env;
use std::ffi::OsString;
use std::process::{exit, Command};
use std::time::Instant;

/// Debian packages the suite needs, and why.
const PACKAGES: [(&str, &str); 10] = [
    ("mesa-vulkan-drivers", "a Vulkan adapter (lavapipe)"),
    ("libvulkan1", "the Vulkan loader"),
    ("xvfb", "a display for the window tests"),
    ("x11-apps", "xwd, the window tests' screenshots"),
    ("xdotool", "the window tests' input"),
    ("libxkbcommon-x11-0", "winit's keyboard on X11"),
    ("libx11-6", "winit on X11"),
    ("libxcursor1", "winit on X11"),
    ("libxi6", "winit on X11"),
    ("libxrandr2", "winit on X11"),
];

fn main() {
    let mut args = env::args_os().skip(1);
    let task = args.next().and_then(|a| a.into_string().ok());
    let rest: Vec<OsString> = args.collect();
    let code = match task.as_deref() {
        Some("setup") => setup(),
        Some("test") => setup().and_then(|()| test(&rest)),
        _ => {
            eprintln!("usage: cargo xtask test [CARGO TEST ARGS…] | cargo xtask setup");
            exit(2);
        }
    };
    if let Err(message) = code {
        eprintln!("xtask: {message}");
        exit(1);
    }
}

/// Installs what is missing, or says how.
fn setup() -> Result<(), String> {
    let missing: Vec<&str> = if have("dpkg") {
        PACKAGES
            .iter()
            .filter(|(name, _)| !installed(name))
            .map(|(name, _)| *name)
            .collect()
    } else {
        eprintln!(
            "xtask: not a Debian system; make sure these are installed: {}",
            PACKAGES
                .map(|(name, why)| format!("{name} ({why})"))
                .join(", ")
        );
        Vec::new()
    };
    if !missing.is_empty() {
        let command = format!("apt-get install -y {}", missing.join(" "));
        if !is_root() {
            return Err(format!(
                "the test suite needs Debian packages that are missing; run\n    sudo apt-get update && sudo {command}\nthen run this again"
            ));
        }
        eprintln!("xtask: installing {}", missing.join(" "));
        let started = Instant::now();
        let apt = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .map_err(|e| format!("apt-get: {e}"))
                .and_then(|s| {
                    s.success()
                        .then_some(())
                        .ok_or(format!("apt-get {} failed ({s})", args.join(" ")))
                })
        };
        apt(&["update", "-qq"])?;
        let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
        install.extend(&missing);
        apt(&install)?;
        eprintln!(
            "xtask: installed in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    // Independent readers of what `convert` writes: (module, the pip packages that bring it).
    for (module, packages) in [
        ("plyfile", &["plyfile"][..]),
        ("laspy", &["laspy"][..]),
        ("lazrs", &["lazrs"][..]),
    ] {
        if python_has(module) {
            continue;
        }
        eprintln!("xtask: installing {} (PyPI)", packages.join(" "));
        let mut args = vec![
            "-m",
            "pip",
            "install",
            "--quiet",
            "--root-user-action=ignore",
        ];
        args.extend(packages);
        let ok = Command::new(python())
            .args(&args)
            .status()
            .is_ok_and(|s| s.success());
        if !ok || !python_has(module) {
            return Err(format!(
                "the format tests need Python's {module}; run\n    {} -m pip install {}",
                python(),
                packages.join(" ")
            ));
        }
    }
    Ok(())
}

/// `cargo test ARGS` on the default adapter (Vulkan where there is a driver), then again on the
/// GL backend (`WGPU_BACKEND=gl`): every GPU test must hold on both.
fn test(args: &[OsString]) -> Result<(), String> {
    run_cargo_test(args, &[], "default adapter")?;
    run_cargo_test(args, &[("WGPU_BACKEND", "gl")], "GL backend")
}

fn run_cargo_test(args: &[OsString], envs: &[(&str, &str)], what: &str) -> Result<(), String> {
    eprintln!("xtask: cargo test ({what})");
    let started = Instant::now();
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .arg("test")
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    eprintln!(
        "xtask: {what}: {} in {:.0} s",
        if status.success() { "passed" } else { "failed" },
        started.elapsed().as_secs_f64()
    );
    status
        .success()
        .then_some(())
        .ok_or(format!("cargo test ({what}) failed"))
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn python() -> &'static str {
    "python3"
}

fn python_has(module: &str) -> bool {
    Command::new(python())
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
