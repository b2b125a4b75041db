//! `vertexview view`, and bare `vertexview`: the window.

use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::gpu::{self, RenderSettings};
use vertexview::viewer::{self, ViewerError, ViewerOptions, CONTROLS};

use super::look::LookArgs;

#[derive(Debug, clap::Args)]
#[command(after_help = CONTROLS)]
pub struct Args {
    /// Vertex file to show; without one, the built-in sample (assets/colors.bin).
    file: Option<PathBuf>,
    #[command(flatten)]
    look: LookArgs,
    /// Draw this many frames, then exit (for smoke tests).
    #[arg(long, value_name = "N")]
    frames: Option<u64>,
    /// Do not reload the file when it changes on disk.
    #[arg(long)]
    no_watch: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = match &args.file {
        Some(path) => viewer::load_with_progress(path)?,
        None => viewer::built_in_sample()?,
    };
    super::note_if_empty(&file);
    let settings = args.look.settings(&file);
    viewer::run(ViewerOptions {
        settings,
        colors_chosen: args.look.height_colors,
        file,
        frames: args.frames,
        watch: !args.no_watch,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Bare `vertexview`: the sample in a window, or, with no display, rendered to a PNG.
pub fn run_default() -> anyhow::Result<ExitCode> {
    let file = viewer::built_in_sample()?;
    let options = ViewerOptions {
        settings: RenderSettings::default(),
        colors_chosen: false,
        file,
        frames: None,
        watch: false,
    };
    match viewer::run(options) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(ViewerError::NoDisplay(why)) => {
            let output = "vertexview-sample.png";
            let file = viewer::built_in_sample()?;
            gpu::render_file(&file, &RenderSettings::default())?.write_png(output)?;
            eprintln!(
                "vertexview: {why}; rendered the built-in sample to {output} instead \
                 (`vertexview --help` lists the commands)"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}
