//! VertexFile: which lengths load, what the errors say, what the stats hold, mapped or copied.

use std::io::Write;

use glam::Vec3;
use proptest::prelude::*;
use vertexview::write::gen::{self, Shape};
use vertexview::{LoadError, Vertex, VertexFile};

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

/// Reads vertex `i` the slow, obvious way, as the seed's Python does.
fn decode(bytes: &[u8], i: usize) -> ([f32; 3], [u16; 3]) {
    let at = i * 20;
    let f = |k: usize| f32::from_le_bytes(bytes[at + 4 * k..at + 4 * k + 4].try_into().unwrap());
    let h =
        |k: usize| u16::from_le_bytes(bytes[at + 12 + 2 * k..at + 14 + 2 * k].try_into().unwrap());
    ([f(0), f(1), f(2)], [h(0), h(1), h(2)])
}

fn valid_len(len: usize) -> bool {
    len.is_multiple_of(20) || len % 20 == 18
}

#[test]
fn the_length_error_names_file_bytes_stride_and_offset() {
    let f = temp_file(&[0u8; 1007]);
    let err = VertexFile::open(f.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: 1007 bytes is not a whole number of 20-byte vertices (50 vertices, then 7 stray bytes at offset 1000)",
            f.path().display()
        )
    );
    let err = VertexFile::from_named_bytes("colors.bin", &[0u8; 1019]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "colors.bin: 1019 bytes is not a whole number of 20-byte vertices (50 vertices, then 19 stray bytes at offset 1000)"
    );
    assert!(matches!(
        VertexFile::from_bytes(&[0u8; 2]).unwrap_err(),
        LoadError::Length {
            len: 2,
            stride: 20,
            whole: 0,
            stray: 2,
            offset: 0,
            ..
        }
    ));
}

#[test]
fn missing_paths_and_directories_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.bin");
    let err = VertexFile::open(&missing).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read: ", missing.display())),
        "{err}"
    );
    assert_eq!(err.path(), missing);
    let err = VertexFile::open(dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: is a directory, not a vertex file",
            dir.path().display()
        )
    );
    let err = unsafe { VertexFile::open_mapped(dir.path()) }.unwrap_err();
    assert!(matches!(err, LoadError::NotAFile { .. }));
}

#[test]
fn empty_file_holds_no_vertices() {
    let f = temp_file(&[]);
    for file in [
        VertexFile::open(f.path()).unwrap(),
        unsafe { VertexFile::open_mapped(f.path()) }.unwrap(),
    ] {
        assert_eq!(
            (file.len(), file.file_len(), file.unpadded_last()),
            (0, 0, false)
        );
        assert!(file.vertices().is_empty() && file.bytes().is_empty());
        assert_eq!(file.stats().bounds, None);
    }
}

#[test]
fn unpadded_last_vertex_is_read_and_padded_for_the_gpu() {
    let vertices = gen::generate(Shape::Torus, 1001, 3);
    let bytes: &[u8] = bytemuck::cast_slice(&vertices);
    let f = temp_file(&bytes[..bytes.len() - 2]);
    let copied = VertexFile::open(f.path()).unwrap();
    let mapped = unsafe { VertexFile::open_mapped(f.path()) }.unwrap();
    for file in [&copied, &mapped] {
        assert_eq!(file.len(), 1001);
        assert_eq!(file.file_len(), 20 * 1001 - 2);
        assert!(file.unpadded_last());
        assert_eq!(file.vertices(), &vertices[..]);
        assert_eq!(file.bytes().len(), 20 * 1001, "whole vertices for upload");
        assert_eq!(&file.bytes()[20 * 1001 - 2..], [0, 0]);
        assert_eq!(*file.stats(), vertexview::VertexStats::of(&vertices));
    }
    assert!(mapped.is_mapped() && !copied.is_mapped());
}

#[test]
fn files_of_many_pieces_load_exactly_with_progress() {
    // 60 000 vertices: several 256 KiB pieces, read by more than one thread where there are cores.
    let vertices = gen::generate(Shape::Galaxy, 60_000, 5);
    let bytes: &[u8] = bytemuck::cast_slice(&vertices);
    let f = temp_file(&bytes[..bytes.len() - 2]);
    let mut calls = Vec::new();
    let file =
        VertexFile::open_with_progress(f.path(), |done, total| calls.push((done, total))).unwrap();
    assert_eq!(file.vertices(), &vertices[..]);
    assert_eq!(*file.stats(), vertexview::VertexStats::of(&vertices));
    assert!(calls.len() >= 2, "{calls:?}");
    assert!(calls
        .iter()
        .all(|&(_, total)| total == bytes.len() as u64 - 2));
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "progress only grows: {calls:?}"
    );
}

#[test]
fn stats_cover_non_finite_positions_and_colour_ranges() {
    let vertices = [
        Vertex::new(Vec3::new(1.0, 2.0, 3.0), [1, 2, 3]),
        Vertex::new(Vec3::new(f32::NAN, 0.0, 0.0), [0, 0, 0]),
        Vertex::new(Vec3::new(f32::INFINITY, -1e30, 0.0), [65535, 65535, 65535]),
        Vertex::new(Vec3::new(-4.0, 8.0, -1.0), [9, 8, 7]),
    ];
    let file = VertexFile::from_bytes(bytemuck::cast_slice(&vertices)).unwrap();
    let s = file.stats();
    assert_eq!((s.count, s.non_finite), (4, 2));
    let b = s.bounds.unwrap();
    assert_eq!(
        (b.min, b.max),
        (Vec3::new(-4.0, 2.0, -1.0), Vec3::new(1.0, 8.0, 3.0))
    );
    assert_eq!(
        (s.color_min, s.color_max),
        ([0, 0, 0], [65535, 65535, 65535])
    );
    assert!(
        file.vertices()[1].position.x.is_nan(),
        "non-finite data is kept"
    );
}

#[test]
fn a_copied_file_survives_truncation_and_rewrite() {
    let vertices = gen::generate(Shape::Cube, 5000, 1);
    let mut f = temp_file(bytemuck::cast_slice(&vertices));
    let file = VertexFile::open(f.path()).unwrap();
    f.as_file_mut().set_len(0).unwrap();
    f.as_file_mut().write_all(&[1, 2, 3]).unwrap();
    // Every byte is still readable and unchanged: the default open owns its copy.
    assert_eq!(file.vertices(), &vertices[..]);
    assert!(VertexFile::open(f.path()).is_err());
}

#[test]
fn view_of_a_file_is_the_record_cast() {
    let vertices = gen::generate(Shape::Sphere, 10, 1);
    let file = VertexFile::from_bytes(bytemuck::cast_slice(&vertices)).unwrap();
    let view = file.view();
    assert_eq!(
        (view.len(), view.itemsize(), view.format()),
        (10, 20, "<3f3H2x")
    );
    assert_eq!(view.as_slice::<Vertex>().unwrap(), &vertices[..]);
}

#[test]
fn gen_round_trips_exactly_through_a_file() {
    for shape in Shape::ALL {
        let f = tempfile::NamedTempFile::new().unwrap();
        let mut out = std::io::BufWriter::new(f.reopen().unwrap());
        gen::write(&mut out, shape, 3000, 42, false).unwrap();
        drop(out);
        let file = VertexFile::open(f.path()).unwrap();
        let expected = gen::generate(shape, 3000, 42);
        assert!(file.unpadded_last());
        assert_eq!(file.vertices(), &expected[..], "{shape}");
        let (p, c) = decode(file.bytes(), 2999);
        assert_eq!(
            (Vec3::from_array(p), c),
            (expected[2999].position, expected[2999].color)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_load_exactly_when_the_length_is_valid(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        match VertexFile::from_bytes(&bytes) {
            Ok(file) => {
                prop_assert!(valid_len(bytes.len()));
                prop_assert_eq!(file.len(), bytes.len().div_ceil(20));
                prop_assert_eq!(file.unpadded_last(), bytes.len() % 20 == 18);
                prop_assert_eq!(&file.bytes()[..bytes.len()], &bytes[..]);
                let mut finite = 0;
                for (i, v) in file.vertices().iter().enumerate() {
                    let (p, c) = decode(file.bytes(), i);
                    prop_assert_eq!(v.position.to_array().map(f32::to_bits), p.map(f32::to_bits));
                    prop_assert_eq!(v.color, c);
                    finite += usize::from(p.iter().all(|x| x.is_finite()));
                }
                prop_assert_eq!(file.stats().non_finite, file.len() - finite);
                prop_assert_eq!(file.stats().bounds.is_some(), finite > 0);
            }
            Err(LoadError::Length { len, whole, stray, offset, .. }) => {
                prop_assert!(!valid_len(bytes.len()));
                prop_assert_eq!(len, bytes.len() as u64);
                prop_assert_eq!(whole * 20 + stray, len);
                prop_assert_eq!(offset, whole * 20);
            }
            Err(other) => prop_assert!(false, "unexpected error {}", other),
        }
    }

    #[test]
    fn copied_and_mapped_files_agree_with_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let f = temp_file(&bytes);
        let in_memory = VertexFile::from_bytes(&bytes).ok().map(|f| f.bytes().to_vec());
        let copied = VertexFile::open(f.path()).ok().map(|f| f.bytes().to_vec());
        let mapped = unsafe { VertexFile::open_mapped(f.path()) }.ok().map(|f| f.bytes().to_vec());
        prop_assert_eq!(&copied, &in_memory);
        prop_assert_eq!(&mapped, &in_memory);
    }

    #[test]
    fn any_format_string_parses_or_errors(format in "[<>=@!]?[0-9]{0,3}[bBhHiIlLqQfdxz?]{0,4}[0-9]?") {
        if let Ok(f) = vertexview::format::Format::parse(&format) {
            prop_assert!(f.itemsize() > 0);
            let bytes = vec![0u8; f.itemsize() * 3];
            let view = vertexview::format::View::new(&bytes).cast(&format).unwrap();
            prop_assert_eq!(view.len(), 3);
            prop_assert_eq!(view.to_vec().len(), 3);
        }
    }
}
