//! The `vertexview` command: a thin layer that turns flags into calls of the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Panics are bugs, but if one slips through the user still gets one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("vertexview: internal error (please report): {message}");
    }));
    quiet_mesa_device_select();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("vertexview: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Mesa's implicit Vulkan layer `VK_LAYER_MESA_device_select` connects to Wayland to pick a default
/// GPU, and without a desktop session prints `error: XDG_RUNTIME_DIR is invalid or not set` twice
/// on every run. wgpu chooses its adapter itself, so the layer adds nothing here: switch it off
/// for this process (its manifest honours `NODEVICE_SELECT=1`), unless the user set the variable.
/// Done first thing, while the process has one thread, before any Vulkan instance exists.
fn quiet_mesa_device_select() {
    if std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY (of the environment): no other thread exists yet to read it concurrently.
        std::env::set_var("NODEVICE_SELECT", "1");
    }
}
