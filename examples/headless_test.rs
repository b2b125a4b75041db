//! A render regression test written with the library, as a user's CI would run it.
//!
//! ```text
//! cargo run --example headless_test -- [FILE] [REFERENCE.png]
//! ```
//!
//! The first run writes the reference (look at it); later runs compare against it with the same
//! perceptual measure as `vertexview render --reference`, and exit 1 with a difference image when
//! the picture changed. In a `#[test]`, the body of `main` is the whole test.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::camera::CameraMode;
use vertexview::gpu::image::{self, RgbaImage};
use vertexview::gpu::{self, GpuContext, RenderOptions, RenderSettings};
use vertexview::VertexSource;

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let data = args.next().unwrap_or_else(|| "assets/colors.bin".into());
    let reference = args
        .next()
        .unwrap_or_else(|| "target/headless_test-reference.png".into());

    // Load, render offscreen (no window, no display), read the pixels back.
    let gpu = GpuContext::headless()?;
    let source = VertexSource::open(&data)?;
    let settings = RenderSettings {
        size: [640, 360],
        camera: CameraMode::Fit {
            yaw: 30.0,
            pitch: 35.0,
        },
        point_size: 2.0,
        ..RenderSettings::default()
    };
    let result = gpu::render(&gpu, &[&source], &settings, RenderOptions::default())?;

    if !reference.exists() {
        result.write_png(&reference)?;
        println!(
            "wrote {}: look at it, then run again to compare",
            reference.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let comparison = image::compare(&RgbaImage::read_png(&reference)?, &result)?;
    println!(
        "mean FLIP error {:.5}, {} pixels differ",
        comparison.mean_flip, comparison.differing_pixels
    );
    if comparison.passes(image::DEFAULT_THRESHOLD) {
        return Ok(ExitCode::SUCCESS);
    }
    result.write_png("target/headless_test-actual.png")?;
    comparison.diff.write_png("target/headless_test-diff.png")?;
    println!("FAIL: see target/headless_test-actual.png and target/headless_test-diff.png");
    Ok(ExitCode::FAILURE)
}
