//! Command-line flags and the dispatch to each subcommand.

mod convert;
mod diff;
mod gen;
mod input;
mod inspect;
mod look;
mod progress;
mod render;
mod view;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Look at raw binary vertex files: 3 × f32 position, 3 × u16 colour, 2 pad bytes, 20-byte stride.
#[derive(Debug, Parser)]
#[command(name = "vertexview", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a file's summary, or its vertices.
    Inspect(inspect::Args),
    /// Write a deterministic sample vertex file.
    Gen(gen::Args),
    /// Render a file to a PNG without a window, optionally comparing with a reference image.
    Render(render::Args),
    /// Open a window that shows a file's points.
    View(view::Args),
    /// Convert between raw files, PLY, LAS and LAZ (in); raw or PLY (out).
    Convert(convert::Args),
    /// Compare two files vertex by vertex; exit 0 when the same, 1 when they differ, 2 when
    /// they cannot be compared.
    Diff(diff::Args),
}

/// Says on stderr that a file is empty: not an error, but rarely what the user meant.
fn note_if_empty(file: &vertexview::load::source::VertexSource) {
    if file.is_empty() {
        eprintln!(
            "vertexview: {} holds 0 vertices (empty file)",
            file.path().display()
        );
    }
}

/// Runs the command line; `Err` is reported as one line and exit status 1.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Gen(args)) => gen::run(args),
        Some(Command::Render(args)) => render::run(args),
        Some(Command::View(args)) => view::run(args),
        Some(Command::Convert(args)) => convert::run(args),
        Some(Command::Diff(args)) => diff::run(args),
        None => view::run_default(),
    }
}
