//! Helpers shared by the GPU tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use vertexview::gpu::{
    FrameParams, GpuContext, OffscreenTarget, PointRenderer, VertexBuffers, OFFSCREEN_TARGET,
};
use vertexview::image::{self, RgbaImage};
use vertexview::Vertex;

/// A device on whatever adapter there is. No adapter fails the test: these tests must run in CI,
/// which installs Mesa's software Vulkan driver for them.
pub fn gpu() -> GpuContext {
    match GpuContext::headless() {
        Ok(gpu) => gpu,
        Err(e) => panic!("GPU tests need an adapter (apt-get install mesa-vulkan-drivers): {e}"),
    }
}

/// Renders `vertices` with explicit parameters, through the library's public pieces.
pub fn render(
    gpu: &GpuContext,
    vertices: &VertexBuffers,
    params: &FrameParams,
    background: [u8; 3],
) -> RgbaImage {
    let target = OffscreenTarget::new(&gpu.device, params.viewport).unwrap();
    let mut renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET);
    let image = target
        .render(
            &gpu.device,
            &gpu.queue,
            &mut renderer,
            vertices,
            params,
            background,
        )
        .unwrap();
    assert!(gpu.take_error().is_none());
    image
}

pub fn upload(gpu: &GpuContext, vertices: &[Vertex]) -> VertexBuffers {
    VertexBuffers::upload(&gpu.device, vertices).unwrap()
}

/// Clip-space x, y of the centre of pixel (px, py) on a w × h target.
pub fn pixel_center(px: u32, py: u32, w: u32, h: u32) -> (f32, f32) {
    (
        (px as f32 + 0.5) / w as f32 * 2.0 - 1.0,
        1.0 - (py as f32 + 0.5) / h as f32 * 2.0,
    )
}

/// The byte a stored 16-bit channel must become: round(v · 255 / 65535).
pub fn expected_byte(v: u16) -> u8 {
    (f64::from(v) * 255.0 / 65535.0).round() as u8
}

pub fn assert_close(got: [u8; 4], want: [u8; 3], what: &str) {
    for i in 0..3 {
        assert!(
            got[i].abs_diff(want[i]) <= 1,
            "{what}: got {got:?}, want {want:?} (within 1)"
        );
    }
}

/// Pixels that differ from the background.
pub fn lit_pixels(image: &RgbaImage, background: [u8; 3]) -> Vec<(u32, u32)> {
    let mut lit = Vec::new();
    for y in 0..image.height() {
        for x in 0..image.width() {
            if image.pixel(x, y).unwrap()[..3] != background {
                lit.push((x, y));
            }
        }
    }
    lit
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `image` with `tests/golden/{name}.png` by mean FLIP error. `VERTEXVIEW_BLESS=1`
/// (re)writes the reference instead; a failure leaves `{name}.actual.png` and `{name}.diff.png`
/// beside the reference for a reviewer to look at.
pub fn check_golden(name: &str, image: &RgbaImage, threshold: f32) {
    let reference = golden_dir().join(format!("{name}.png"));
    if std::env::var_os("VERTEXVIEW_BLESS").is_some() {
        image.write_png(&reference).unwrap();
        return;
    }
    let expected = RgbaImage::read_png(&reference).unwrap_or_else(|e| {
        panic!("{e}: run with VERTEXVIEW_BLESS=1 to write it, then look at it")
    });
    let comparison = image::compare(&expected, image).unwrap();
    if !comparison.passes(threshold) {
        image
            .write_png(golden_dir().join(format!("{name}.actual.png")))
            .unwrap();
        comparison
            .diff
            .write_png(golden_dir().join(format!("{name}.diff.png")))
            .unwrap();
        panic!(
            "{name}: mean FLIP {} over {threshold} ({} pixels differ); see tests/golden/{name}.actual.png and .diff.png",
            comparison.mean_flip, comparison.differing_pixels
        );
    }
}
