//! `vertexview render`: a PNG without a window, and an optional comparison with a reference.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use vertexview::gpu;
use vertexview::gpu::image::{self, RgbaImage};
use vertexview::write::output;

use super::input::LayoutArgs;
use super::look::LookArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vertex files to render: one, or several drawn together in one scene with one camera
    /// fitted over all (of equal depth, the earlier file's point shows).
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// PNG to write.
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    look: LookArgs,
    #[command(flatten)]
    layout: LayoutArgs,
    /// Compare the result with this PNG; exit 1 if they differ by more than --threshold. A missing
    /// reference is written from the result (and the run exits 1 saying so).
    #[arg(long, value_name = "REF.png")]
    reference: Option<PathBuf>,
    /// Largest mean FLIP error (0 identical .. 1 opposite) that still passes.
    #[arg(long, default_value_t = image::DEFAULT_THRESHOLD, requires = "reference", allow_hyphen_values = true, value_parser = parse_threshold)]
    threshold: f32,
}

fn parse_threshold(s: &str) -> Result<f32, String> {
    let t = super::look::parse_finite(s)?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("'{s}' is not a threshold from 0 to 1"))
    }
}

/// Refuses, before any work, every output that would overwrite an input.
fn check_outputs(args: &Args) -> anyhow::Result<()> {
    let diff = diff_path(&args.output);
    for output in [&args.output, &diff] {
        for file in &args.files {
            output::ensure_not_input(output, file)?;
        }
        if let Some(reference) = &args.reference {
            output::ensure_not_input(output, reference)?;
        }
    }
    // A missing reference is written from the result.
    if let Some(reference) = &args.reference {
        for file in &args.files {
            output::ensure_not_input(reference, file)?;
        }
    }
    if args
        .reference
        .as_ref()
        .is_some_and(|r| r == &args.output || output::is_same_file(r, &args.output))
    {
        anyhow::bail!(
            "{}: is both the output and the reference; choose another output",
            args.output.display()
        );
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    check_outputs(&args)?;
    let mut sources = Vec::new();
    for file in &args.files {
        let (source, _) = super::input::open_source(file, &args.layout)?;
        super::note_if_empty(&source);
        sources.push(source);
    }
    let colored = sources.iter().all(|s| s.has_color());
    // The camera and the height ramp are fitted to an evenly spread sample of each file (all of
    // a small one), as the viewer fits them, so that a render and the window agree; then the
    // files piece by piece: memory stays at a few pieces whatever their sizes, and a big file is
    // read once.
    let (framing, column) = if args.look.needs_bounds(colored) {
        let (framing, column) = args.look.frame(&mut sources)?;
        (Some(framing), column)
    } else {
        (None, None)
    };
    let stats = framing.map(|f| f.stats);
    let settings = args.look.settings(
        framing.as_ref(),
        args.look.up(sources[0].up()),
        colored,
        column.as_ref().map(|c| c.colors),
    );
    let total: u64 = sources.iter().map(|s| s.len()).sum();
    let name = match &args.files[..] {
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    };
    let gpu = gpu::GpuContext::headless()?;
    let bar = super::progress::count_bar(format!("drawing {name}"), total);
    let image = gpu::render(
        &gpu,
        &sources.iter().collect::<Vec<_>>(),
        &settings,
        gpu::RenderOptions {
            stats: stats.as_ref(),
            progress: Some(&mut |done, _| bar.set_position(done)),
            ..Default::default()
        },
    );
    bar.finish_and_clear();
    let image = image?;
    image.write_png(&args.output)?;
    eprintln!(
        "wrote {} ({}x{})",
        args.output.display(),
        image.width(),
        image.height()
    );
    match &args.reference {
        None => Ok(ExitCode::SUCCESS),
        Some(reference) => check_reference(&image, reference, &args.output, args.threshold),
    }
}

fn check_reference(
    image: &RgbaImage,
    reference: &Path,
    output: &Path,
    threshold: f32,
) -> anyhow::Result<ExitCode> {
    if !reference.exists() {
        image.write_png(reference)?;
        eprintln!(
            "vertexview: reference {} did not exist; wrote it from this render: review it, then run again",
            reference.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let expected = RgbaImage::read_png(reference)?;
    let comparison = image::compare(&expected, image)?;
    // Beside a regular output only: `-o /dev/null` must not put files into /dev.
    let diff = diff_path(output);
    let beside_a_file = std::fs::metadata(output).is_ok_and(|m| m.is_file());
    let diff_note = if beside_a_file {
        comparison
            .diff
            .write_png(&diff)
            .with_context(|| "writing the difference image")?;
        format!("difference image {}", diff.display())
    } else {
        "no difference image (the output is not a regular file)".to_owned()
    };
    let verdict = if comparison.passes(threshold) {
        "pass"
    } else {
        "FAIL"
    };
    println!(
        "mean FLIP {:.5} (threshold {threshold}), {} pixels differ, {verdict}; {diff_note}",
        comparison.mean_flip, comparison.differing_pixels,
    );
    Ok(if comparison.passes(threshold) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `out.png` → `out.diff.png`, beside it.
fn diff_path(output: &Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    output.with_file_name(format!("{stem}.diff.png"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_image_goes_beside_the_output() {
        assert_eq!(
            diff_path(Path::new("out/a.png")),
            Path::new("out/a.diff.png")
        );
    }
}
