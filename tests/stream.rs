//! Files read in pieces: `VertexSource` against `VertexFile`, streamed renders against whole-file
//! renders, and files that change while they are streamed.

mod common;

use std::io::Write;

use common::*;
use glam::Vec3;
use proptest::prelude::*;
use vertexview::camera::CameraMode;
use vertexview::gpu::{self, PointShape, Raster, RenderSettings, StreamError};
use vertexview::load::source::VertexSource;
use vertexview::write::gen::{self, Shape};
use vertexview::{LoadError, Vertex, VertexFile};

fn write_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn shape_bytes(shape: Shape, count: u64, padded: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    gen::write(&mut bytes, shape, count, 5, padded).unwrap();
    bytes
}

#[test]
fn a_source_reads_what_the_loader_reads() {
    for (count, padded) in [
        (0, true),
        (1, false),
        (13_107 * 3 + 5, false),
        (50_000, true),
    ] {
        let bytes = shape_bytes(Shape::Torus, count, padded);
        let f = write_file(&bytes);
        let file = VertexFile::open(f.path()).unwrap();
        let source = VertexSource::open(f.path()).unwrap();
        assert_eq!(source.len(), file.len() as u64);
        assert_eq!(source.file_len(), bytes.len() as u64);
        assert_eq!(source.unpadded_last(), !padded && count > 0);
        assert_eq!(source.stats(|_, _| {}).unwrap(), *file.stats());
        let mut read = vec![Vertex::default(); count as usize];
        for range in source.pieces(7_777) {
            let piece = &mut read[range.start as usize..range.end as usize];
            source.read(range.start, piece).unwrap();
        }
        assert_eq!(read, file.vertices(), "{count} vertices");
        if count > 0 {
            assert_eq!(
                source.vertex(count - 1).unwrap(),
                file.vertices()[count as usize - 1]
            );
        }
        source.check_unchanged().unwrap();
    }
}

#[test]
fn lengths_are_checked_before_anything_is_read() {
    let f = write_file(&[0; 1007]);
    let error = VertexSource::open(f.path()).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("1007 bytes is not a whole number of 20-byte vertices (50 vertices, then 7 stray bytes at offset 1000)"),
        "{error}"
    );
}

#[test]
fn a_shrunk_or_rewritten_file_is_an_error() {
    let bytes = shape_bytes(Shape::Cube, 1000, true);
    let f = write_file(&bytes);
    let source = VertexSource::open(f.path()).unwrap();
    // Rewritten in place with as many bytes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(f.path(), shape_bytes(Shape::Helix, 1000, true)).unwrap();
    let error = source.check_unchanged().unwrap_err();
    assert!(matches!(error, LoadError::Rewritten { .. }), "{error}");
    assert!(error
        .to_string()
        .ends_with("was rewritten while being read; nothing drawn from it can be trusted"));
    // Truncated.
    std::fs::write(f.path(), &bytes[..5000]).unwrap();
    let mut piece = vec![Vertex::default(); 1000];
    let error = source.read(0, &mut piece).unwrap_err();
    assert!(
        matches!(
            error,
            LoadError::Changed {
                expected: 20000,
                found: 5000,
                ..
            }
        ),
        "{error}"
    );
}

/// A fit-camera render of `bytes` whole and in pieces of each size, by `raster`.
fn streamed_equals_whole(bytes: &[u8], settings: &RenderSettings, pieces: &[u64], lit: usize) {
    let gpu = gpu();
    let f = write_file(bytes);
    // The whole file in memory, drawn as one piece, against the file streamed in pieces.
    let whole = render_source(
        &gpu,
        &VertexSource::from_file(VertexFile::open(f.path()).unwrap()),
        settings,
    );
    let source = VertexSource::open(f.path()).unwrap();
    let stats = source.stats(|_, _| {}).unwrap();
    let shown = lit_pixels(&whole, settings.background).len();
    assert!(shown >= lit, "only {shown} pixels lit");
    for &per_piece in pieces {
        let mut seen = Vec::new();
        let streamed = gpu::render(
            &gpu,
            &[&source],
            settings,
            gpu::RenderOptions {
                stats: Some(&stats),
                piece_vertices: Some(per_piece),
                progress: Some(&mut |done, total| seen.push((done, total))),
            },
        )
        .unwrap();
        assert_same_pixels(
            &whole,
            &streamed,
            &format!("{per_piece} a piece, {:?}", settings.raster),
        );
        assert_eq!(seen.last(), Some(&(source.len(), source.len())));
        assert_eq!(seen.len() as u64, source.len().div_ceil(per_piece));
    }
}

#[test]
fn a_streamed_render_equals_the_whole_file_render() {
    // 20 003 vertices, the last unpadded: pieces that split it at awkward counts.
    let bytes = shape_bytes(Shape::Galaxy, 20_003, false);
    for raster in [Raster::Compute, Raster::Pipeline] {
        for (size, shape) in [(1.0, PointShape::Square), (3.0, PointShape::Round)] {
            let settings = RenderSettings {
                size: [200, 150],
                point_size: size,
                shape,
                raster,
                background: [5, 5, 8],
                ..RenderSettings::default()
            };
            // The last piece of 20 002 is the unpadded last vertex alone.
            streamed_equals_whole(&bytes, &settings, &[997, 7919, 20_002, 1 << 20], 500);
        }
    }
}

/// Uploads staged through wgpu's copies (a discrete GPU's way, forced here on any adapter) give
/// the picture of the default device, by both paths, and a slot is refilled only once the GPU
/// has finished the submission that last used it: what keeps memory at a few pieces.
#[test]
fn a_staged_streamed_render_equals_the_mapped_one_and_waits_for_its_slots() {
    let bytes = shape_bytes(Shape::Torus, 9_001, true);
    let f = write_file(&bytes);
    let source = VertexSource::open(f.path()).unwrap();
    let stats = source.stats(|_, _| {}).unwrap();
    let (default, plain) = (gpu(), plain_gpu());
    for raster in [Raster::Compute, Raster::Pipeline] {
        let settings = RenderSettings {
            size: [160, 120],
            raster,
            ..RenderSettings::default()
        };
        let render = |gpu| {
            gpu::render(
                gpu,
                &[&source],
                &settings,
                gpu::RenderOptions {
                    stats: Some(&stats),
                    piece_vertices: Some(1000),
                    progress: None,
                },
            )
            .unwrap()
        };
        let mapped = render(&default);
        assert!(lit_pixels(&mapped, settings.background).len() > 1000);
        assert_same_pixels(&mapped, &render(&plain), &format!("staged, {raster:?}"));
    }

    let device = &plain.device;
    let mut ring = gpu::UploadRing::new(device, 2, 1000, 20).unwrap();
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for (n, first) in (0..6u64).map(|n| (n, n * 1000)) {
        let buffers = ring
            .fill(device, &plain.queue, &source, first, 1000)
            .unwrap();
        assert_eq!(buffers.vertex_count(), 1000);
        if n >= 2 {
            // Slot n % 2 was last used by submission n - 2: it must have finished.
            assert!(
                finished.load(std::sync::atomic::Ordering::SeqCst) as u64 >= n - 1,
                "fill {n} did not wait for the slot's last use"
            );
        }
        let submission = plain.queue.submit([]);
        let done = finished.clone();
        plain.queue.on_submitted_work_done(move || {
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        ring.used(submission);
    }
}

/// Records past the last read as zeros from every kind of source, never a panic: a file, bytes
/// in memory, and a PLY file read whole.
#[test]
fn reading_past_the_end_gives_zeros_from_every_source() {
    let bytes = shape_bytes(Shape::Cube, 3, true);
    let f = write_file(&bytes);
    let ply = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/greg_turk_example2_ok_ascii.ply");
    let sources = [
        VertexSource::open(f.path()).unwrap(),
        VertexSource::from_memory("memory.bin", bytes.clone()).unwrap(),
        vertexview::load::open::open(&ply, None).unwrap().0,
    ];
    for source in &sources {
        let len = source.len();
        for first in [len, len + 1, 1 << 40, u64::MAX] {
            let mut into = [Vertex::new(Vec3::ONE, [1, 2, 3]); 2];
            source.read(first, &mut into).unwrap();
            assert_eq!(
                into,
                [Vertex::default(); 2],
                "{} at {first}",
                source.path().display()
            );
            let record = source.record(first).unwrap();
            assert!(record.iter().all(|&b| b == 0));
        }
    }
}

#[test]
fn streamed_ties_keep_file_order() {
    // Many points on few pixels at equal depths: which colour wins depends on file order.
    let vertices: Vec<Vertex> = (0..5000u32)
        .map(|i| {
            let (x, y) = pixel_center(i % 7, (i / 7) % 5, 16, 16);
            Vertex::new(
                Vec3::new(x, y, 0.5),
                [(i * 13) as u16, (i * 7) as u16, i as u16],
            )
        })
        .collect();
    let settings = RenderSettings {
        size: [16, 16],
        camera: CameraMode::Ndc,
        raster: Raster::Compute,
        background: [1, 2, 3],
        ..RenderSettings::default()
    };
    streamed_equals_whole(
        bytemuck::cast_slice(&vertices),
        &settings,
        &[61, 1000, 4999],
        35,
    );
    let pipeline = RenderSettings {
        raster: Raster::Pipeline,
        ..settings
    };
    streamed_equals_whole(
        bytemuck::cast_slice(&vertices),
        &pipeline,
        &[61, 1000, 4999],
        35,
    );
}

#[test]
fn a_file_that_changes_while_streamed_is_an_error_not_a_picture() {
    let gpu = gpu();
    let bytes = shape_bytes(Shape::Sphere, 10_000, true);
    let settings = RenderSettings {
        size: [64, 64],
        ..RenderSettings::default()
    };
    // Truncated after the first piece: the next read comes up short.
    let f = write_file(&bytes);
    let source = VertexSource::open(f.path()).unwrap();
    let stats = source.stats(|_, _| {}).unwrap();
    let result = gpu::render(
        &gpu,
        &[&source],
        &settings,
        gpu::RenderOptions {
            stats: Some(&stats),
            piece_vertices: Some(1000),
            progress: Some(&mut |done, _| {
                if done == 1000 {
                    std::fs::write(f.path(), &bytes[..30_000]).unwrap();
                }
            }),
        },
    );
    match result {
        Err(StreamError::Load(LoadError::Changed {
            expected: 200_000,
            found: 30_000,
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    // Rewritten with as many bytes: every read succeeds, and the check at the end fails.
    let f = write_file(&bytes);
    let source = VertexSource::open(f.path()).unwrap();
    let result = gpu::render(
        &gpu,
        &[&source],
        &settings,
        gpu::RenderOptions {
            stats: Some(&stats),
            piece_vertices: Some(1000),
            progress: Some(&mut |done, _| {
                if done == 5000 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    std::fs::write(f.path(), shape_bytes(Shape::Cube, 10_000, true)).unwrap();
                }
            }),
        },
    );
    assert!(
        matches!(result, Err(StreamError::Load(LoadError::Rewritten { .. }))),
        "{result:?}"
    );
    assert!(gpu.take_error().is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn pieces_of_any_size_read_back_the_file(count in 0u64..3000, per_piece in 1u64..5000, padded: bool) {
        let bytes = shape_bytes(Shape::Wave, count, padded);
        let f = write_file(&bytes);
        let source = VertexSource::open(f.path()).unwrap();
        let mut out: Vec<u8> = Vec::new();
        for range in source.pieces(per_piece) {
            let mut piece = vec![0u8; ((range.end - range.start) * 20) as usize];
            source.read_records(range.start, &mut piece).unwrap();
            out.extend(piece);
        }
        let mut expected = bytes.clone();
        expected.resize(count as usize * 20, 0);
        prop_assert_eq!(out, expected);
    }
}
