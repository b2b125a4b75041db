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
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("vertexview: {error:#}");
            ExitCode::FAILURE
        }
    }
}
