//! Open + validate + stats of a 100 MB vertex file, beside a memcpy of the same bytes.
//!
//! `cargo bench --bench load`. The file is generated once into the target directory and read
//! from the page cache, so the comparison is with memory, not the disk.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vertexview::write::gen::{self, Shape};
use vertexview::{VertexFile, VertexStats};

const VERTICES: u64 = 5_000_000; // 100 MB

fn sample_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-100mb.bin");
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(VERTICES * 20) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        gen::write(&mut out, Shape::Galaxy, VERTICES, 1, true).unwrap();
    }
    path
}

fn load(c: &mut Criterion) {
    let path = sample_file();
    let bytes = std::fs::read(&path).unwrap();
    let mut group = c.benchmark_group("load 100 MB");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);

    // Baseline: copy the same bytes into a buffer that is already paged in.
    let mut dst = vec![0u8; bytes.len()];
    group.bench_function("memcpy (baseline)", |b| {
        b.iter(|| dst.copy_from_slice(black_box(&bytes)))
    });
    group.bench_function("VertexFile::open (read + validate + stats)", |b| {
        b.iter(|| black_box(VertexFile::open(&path).unwrap().stats().count))
    });
    group.bench_function("VertexFile::open_mapped (map + validate + stats)", |b| {
        // SAFETY: nothing else touches the benchmark's file while it runs.
        b.iter(|| {
            black_box(
                unsafe { VertexFile::open_mapped(&path) }
                    .unwrap()
                    .stats()
                    .count,
            )
        })
    });
    let file = VertexFile::open(&path).unwrap();
    group.bench_function("VertexStats::of (stats pass alone)", |b| {
        b.iter(|| black_box(VertexStats::of(black_box(file.vertices()))))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
