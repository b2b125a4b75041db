//! `vertexview view`, and bare `vertexview`: the window.

use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::gpu::{self, RenderSettings};
use vertexview::viewer::{self, ViewerError, ViewerOptions, CONTROLS};

use super::input::LayoutArgs;
use super::look::LookArgs;

#[derive(Debug, clap::Args)]
#[command(after_help = CONTROLS)]
pub struct Args {
    /// Vertex files to show, together in one scene under one camera (number keys show and hide
    /// each); without one, the built-in sample (assets/colors.bin).
    files: Vec<PathBuf>,
    #[command(flatten)]
    look: LookArgs,
    #[command(flatten)]
    layout: LayoutArgs,
    /// Draw this many frames, then exit (for smoke tests).
    #[arg(long, value_name = "N")]
    frames: Option<u64>,
    /// Do not reload the file when it changes on disk.
    #[arg(long)]
    no_watch: bool,
    /// Vertex data to keep on the GPU, such as 512M or 2G (default: half the free memory on
    /// software and integrated GPUs, 4G on others). A larger file keeps an even subsample there
    /// and streams the rest through when the view rests.
    #[arg(long, value_name = "SIZE", value_parser = parse_bytes)]
    gpu_memory: Option<u64>,
    /// Vertices a piece of the file holds on its way to the GPU (default: as many as one
    /// storage binding takes). Small pieces test how the picture fills in.
    #[arg(long, value_name = "N", hide = true, value_parser = clap::value_parser!(u64).range(1..))]
    piece_vertices: Option<u64>,
    /// Start with the on-screen panel hidden (H shows it).
    #[arg(long)]
    no_panel: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut sources = Vec::new();
    for path in &args.files {
        let (source, _) = super::input::open_source(path, &args.layout)?;
        super::note_if_empty(&source);
        sources.push(source);
    }
    if sources.is_empty() {
        sources.push(viewer::built_in_sample()?);
    }
    // A first camera from each file's evenly spread sample (milliseconds, whatever the size),
    // over all of them, as `render` frames them.
    let (framing, column) = args.look.frame(&mut sources)?;
    let colored = sources.iter().all(|s| s.has_color());
    let settings = args.look.settings(
        Some(&framing),
        args.look.up(sources[0].up()),
        colored,
        column.as_ref().map(|c| c.colors),
    );
    let sources_up = sources[0].up();
    let source = sources.remove(0);
    viewer::run(ViewerOptions {
        settings,
        colors_chosen: args.look.ramp(colored),
        ramp: args
            .look
            .ramp_over(Some(&framing), args.look.up(sources_up)),
        ramp_range_chosen: args.look.range.is_some(),
        column,
        panel: !args.no_panel,
        source,
        others: sources,
        frames: args.frames,
        watch: !args.no_watch,
        gpu_memory: args.gpu_memory,
        piece_vertices: args.piece_vertices,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Bare `vertexview`: the sample in a window, or, with no display, rendered to a PNG.
pub fn run_default() -> anyhow::Result<ExitCode> {
    let options = ViewerOptions {
        settings: RenderSettings::default(),
        colors_chosen: false,
        ramp: gpu::Ramp {
            axis: gpu::RampAxis::Height,
            min: 0.0,
            max: 1.0,
            map: gpu::ColorMap::default(),
        },
        ramp_range_chosen: false,
        column: None,
        panel: true,
        source: viewer::built_in_sample()?,
        others: Vec::new(),
        frames: None,
        watch: false,
        gpu_memory: None,
        piece_vertices: None,
    };
    match viewer::run(options) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(ViewerError::NoDisplay(why)) => {
            let output = "vertexview-sample.png";
            let sample = viewer::built_in_sample()?;
            let gpu = gpu::GpuContext::headless()?;
            gpu::render(
                &gpu,
                &[&sample],
                &RenderSettings::default(),
                Default::default(),
            )?
            .write_png(output)?;
            eprintln!(
                "vertexview: {why}; rendered the built-in sample to {output} instead \
                 (`vertexview --help` lists the commands)"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}

/// A size in bytes: a number with an optional K, M, G or T (powers of 1024; `B`, `iB` allowed).
fn parse_bytes(s: &str) -> Result<u64, String> {
    let bad = || format!("'{s}' is not a size such as 512M or 2G");
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let scale: u64 = match unit {
        ' ' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        'T' => 1 << 40,
        _ => return Err(bad()),
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    if !value.is_finite() || value <= 0.0 {
        return Err(bad());
    }
    Ok((value * scale as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("2G"), Ok(2 << 30));
        assert_eq!(parse_bytes("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_bytes("64kB"), Ok(64 << 10));
        for bad in ["", "G", "-1G", "nanG", "inf", "2X", "0"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }
}
