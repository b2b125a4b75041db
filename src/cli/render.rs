//! `vertexview render`: a PNG without a window, and an optional comparison with a reference.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use vertexview::camera::{CameraMode, DEFAULT_PITCH, DEFAULT_YAW};
use vertexview::gpu::{self, ColorMode, PointShape, RenderSettings};
use vertexview::image::{self, RgbaImage};
use vertexview::VertexFile;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vertex file to render.
    file: PathBuf,
    /// PNG to write.
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    look: LookArgs,
    /// Compare the result with this PNG; exit 1 if they differ by more than --threshold. A missing
    /// reference is written from the result (and the run exits 1 saying so).
    #[arg(long, value_name = "REF.png")]
    reference: Option<PathBuf>,
    /// Largest mean FLIP error (0 identical .. 1 opposite) that still passes.
    #[arg(long, default_value_t = image::DEFAULT_THRESHOLD, requires = "reference")]
    threshold: f32,
}

/// The flags that say how a picture looks, shared by `render` and `view`.
#[derive(Debug, Clone, clap::Args)]
pub struct LookArgs {
    /// Image size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: [u32; 2],
    /// fit: perspective view of the whole data; ndc: positions are clip-space coordinates.
    #[arg(long, value_enum, default_value_t = CameraArg::Fit)]
    pub camera: CameraArg,
    /// Degrees around the vertical axis (fit camera); 0 looks from +z.
    #[arg(long, default_value_t = DEFAULT_YAW, allow_negative_numbers = true)]
    pub yaw: f32,
    /// Degrees above the horizon (fit camera), -89 to 89.
    #[arg(long, default_value_t = DEFAULT_PITCH, allow_negative_numbers = true)]
    pub pitch: f32,
    /// Point width in pixels; 1 draws one pixel per vertex.
    #[arg(long, default_value_t = 1.0, value_parser = parse_point_size)]
    pub point_size: f32,
    /// Draw points wider than 1 pixel as round discs instead of squares.
    #[arg(long)]
    pub round: bool,
    /// Colour by height (a ramp over y) instead of the file's colours.
    #[arg(long)]
    pub height_colors: bool,
    /// Background colour, '#RRGGBB'.
    #[arg(long, default_value = "#000000", value_parser = parse_color)]
    pub background: [u8; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CameraArg {
    Fit,
    Ndc,
}

impl LookArgs {
    pub fn settings(&self, file: &VertexFile) -> RenderSettings {
        RenderSettings {
            size: self.size,
            camera: match self.camera {
                CameraArg::Fit => CameraMode::Fit {
                    yaw: self.yaw,
                    pitch: self.pitch,
                },
                CameraArg::Ndc => CameraMode::Ndc,
            },
            point_size: self.point_size,
            shape: if self.round {
                PointShape::Round
            } else {
                PointShape::Square
            },
            color_mode: if self.height_colors {
                height_ramp(file)
            } else {
                ColorMode::File
            },
            background: self.background,
        }
    }
}

/// The height ramp over the file's y range.
pub fn height_ramp(file: &VertexFile) -> ColorMode {
    match file.stats().bounds {
        Some(b) => ColorMode::Height {
            min: b.min.y,
            max: b.max.y,
        },
        None => ColorMode::Height { min: 0.0, max: 1.0 },
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = VertexFile::open(&args.file)?;
    if file.is_empty() {
        eprintln!(
            "vertexview: {} holds 0 vertices (empty file)",
            file.path().display()
        );
    }
    let image = gpu::render_file(&file, &args.look.settings(&file))?;
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
    let diff_path = diff_path(output);
    comparison
        .diff
        .write_png(&diff_path)
        .with_context(|| "writing the difference image")?;
    let verdict = if comparison.passes(threshold) {
        "pass"
    } else {
        "FAIL"
    };
    println!(
        "mean FLIP {:.5} (threshold {threshold}), {} pixels differ, {verdict}; difference image {}",
        comparison.mean_flip,
        comparison.differing_pixels,
        diff_path.display()
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

fn parse_size(s: &str) -> Result<[u32; 2], String> {
    let bad = || format!("'{s}' is not WIDTHxHEIGHT, such as 1920x1080");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|&n| (1..=16384).contains(&n))
    };
    Ok([side(w).ok_or_else(bad)?, side(h).ok_or_else(bad)?])
}

fn parse_point_size(s: &str) -> Result<f32, String> {
    s.parse::<f32>()
        .ok()
        .filter(|v| (1.0..=256.0).contains(v))
        .ok_or_else(|| format!("'{s}' is not a point size from 1 to 256"))
}

fn parse_color(s: &str) -> Result<[u8; 3], String> {
    let hex = s.strip_prefix('#').unwrap_or(s);
    let bad = || format!("'{s}' is not a colour like '#1e1e2e'");
    if hex.len() != 6 || !hex.is_ascii() {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_parsers() {
        assert_eq!(parse_size("1920x1080"), Ok([1920, 1080]));
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("wide").is_err());
        assert_eq!(parse_color("#1E1e2e"), Ok([0x1e, 0x1e, 0x2e]));
        assert!(parse_color("#12345").is_err());
        assert!(parse_color("#ééé").is_err());
        assert!(parse_point_size("0.5").is_err());
        assert!(parse_point_size("NaN").is_err());
        assert_eq!(
            diff_path(Path::new("out/a.png")),
            Path::new("out/a.diff.png")
        );
    }
}
