//! Helpers shared by the GPU tests.
#![allow(dead_code)]

pub mod headless;
pub mod serve;

use std::path::{Path, PathBuf};

use vertexview::gpu::image::{self, RgbaImage};
use vertexview::gpu::{self, RenderOptions, RenderSettings};
use vertexview::gpu::{
    AtomicWidth, ComputeSupport, DeviceOptions, FrameParams, GpuContext, OffscreenTarget,
    PointCloud, PointFrame, PointRenderer, Raster, RasterPath, VertexBuffers, OFFSCREEN_TARGET,
};
use vertexview::{Vertex, VertexFile, VertexSource};

/// A device on whatever adapter there is. No adapter fails the test: these tests must run in CI,
/// which installs Mesa's software Vulkan driver for them.
pub fn gpu() -> GpuContext {
    match GpuContext::headless() {
        Ok(gpu) => gpu,
        Err(e) => panic!("GPU tests need an adapter (cargo xtask setup): {e}"),
    }
}

/// The ways a picture can be drawn: the pipeline, and the compute rasteriser with 64-bit and
/// with 32-bit atomics.
pub const PATHS: [(Raster, AtomicWidth, &str); 3] = [
    (Raster::Pipeline, AtomicWidth::Widest, "pipeline"),
    (
        Raster::Compute,
        AtomicWidth::Widest,
        "compute, 64-bit atomics",
    ),
    (
        Raster::Compute,
        AtomicWidth::Bits32,
        "compute, 32-bit atomics",
    ),
];

/// Renders `vertices` with explicit parameters by one path, through the library's public pieces.
pub fn render_by(
    gpu: &GpuContext,
    vertices: &VertexBuffers,
    params: &FrameParams,
    background: [u8; 3],
    raster: Raster,
    atomics: AtomicWidth,
) -> RgbaImage {
    let mut target = OffscreenTarget::new(&gpu.device, params.viewport).unwrap();
    let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
    let params = FrameParams { raster, ..*params };
    let cloud = PointCloud::new(&gpu.device, &renderer, vertices).unwrap();
    let path = match raster {
        Raster::Pipeline => RasterPath::Pipeline,
        _ => RasterPath::Compute,
    };
    let chosen = PointFrame::new(&renderer, params.viewport).add(&cloud, &params);
    assert_eq!(chosen, path, "{:?}", renderer.compute_support());
    let image = target
        .render(
            &gpu.device,
            &gpu.queue,
            &renderer,
            &[(&cloud, params)],
            background,
        )
        .unwrap();
    assert!(gpu.take_error().is_none());
    image
}

/// Renders `vertices` by every path ([`PATHS`]), asserts that they give the same pixels, and
/// returns the picture.
pub fn render(
    gpu: &GpuContext,
    vertices: &VertexBuffers,
    params: &FrameParams,
    background: [u8; 3],
) -> RgbaImage {
    let mut images = PATHS
        .iter()
        .map(|&(raster, atomics, name)| {
            (
                name,
                render_by(gpu, vertices, params, background, raster, atomics),
            )
        })
        .collect::<Vec<_>>();
    let (_, pipeline) = images.remove(0);
    for (name, image) in images {
        assert_same_pixels(&pipeline, &image, name);
    }
    pipeline
}

/// Asserts equal pictures, naming the first pixels that differ.
pub fn assert_same_pixels(expected: &RgbaImage, got: &RgbaImage, what: &str) {
    assert_eq!(
        (expected.width(), expected.height()),
        (got.width(), got.height())
    );
    let differ: Vec<(u32, u32, [u8; 4], [u8; 4])> = (0..expected.height())
        .flat_map(|y| (0..expected.width()).map(move |x| (x, y)))
        .filter_map(|(x, y)| {
            let (a, b) = (expected.pixel(x, y).unwrap(), got.pixel(x, y).unwrap());
            (a != b).then_some((x, y, a, b))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{what}: {} pixels differ from the pipeline's, first (x, y, pipeline, {what}): {:?}",
        differ.len(),
        &differ[..differ.len().min(8)]
    );
}

/// A device without the optional features: uploads staged, 32-bit atomics only, as on a
/// discrete GPU under GL or the web, whatever this adapter has.
pub fn plain_gpu() -> GpuContext {
    let options = DeviceOptions {
        mapped_buffers: false,
        atomics64: false,
    };
    match GpuContext::headless_with(options) {
        Ok(gpu) => gpu,
        Err(e) => panic!("GPU tests need an adapter (cargo xtask setup): {e}"),
    }
}

/// The compute path is there on every conformant adapter, with 64-bit atomics exactly where the
/// adapter reports them, and with 32-bit atomics when asked.
pub fn assert_compute_support(gpu: &GpuContext) {
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let int64 = wgpu::Features::SHADER_INT64 | wgpu::Features::SHADER_INT64_ATOMIC_MIN_MAX;
    let expected = if gpu.adapter.features().contains(int64) {
        ComputeSupport::Atomic64
    } else {
        ComputeSupport::Atomic32
    };
    assert_eq!(
        renderer.compute_support(),
        expected,
        "{}",
        gpu.adapter_name()
    );
    let narrow =
        PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, AtomicWidth::Bits32).unwrap();
    assert_eq!(narrow.compute_support(), ComputeSupport::Atomic32);
}

/// Renders `source` headless through the one entry point, as `vertexview render` does.
pub fn render_source(
    gpu: &GpuContext,
    source: &VertexSource,
    settings: &RenderSettings,
) -> RgbaImage {
    gpu::render(gpu, &[source], settings, RenderOptions::default()).unwrap()
}

/// Renders vertices in memory (the whole file as one piece) headless.
pub fn render_vertices(vertices: Vec<Vertex>, settings: &RenderSettings) -> RgbaImage {
    let source = VertexSource::from_file(VertexFile::from_vertices("vertices", vertices));
    render_source(&gpu(), &source, settings)
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
