//! PNG encoding of a rendered 1920×1080 picture: the png crate's default compression against
//! the fast settings `RgbaImage::write_png` uses, beside a memcpy of the same pixels.
//!
//! `cargo bench --bench png`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vertexview::gpu::image::RgbaImage;
use vertexview::gpu::{self, GpuContext, RenderOptions, RenderSettings};
use vertexview::write::gen::{self, Shape};
use vertexview::{VertexFile, VertexSource};

fn encode_default(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(image.pixels()).unwrap();
    writer.finish().unwrap();
    out
}

fn encode(c: &mut Criterion) {
    // A real picture: a million points of the galaxy, as `vertexview render` draws it.
    let file = VertexFile::from_vertices("galaxy", gen::generate(Shape::Galaxy, 1_000_000, 1));
    let source = VertexSource::from_file(file);
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let settings = RenderSettings {
        size: [1920, 1080],
        ..RenderSettings::default()
    };
    let image =
        gpu::render(&gpu, &[&source], &settings, RenderOptions::default()).expect("a render");
    let mut fast = Vec::new();
    image.encode_png(&mut fast).unwrap();
    let default = encode_default(&image);
    eprintln!(
        "sizes: default {} bytes, fast {} bytes",
        default.len(),
        fast.len()
    );

    let mut group = c.benchmark_group("png 1920x1080");
    group.throughput(Throughput::Bytes(image.pixels().len() as u64));
    group.sample_size(20);
    let mut copy = vec![0u8; image.pixels().len()];
    group.bench_function("memcpy of the pixels (baseline)", |b| {
        b.iter(|| copy.copy_from_slice(black_box(image.pixels())))
    });
    group.bench_function("png default compression", |b| {
        b.iter(|| encode_default(black_box(&image)))
    });
    group.bench_function("RgbaImage::encode_png (fast)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(fast.len());
            image.encode_png(&mut out).unwrap();
            out
        })
    });
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
