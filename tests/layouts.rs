//! Any layout, PLY and LAS: the same points give the same picture whatever carries them, real
//! files no one here wrote open, and what vertexview writes reads back.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use glam::Vec3;
use proptest::prelude::*;
use vertexview::camera::CameraMode;
use vertexview::format::Layout;
use vertexview::format::Up;
use vertexview::gpu::{self, ColorMap, ColorMode, Raster, RenderSettings};
use vertexview::load::open::{self, FileKind};
use vertexview::load::source::VertexSource;
use vertexview::Vertex;

const W: u32 = 64;
const H: u32 = 48;

/// Points at pixel centres of a W × H clip-space picture, at several depths, some on top of
/// each other, with 8-bit colours (so that every colour type holds them exactly).
fn points() -> Vec<([f32; 3], [u8; 3])> {
    (0..400u32)
        .map(|i| {
            let (x, y) = pixel_center((i * 7) % W, (i * 3) % H, W, H);
            let z = ((i * 13) % 17) as f32 / 32.0;
            (
                [x, y, z],
                [(i * 37) as u8, (i * 91) as u8, (i * 5 + 3) as u8],
            )
        })
        .collect()
}

fn default_bytes(points: &[([f32; 3], [u8; 3])]) -> Vec<u8> {
    let vertices: Vec<Vertex> = points
        .iter()
        .map(|(p, c)| Vertex::new(Vec3::from_array(*p), c.map(|v| u16::from(v) * 257)))
        .collect();
    bytemuck::cast_slice(&vertices).to_vec()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Renders `source` streamed, in small pieces and whole, by `raster`.
fn render(source: &VertexSource, settings: &RenderSettings) -> vertexview::gpu::image::RgbaImage {
    let gpu = gpu();
    let stats = source.stats(|_, _| {}).unwrap();
    let pieces = gpu::render(
        &gpu,
        &[source],
        settings,
        gpu::RenderOptions {
            stats: Some(&stats),
            piece_vertices: Some(61),
            progress: None,
        },
    )
    .unwrap();
    let whole = gpu::render(
        &gpu,
        &[source],
        settings,
        gpu::RenderOptions {
            stats: Some(&stats),
            piece_vertices: Some(1 << 20),
            progress: None,
        },
    )
    .unwrap();
    assert_same_pixels(&whole, &pieces, "in pieces of 61");
    whole
}

fn settings(raster: Raster) -> RenderSettings {
    RenderSettings {
        size: [W, H],
        camera: CameraMode::Ndc,
        raster,
        background: [3, 4, 5],
        ..RenderSettings::default()
    }
}

/// Encodes the points as records of a layout: position then colour writers per record.
fn records(
    points: &[([f32; 3], [u8; 3])],
    record: impl Fn(&mut Vec<u8>, [f32; 3], [u8; 3]),
) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (p, c) in points {
        record(&mut bytes, *p, *c);
    }
    bytes
}

fn f32s(b: &mut Vec<u8>, v: &[f32]) {
    v.iter().for_each(|x| b.extend(x.to_le_bytes()));
}

fn halves(b: &mut Vec<u8>, v: &[f32]) {
    v.iter()
        .for_each(|x| b.extend(half::f16::from_f32(*x).to_le_bytes()));
}

#[test]
fn every_layout_draws_the_default_picture() {
    let dir = tempfile::tempdir().unwrap();
    let points = points();
    let reference = write(dir.path(), "default.bin", &default_bytes(&points));
    let unit = |c: [u8; 3]| c.map(|v| f32::from(v) / 255.0);
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            "pos:3f col:4B",
            records(&points, |b, p, c| {
                f32s(b, &p);
                b.extend([c[0], c[1], c[2], 255]);
            }),
            true,
        ),
        (
            "pos:3f normal:3f uv:2f col:4B",
            records(&points, |b, p, c| {
                f32s(b, &p);
                f32s(b, &[0.0, 1.0, 0.0, 0.25, 0.75]);
                b.extend([c[0], c[1], c[2], 9]);
            }),
            true,
        ),
        (
            "pos:3f col:3f",
            records(&points, |b, p, c| {
                f32s(b, &p);
                f32s(b, &unit(c));
            }),
            true,
        ),
        (
            "pos:3e _:2x col:4B",
            records(&points, |b, p, c| {
                halves(b, &p);
                b.extend([0, 0, c[0], c[1], c[2], 0]);
            }),
            true,
        ),
        (
            "pos:3f col:3e _:2x",
            records(&points, |b, p, c| {
                f32s(b, &p);
                halves(b, &unit(c));
                b.extend([0, 0]);
            }),
            true,
        ),
        (
            "pos:3f col:3H",
            records(&points, |b, p, c| {
                f32s(b, &p);
                c.iter()
                    .for_each(|v| b.extend((u16::from(*v) * 257).to_le_bytes()));
            }),
            false,
        ),
        (
            "pos:3f col:3B",
            records(&points, |b, p, c| {
                f32s(b, &p);
                b.extend(c);
            }),
            false,
        ),
        (
            "pos:3e col:4B",
            records(&points, |b, p, c| {
                halves(b, &p);
                b.extend([c[0], c[1], c[2], 0]);
            }),
            false,
        ),
        (
            "pos:3d col:3H _:2x",
            records(&points, |b, p, c| {
                p.iter().for_each(|v| b.extend(f64::from(*v).to_le_bytes()));
                c.iter()
                    .for_each(|v| b.extend((u16::from(*v) * 257).to_le_bytes()));
                b.extend([0, 0]);
            }),
            false,
        ),
        (
            ">pos:3f col:3B",
            records(&points, |b, p, c| {
                p.iter().for_each(|v| b.extend(v.to_be_bytes()));
                b.extend(c);
            }),
            false,
        ),
    ];
    for raster in [Raster::Compute, Raster::Pipeline] {
        let expected = render(&VertexSource::open(&reference).unwrap(), &settings(raster));
        // 400 points on 64 pixels.
        assert_eq!(lit_pixels(&expected, [3, 4, 5]).len(), 64);
        for (spec, bytes, direct) in &cases {
            let path = write(dir.path(), "layout.bin", bytes);
            let layout = Layout::parse(spec).unwrap();
            let source = VertexSource::open_with(&path, layout, None).unwrap();
            assert_eq!(source.len(), points.len() as u64, "{spec}");
            assert_eq!(source.is_direct(), *direct, "{spec}");
            let image = render(&source, &settings(raster));
            assert_same_pixels(&expected, &image, &format!("{spec}, {raster:?}"));
        }
    }
}

/// One value of type `code` (`f`, `e`, `B`, `H`) for a colour byte `c` (0 to 1 for floats).
fn color_bytes(b: &mut Vec<u8>, code: char, c: u8) {
    match code {
        'B' => b.push(c),
        'H' => b.extend((u16::from(c) * 257).to_le_bytes()),
        'e' => halves(b, &[f32::from(c) / 255.0]),
        _ => f32s(b, &[f32::from(c) / 255.0]),
    }
}

/// Every layout of a position (`3f`, `3e`) and a colour (3 or 4 of `B`, `H`, `e`, `f`), with
/// padding before, between and after them, that the GPU reads in place (by the one rule,
/// [`Layout::gpu`]) draws the default layout's picture by both paths; those it does not are
/// converted and draw it too. The offsets include the ones WebGPU refuses for some formats (a
/// 4-byte `Unorm16x2` at byte 14), which must then be converted, not passed to a pipeline.
#[test]
fn every_layout_read_in_place_draws_the_default_picture_by_both_paths() {
    let gpu = gpu();
    let dir = tempfile::tempdir().unwrap();
    let points = points();
    let reference = VertexSource::from_memory("default.bin", default_bytes(&points)).unwrap();
    let draw = |source: &VertexSource, raster| render_source(&gpu, source, &settings(raster));
    let expected = [Raster::Compute, Raster::Pipeline].map(|raster| draw(&reference, raster));
    let (mut in_place, mut converted) = (0, 0);
    for before in [0, 2] {
        for position in ['f', 'e'] {
            for between in [0, 1, 2] {
                for color in ["3B", "4B", "3H", "4H", "3e", "4e", "3f"] {
                    let (n, code) = (color.len() - 1, color.chars().nth(1).unwrap());
                    let n: usize = color[..n].parse().unwrap();
                    let size = |c: char| {
                        if c == 'f' {
                            4
                        } else if c == 'e' || c == 'H' {
                            2
                        } else {
                            1
                        }
                    };
                    let used = before + 3 * size(position) + between + n * size(code);
                    let after = (4 - used % 4) % 4;
                    let mut spec = String::new();
                    if before > 0 {
                        spec += &format!("_:{before}x ");
                    }
                    spec += &format!("pos:3{position} ");
                    if between > 0 {
                        spec += &format!("_:{between}x ");
                    }
                    spec += &format!("col:{color}");
                    if after > 0 {
                        spec += &format!(" _:{after}x");
                    }
                    let layout = Layout::parse(&spec).unwrap();
                    let bytes = records(&points, |b, p, c| {
                        b.resize(b.len() + before, 0);
                        if position == 'f' {
                            f32s(b, &p);
                        } else {
                            halves(b, &p);
                        }
                        b.resize(b.len() + between, 0);
                        for &v in c.iter().chain(&[255]).take(n) {
                            color_bytes(b, code, v);
                        }
                        b.resize(b.len() + after, 0);
                    });
                    let path = write(dir.path(), "matrix.bin", &bytes);
                    let source = VertexSource::open_with(&path, layout.clone(), None).unwrap();
                    assert_eq!(source.is_direct(), layout.gpu().is_some(), "{spec}");
                    if source.is_direct() {
                        in_place += 1;
                    } else {
                        converted += 1;
                    }
                    for (raster, expected) in
                        [Raster::Compute, Raster::Pipeline].iter().zip(&expected)
                    {
                        let image = draw(&source, *raster);
                        assert_same_pixels(expected, &image, &format!("{spec}, {raster:?}"));
                    }
                }
            }
        }
    }
    // The matrix holds both kinds, among them the layouts of the report: colour at byte 14.
    assert!(Layout::parse("pos:3f _:2x col:3H").unwrap().gpu().is_none());
    assert!(Layout::parse("pos:3f _:2x col:4B _:2x")
        .unwrap()
        .gpu()
        .is_some());
    assert_eq!((in_place, converted), (18, 66));
}

#[test]
fn extra_bytes_headers_and_no_colour() {
    let dir = tempfile::tempdir().unwrap();
    let points = points();
    let reference = write(dir.path(), "default.bin", &default_bytes(&points));
    // 100 bytes of header, then 24-byte records of which the spec names 16.
    let mut bytes = vec![0xAB; 100];
    for (p, c) in &points {
        f32s(&mut bytes, p);
        bytes.extend([c[0], c[1], c[2], 255, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
    let path = write(dir.path(), "padded.bin", &bytes);
    let layout = Layout::parse("pos:3f col:4B")
        .unwrap()
        .with_stride(24)
        .unwrap()
        .with_header(100);
    let source = VertexSource::open_with(&path, layout.clone(), None).unwrap();
    assert!(source.is_direct());
    let expected = render(
        &VertexSource::open(&reference).unwrap(),
        &settings(Raster::Compute),
    );
    assert_same_pixels(
        &expected,
        &render(&source, &settings(Raster::Compute)),
        "stride and offset",
    );
    // The last record may leave out the bytes after its last field, not more.
    let short = write(dir.path(), "short.bin", &bytes[..bytes.len() - 8]);
    assert_eq!(
        VertexSource::open_with(&short, layout.clone(), None)
            .unwrap()
            .len(),
        400
    );
    let shorter = write(dir.path(), "shorter.bin", &bytes[..bytes.len() - 9]);
    let error = VertexSource::open_with(&shorter, layout, None).unwrap_err();
    assert!(
        error.to_string().ends_with("9591 bytes after a 100-byte header is not a whole number of 24-byte records (399 records, then 15 stray bytes at offset 9676)"),
        "{error}"
    );

    // Positions only: the height ramp colours them, by either path, as it colours the default.
    let bare = write(
        dir.path(),
        "bare.bin",
        &records(&points, |b, p, _| f32s(b, &p)),
    );
    let source = VertexSource::open_with(&bare, Layout::parse("pos:3f").unwrap(), None).unwrap();
    let ramp = RenderSettings {
        color_mode: ColorMode::height(-1.0, 1.0),
        ..settings(Raster::Compute)
    };
    let expected = render(&VertexSource::open(&reference).unwrap(), &ramp);
    for raster in [Raster::Compute, Raster::Pipeline] {
        let s = RenderSettings { raster, ..ramp };
        assert_same_pixels(
            &expected,
            &render(&source, &s),
            &format!("no colour, {raster:?}"),
        );
        // Even asked for the file's colours, a layout without them draws the ramp.
        let file_colours = RenderSettings {
            color_mode: ColorMode::File,
            ..s
        };
        let ramped = render(&source, &file_colours);
        assert_eq!(lit_pixels(&ramped, [3, 4, 5]).len(), 64);
    }
}

/// The points as a PLY file of `encoding`, x y z as floats and red green blue as `color` (with
/// a face element after).
fn ply(points: &[([f32; 3], [u8; 3])], encoding: &str, color: &str) -> Vec<u8> {
    let mut header = format!(
        "ply\nformat {encoding} 1.0\ncomment made by a test\nelement vertex {}\nproperty float x\nproperty float y\nproperty float z\n",
        points.len()
    );
    for channel in ["red", "green", "blue"] {
        header += &format!("property {color} {channel}\n");
    }
    if color == "uchar" {
        header += "property uchar alpha\n";
    }
    header += "element face 1\nproperty list uchar int vertex_indices\nend_header\n";
    let mut bytes = header.into_bytes();
    let big = encoding == "binary_big_endian";
    for (p, c) in points {
        if encoding == "ascii" {
            let c: Vec<String> = match color {
                "float" => c
                    .iter()
                    .map(|v| (f32::from(*v) / 255.0).to_string())
                    .collect(),
                "ushort" => c
                    .iter()
                    .map(|v| (u16::from(*v) * 257).to_string())
                    .collect(),
                _ => c.iter().map(|v| v.to_string()).collect(),
            };
            let alpha = if color == "uchar" { " 255" } else { "" };
            bytes.extend(format!("{} {} {} {}{alpha}\n", p[0], p[1], p[2], c.join(" ")).bytes());
            continue;
        }
        for v in p {
            bytes.extend(if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            });
        }
        for v in c {
            match color {
                "float" => {
                    let f = f32::from(*v) / 255.0;
                    bytes.extend(if big {
                        f.to_be_bytes()
                    } else {
                        f.to_le_bytes()
                    });
                }
                "ushort" => {
                    let u = u16::from(*v) * 257;
                    bytes.extend(if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    });
                }
                _ => bytes.push(*v),
            }
        }
        if color == "uchar" {
            bytes.push(255);
        }
    }
    if encoding == "ascii" {
        bytes.extend(b"3 0 1 2\n");
    } else {
        bytes.push(3);
        for i in [0i32, 1, 2] {
            bytes.extend(if big {
                i.to_be_bytes()
            } else {
                i.to_le_bytes()
            });
        }
    }
    bytes
}

#[test]
fn every_ply_variant_draws_the_default_picture() {
    let dir = tempfile::tempdir().unwrap();
    let points = points();
    let reference = write(dir.path(), "default.bin", &default_bytes(&points));
    let expected = render(
        &VertexSource::open(&reference).unwrap(),
        &settings(Raster::Compute),
    );
    for encoding in ["binary_little_endian", "binary_big_endian", "ascii"] {
        for color in ["uchar", "ushort", "float"] {
            let path = write(dir.path(), "points.ply", &ply(&points, encoding, color));
            let (source, kind) = open::open(&path, None).unwrap();
            let FileKind::Ply(info) = kind else {
                panic!("{kind:?}")
            };
            assert_eq!(info.whole, encoding == "ascii", "{encoding} {color}");
            // Little-endian float positions with 8-bit RGBA or float colours: records the GPU
            // reads in place. An ASCII file is read into the records of its little-endian twin.
            let direct = encoding != "binary_big_endian" && color != "ushort";
            assert_eq!(source.is_direct(), direct, "{encoding} {color}");
            assert_eq!(source.len(), 400);
            let image = render(&source, &settings(Raster::Compute));
            assert_same_pixels(&expected, &image, &format!("{encoding}, {color}"));
        }
    }
}

/// A LAS file of `points` (positions in metres around `origin`) in point `format`, version
/// `version`, with 8- or 16-bit colours.
fn las_file(
    path: &Path,
    points: &[([f32; 3], [u8; 3])],
    origin: [f64; 3],
    format: u8,
    version: (u8, u8),
    eight_bit: bool,
) {
    let mut builder = las::Builder::default();
    builder.version = las::Version::new(version.0, version.1);
    builder.point_format = las::point::Format::new(format).unwrap();
    builder.point_format.extra_bytes = 3;
    builder.transforms = las::Vector {
        x: las::Transform {
            scale: 0.001,
            offset: origin[0],
        },
        y: las::Transform {
            scale: 0.001,
            offset: origin[1],
        },
        z: las::Transform {
            scale: 0.001,
            offset: origin[2],
        },
    };
    let header = builder.into_header().unwrap();
    let mut writer = las::Writer::from_path(path, header).unwrap();
    for (p, c) in points {
        let color = |v: u8| {
            if eight_bit {
                u16::from(v)
            } else {
                u16::from(v) * 257
            }
        };
        let point = las::Point {
            // Millimetres: the scale keeps the points exactly where they are.
            x: origin[0] + f64::from((p[0] * 1000.0).round()) / 1000.0,
            y: origin[1] + f64::from((p[1] * 1000.0).round()) / 1000.0,
            z: origin[2] + f64::from((p[2] * 1000.0).round()) / 1000.0,
            color: builder_has_color(format)
                .then(|| las::Color::new(color(c[0]), color(c[1]), color(c[2]))),
            gps_time: builder_has_gps(format).then_some(0.0),
            nir: (format == 8).then_some(0),
            extra_bytes: vec![7, 8, 9],
            ..Default::default()
        };
        writer.write_point(point).unwrap();
    }
    writer.close().unwrap();
}

fn builder_has_color(format: u8) -> bool {
    matches!(format, 2 | 3 | 5 | 7 | 8 | 10)
}

fn builder_has_gps(format: u8) -> bool {
    !matches!(format, 0 | 2)
}

#[test]
fn las_tiles_far_from_the_origin_draw_as_the_same_points_near_it() {
    let dir = tempfile::tempdir().unwrap();
    // A fit-camera picture of a cloud, colour by file; the LAS copies sit at UTM-like
    // coordinates, z up.
    let cloud: Vec<([f32; 3], [u8; 3])> =
        vertexview::write::gen::generate(vertexview::write::gen::Shape::Torus, 3000, 2)
            .iter()
            .map(|v| {
                let p = v.position * 40.0;
                (
                    [p.x.round() / 1.0, p.z.round() / 1.0, p.y.round() / 1.0],
                    v.color.map(|c| (c / 257) as u8),
                )
            })
            .collect();
    let origin = [512_000.0, 5_401_000.0, 120.0];
    let fit = |raster| RenderSettings {
        size: [96, 64],
        raster,
        up: Up::Z,
        ..RenderSettings::default()
    };
    // The reference: the same points as a default raw file near the origin, drawn z-up.
    let reference = write(dir.path(), "near.bin", &default_bytes(&cloud));
    let expected = render(
        &VertexSource::open(&reference).unwrap(),
        &fit(Raster::Compute),
    );
    assert!(lit_pixels(&expected, [0, 0, 0]).len() > 300);
    for (format, version, eight_bit) in [
        (2, (1, 2), false),
        (3, (1, 2), true),
        (7, (1, 4), false),
        (8, (1, 4), true),
    ] {
        let path = dir.path().join(format!("tile-{format}.las"));
        las_file(&path, &cloud, origin, format, version, eight_bit);
        let (source, kind) = open::open(&path, None).unwrap();
        let FileKind::Las(info) = kind else {
            panic!("{kind:?}")
        };
        assert_eq!(
            (info.point_format, info.eight_bit_color),
            (format, eight_bit)
        );
        assert_eq!(source.up(), Up::Z);
        assert_eq!(
            source.shift(),
            [
                512_000.0 + cloud[0].0[0] as f64,
                5_401_000.0 + cloud[0].0[1] as f64,
                120.0 + cloud[0].0[2] as f64
            ]
            .map(f64::round)
        );
        let image = render(&source, &fit(Raster::Compute));
        // Shifted differently from the reference (by whole metres), so compared by measure.
        let comparison = vertexview::gpu::image::compare(&expected, &image).unwrap();
        assert!(
            comparison.differing_pixels * 100 <= lit_pixels(&expected, [0, 0, 0]).len() as u64,
            "format {format}: {} pixels differ",
            comparison.differing_pixels
        );
    }
    // No colours (format 1): the ramp over z.
    let path = dir.path().join("bare.las");
    las_file(&path, &cloud, origin, 1, (1, 2), false);
    let (source, _) = open::open(&path, None).unwrap();
    assert!(source.layout().color().is_none());
}

#[test]
fn real_files_open() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    // PLY from the ply-rs crate (MIT): the same house in ASCII and binary.
    let (ascii, _) = open::open(&data.join("house_2_ok_ascii.ply"), None).unwrap();
    let (binary, kind) = open::open(&data.join("house_2_ok_little_endian.ply"), None).unwrap();
    assert!(matches!(kind, FileKind::Ply(info) if !info.whole));
    assert_eq!(ascii.len(), 5);
    let mut a = vec![Vertex::default(); 5];
    let mut b = vec![Vertex::default(); 5];
    ascii.read(0, &mut a).unwrap();
    binary.read(0, &mut b).unwrap();
    assert_eq!(a, b);
    assert_eq!(a[4].position, Vec3::new(0.0, 2.0, 0.0));
    // Greg Turk's cube from the PLY spec, coloured, with faces and edges after.
    let (cube, _) = open::open(&data.join("greg_turk_example2_ok_ascii.ply"), None).unwrap();
    let mut v = vec![Vertex::default(); 8];
    cube.read(0, &mut v).unwrap();
    assert_eq!(v[0].color, [65535, 0, 0]);
    assert_eq!(v[7].color, [0, 0, 65535]);
    assert_eq!(v[6].position, Vec3::ONE);
    // No vertex element at all.
    let error = open::open(&data.join("all_atomic_types_ok_ascii.ply"), None).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("all_atomic_types_ok_ascii.ply: has no vertex element"),
        "{error}"
    );
    let (empty, _) = open::open(&data.join("empty_2_ok_little_endian.ply"), None).unwrap();
    assert!(empty.is_empty());
    // LAS from the las crate (MIT): Autzen, Oregon, 1.2, point format 1 (no colour), z up.
    let (autzen, kind) = open::open(&data.join("autzen.las"), None).unwrap();
    let FileKind::Las(info) = kind else { panic!() };
    assert_eq!(
        (info.version, info.point_format, autzen.len()),
        ((1, 2), 1, 106)
    );
    let stats = autzen.stats(|_, _| {}).unwrap();
    let b = stats.bounds.unwrap();
    let shift = autzen.shift();
    // The coordinates, back from the shift, are Oregon state plane feet.
    assert!(
        (f64::from(b.min.x) + shift[0] - 635_616.31).abs() < 0.01,
        "{b:?} {shift:?}"
    );
    // No colours: the ramp over the height, which is z.
    assert!(!autzen.has_color());
    let (low, high) = b.height_range(Up::Z);
    let settings = RenderSettings {
        size: [64, 64],
        up: Up::Z,
        color_mode: ColorMode::height(low, high),
        ..RenderSettings::default()
    };
    let image = render_source(&gpu(), &autzen, &settings);
    let lit = lit_pixels(&image, [0, 0, 0]);
    assert!(lit.len() > 50, "{} pixels lit", lit.len());
    // Every lit pixel is a colour of viridis's table, to the 8-bit unit or two of the stops'
    // interpolation.
    let table: Vec<[u8; 3]> = (0..=1024)
        .map(|i| ColorMap::Viridis.color(f64::from(i) / 1024.0))
        .collect();
    for (x, y) in lit {
        let p = image.pixel(x, y).unwrap();
        let on_map = table
            .iter()
            .any(|c| (0..3).all(|i| p[i].abs_diff(c[i]) <= 2));
        assert!(on_map, "pixel ({x}, {y}) {p:?} is not on viridis");
    }
}

#[test]
fn written_ply_reads_back_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let mut vertices =
        vertexview::write::gen::generate(vertexview::write::gen::Shape::Helix, 5000, 3);
    vertices[7].position.x = f32::NAN;
    vertices[8].position.y = f32::INFINITY;
    vertices[9].position.z = -0.0;
    let raw = write(dir.path(), "a.bin", bytemuck::cast_slice(&vertices));
    let source = VertexSource::open(&raw).unwrap();
    for ascii in [false, true] {
        let ply = dir.path().join("a.ply");
        let mut bytes = Vec::new();
        vertexview::write::ply::write(&source, &mut bytes, ascii, |_| {}).unwrap();
        std::fs::write(&ply, &bytes).unwrap();
        let (back, _) = open::open(&ply, None).unwrap();
        let mut read = vec![Vertex::default(); 5000];
        back.read(0, &mut read).unwrap();
        let (a, b): (&[u8], &[u8]) = (bytemuck::cast_slice(&vertices), bytemuck::cast_slice(&read));
        assert!(a == b, "ascii: {ascii}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_spec_parses_or_is_refused(spec in "[ a-z_@:0-9<>BHbhiIfedxq]{0,40}") {
        match Layout::parse(&spec) {
            Ok(layout) => {
                let printed = layout.to_string();
                prop_assert_eq!(Layout::parse(&printed).unwrap(), layout);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn built_layouts_print_and_parse_back(
        fields in proptest::collection::vec((0usize..4, 1usize..5, 0usize..6), 0..5),
        big: bool,
    ) {
        let codes = ['B', 'H', 'f', 'e', 'd', 'x'];
        let mut spec = String::from(if big { ">" } else { "" });
        spec += "pos:3f";
        for (i, (kind, count, code)) in fields.iter().enumerate() {
            spec += &match kind {
                0 => format!(" _:{count}x"),
                _ => format!(" f{i}:{count}{}", codes[*code]),
            };
        }
        let layout = Layout::parse(&spec).unwrap();
        prop_assert_eq!(Layout::parse(&layout.to_string()).unwrap(), layout);
    }
}

/// A PLY and a LAS file that open, to break.
fn good_files() -> Vec<(&'static str, Vec<u8>)> {
    let points: Vec<([f32; 3], [u8; 3])> = points().into_iter().take(40).collect();
    let dir = tempfile::tempdir().unwrap();
    let las_path = dir.path().join("t.las");
    las_file(&las_path, &points, [1000.0, 2000.0, 3.0], 3, (1, 4), false);
    vec![
        ("ply", ply(&points, "binary_little_endian", "uchar")),
        ("ply", ply(&points, "ascii", "float")),
        ("ply", ply(&points, "binary_big_endian", "ushort")),
        ("las", std::fs::read(&las_path).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The fuzz targets' question on every `cargo test`: broken PLY and LAS files (cut short,
    /// bytes changed) open or give an error, and never panic or allocate past reason.
    #[test]
    fn broken_files_are_errors_not_panics(
        which in 0usize..4,
        cut in 0.0f64..1.0,
        changes in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..6),
    ) {
        let (kind, mut bytes) = good_files().swap_remove(which);
        for (at, byte) in changes {
            let i = (at * bytes.len() as f64) as usize % bytes.len();
            bytes[i] = byte;
        }
        bytes.truncate(((cut * 1.2).min(1.0) * bytes.len() as f64) as usize);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("broken.{kind}"));
        std::fs::write(&path, &bytes).unwrap();
        if let Ok((source, _)) = open::open(&path, None) {
            prop_assert!(source.len() <= bytes.len() as u64);
            let _ = source.stats(|_, _| {});
            let mut v = vec![Vertex::default(); source.len().min(100) as usize];
            let _ = source.read(0, &mut v);
        }
    }
}
