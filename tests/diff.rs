//! Comparing two dumps: `compare::diff` on sources of any layout and size, and `vertexview diff`
//! with its verdict in the exit status (0 same, 1 different, 2 not comparable).

mod common;

use std::path::{Path, PathBuf};

use common::headless::*;
use glam::Vec3;
use vertexview::compare::{diff, DiffOptions, DiffReport, Tolerance};
use vertexview::format::Layout;
use vertexview::write::gen::{self, Shape};
use vertexview::{Vertex, VertexFile, VertexSource};

fn write(dir: &Path, name: &str, vertices: &[Vertex]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytemuck::cast_slice::<Vertex, u8>(vertices)).unwrap();
    path
}

fn report(a: &Path, b: &Path, tolerance: Tolerance) -> DiffReport {
    let options = DiffOptions {
        tolerance,
        largest: 5,
    };
    diff(
        &VertexSource::open(a).unwrap(),
        &VertexSource::open(b).unwrap(),
        &options,
        |_, _| {},
    )
    .unwrap()
}

fn exact() -> Tolerance {
    Tolerance::default()
}

#[test]
fn identical_files_are_the_same_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let vertices = gen::generate(Shape::Helix, 5_000, 3);
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &vertices);
    let r = report(&a, &b, exact());
    assert!(!r.differs());
    assert_eq!(
        (r.compared, r.position_differs, r.color_differs),
        (5_000, 0, 0)
    );
    assert_eq!((r.max_distance, r.mean_distance), (0.0, 0.0));
    assert!(r.largest.is_empty());
    let out = run(&["diff", &s(&a), &s(&b)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("verdict      the same within the tolerances"));
}

#[test]
fn a_move_just_under_the_tolerance_is_the_same_and_just_over_differs() {
    let dir = tempfile::tempdir().unwrap();
    let vertices = gen::generate(Shape::Cube, 2_000, 1);
    let mut moved = vertices.clone();
    moved[1234].position = Vec3::new(0.25, 0.5, 0.75);
    // 2⁻¹⁰ further: exact in float32, so the distance is exactly that.
    moved[1234].position.y += 1.0 / 1024.0;
    let mut reference = vertices;
    reference[1234].position = Vec3::new(0.25, 0.5, 0.75);
    let a_ref = write(dir.path(), "ref.bin", &reference);
    let b = write(dir.path(), "b.bin", &moved);
    let d = 1.0 / 1024.0;
    let under = report(
        &a_ref,
        &b,
        Tolerance {
            position: d * 1.01,
            color: 0.0,
        },
    );
    assert!(!under.differs(), "{under:?}");
    let over = report(
        &a_ref,
        &b,
        Tolerance {
            position: d * 0.99,
            color: 0.0,
        },
    );
    assert_eq!((over.position_differs, over.color_differs), (1, 0));
    assert_eq!(over.largest[0].index, 1234);
    assert!(
        (over.max_distance - d).abs() < 1e-9,
        "{}",
        over.max_distance
    );
    let cli = |tolerance: f64| {
        run(&[
            "diff",
            &s(&a_ref),
            &s(&b),
            "--tolerance",
            &tolerance.to_string(),
        ])
    };
    assert_eq!(cli(d * 1.01).status.code(), Some(0));
    let out = cli(d * 0.99);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("position     1 differ"), "{text}");
    assert!(
        text.contains("largest      #1234: distance 0.00097656"),
        "{text}"
    );
    assert!(text.contains("(0.25, 0.50097656, 0.75) rgb("), "{text}");
}

#[test]
fn one_colour_unit_differs_and_the_colour_tolerance_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let vertices = gen::generate(Shape::Sphere, 1_000, 1);
    let mut changed = vertices.clone();
    changed[7].color[2] = changed[7].color[2].wrapping_add(1);
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &changed);
    let r = report(&a, &b, exact());
    assert_eq!(
        (r.position_differs, r.color_differs, r.differs_at_all),
        (0, 1, 1)
    );
    assert_eq!(r.max_color_difference, 1.0);
    assert_eq!(r.largest[0].index, 7);
    assert!(!report(
        &a,
        &b,
        Tolerance {
            position: 0.0,
            color: 1.0
        }
    )
    .differs());
    let out = run(&["diff", &s(&a), &s(&b), "--list", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("7: distance 0 colour 1 | (")),
        "{}",
        stdout(&out)
    );
    let out = run(&["diff", &s(&a), &s(&b), "--csv"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "index_a,index_b,distance,color_difference,a,b");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with("7,7,0,1,\"("), "{text}");
    assert_eq!(
        run(&["diff", &s(&a), &s(&b), "--color-tolerance", "1"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn the_same_points_in_two_layouts_agree() {
    let dir = tempfile::tempdir().unwrap();
    // 8-bit colours times 257: the 16-bit file holds exactly what the 8-bit one decodes to.
    let vertices: Vec<Vertex> = gen::generate(Shape::Galaxy, 3_000, 2)
        .into_iter()
        .map(|v| Vertex::new(v.position, v.color.map(|c| (c >> 8) * 257)))
        .collect();
    let a = write(dir.path(), "a.bin", &vertices);
    let mut rgba = Vec::new();
    for v in &vertices {
        rgba.extend(bytemuck::bytes_of(&v.position.to_array()));
        rgba.extend(v.color.map(|c| (c / 257) as u8));
        rgba.push(255);
    }
    let b = dir.path().join("b.rgba");
    std::fs::write(&b, rgba).unwrap();
    let b_source =
        VertexSource::open_with(&b, Layout::parse("pos:3f col:4B").unwrap(), None).unwrap();
    let r = diff(
        &VertexSource::open(&a).unwrap(),
        &b_source,
        &DiffOptions::default(),
        |_, _| {},
    )
    .unwrap();
    assert!(!r.differs(), "{r:?}");
    assert_eq!(r.compared, 3_000);
    let out = run(&["diff", &s(&a), &s(&b), "--layout-b", "pos:3f col:4B"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn different_counts_and_broken_files_cannot_be_compared() {
    let dir = tempfile::tempdir().unwrap();
    let vertices = gen::generate(Shape::Torus, 100, 1);
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &vertices[..99]);
    let out = run(&["diff", &s(&a), &s(&b)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "vertexview: {} holds 100 vertices and {} holds 99: matching by index needs as many on both sides",
            a.display(),
            b.display()
        )
    );
    let broken = dir.path().join("broken.bin");
    std::fs::write(&broken, [0u8; 30]).unwrap();
    let out = run(&["diff", &s(&a), &s(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("30 bytes is not a whole number of 20-byte vertices"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
    assert_eq!(run(&["diff", &s(&a)]).status.code(), Some(2), "usage");
    assert_eq!(
        run(&["diff", &s(&a), &s(&a), "--tolerance", "nan"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_file_in_pieces_gives_the_report_of_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    // More than one piece of the comparison (65 536 vertices), changed on both sides of the
    // cuts, and a piece (196 608 to 262 143) left as it was.
    let vertices = gen::generate(Shape::Wave, 270_001, 4);
    let mut changed = vertices.clone();
    let mut sum = 0.0;
    for i in [0, 65_535, 65_536, 131_071, 270_000] {
        changed[i].position.z += 0.01 * (1 + i % 7) as f32;
        sum += (f64::from(changed[i].position.z) - f64::from(vertices[i].position.z)).abs();
    }
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &changed);
    let streamed = report(&a, &b, exact());
    let whole = diff(
        &VertexSource::from_file(VertexFile::from_vertices("a", vertices)),
        &VertexSource::from_file(VertexFile::from_vertices("b", changed)),
        &DiffOptions {
            tolerance: exact(),
            largest: 5,
        },
        |_, _| {},
    )
    .unwrap();
    assert_eq!(streamed, whole);
    assert_eq!(streamed.position_differs, 5);
    let mut indices: Vec<u64> = streamed.largest.iter().map(|o| o.index).collect();
    indices.sort();
    assert_eq!(indices, [0, 65_535, 65_536, 131_071, 270_000]);
    assert_eq!(streamed.compared, 270_001);
    assert_eq!(streamed.mean_distance, sum / 270_001.0);
    assert_eq!(streamed.percentiles[2], 0.0, "p99: of the equal ones");
}

/// `diff -o` draws B with what changed in the turbo colormap, the largest difference at its red
/// end, and the rest dimmed to a quarter of its colour.
#[test]
fn the_difference_picture_shows_what_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (16, 8);
    let at = |px: u32, py: u32| {
        let x = (px as f32 + 0.5) / w as f32 * 2.0 - 1.0;
        let y = 1.0 - (py as f32 + 0.5) / h as f32 * 2.0;
        Vertex::new(Vec3::new(x, y, 0.5), [40_000, 20_000, 60_000])
    };
    let vertices: Vec<Vertex> = (0..w).map(|px| at(px, 3)).collect();
    let mut moved = vertices.clone();
    // Deeper, on the same pixel: the largest change; and a smaller one elsewhere.
    moved[5].position.z = 0.75;
    moved[11].position.z = 0.625;
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &moved);
    let png = dir.path().join("diff.png");
    let out = run(&[
        "diff",
        &s(&a),
        &s(&b),
        "-o",
        &s(&png),
        "--camera",
        "ndc",
        "--size",
        "16x8",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
    let turbo = |t: f64| {
        let c = colorous::TURBO.eval_continuous(t);
        [c.r, c.g, c.b, 255]
    };
    assert_eq!(image.pixel(5, 3).unwrap(), turbo(1.0), "the largest move");
    assert_eq!(image.pixel(11, 3).unwrap(), turbo(0.5), "half as far");
    // 40 000 / 4 = 10 000 of 65 535 is the byte 39; 20 000 / 4 → 19; 60 000 / 4 → 58.
    assert_eq!(
        image.pixel(0, 3).unwrap(),
        [39, 19, 58, 255],
        "unchanged, dimmed"
    );
    assert_eq!(image.pixel(0, 0).unwrap(), [0, 0, 0, 255], "background");
}

/// A shuffled copy is the same when each vertex is matched with its nearest (and differs by
/// index); a point added to one side is found, by its index in that side.
#[test]
fn a_shuffled_copy_agrees_by_nearest_and_an_outlier_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let vertices: Vec<Vertex> = (0..20_000u32)
        .map(|i| {
            let p = Vec3::new((i % 100) as f32, ((i / 100) % 20) as f32, (i / 2000) as f32);
            Vertex::new(p * 0.1, [(i * 3) as u16, (i * 7) as u16, 500])
        })
        .collect();
    // A fixed shuffle: stride through the indices by a number prime to the count.
    let shuffled: Vec<Vertex> = (0..vertices.len())
        .map(|i| vertices[(i * 7919) % vertices.len()])
        .collect();
    let a = write(dir.path(), "a.bin", &vertices);
    let b = write(dir.path(), "b.bin", &shuffled);
    let open = |p: &Path| VertexSource::open(p).unwrap();
    let options = DiffOptions::default();
    let by_index = diff(&open(&a), &open(&b), &options, |_, _| {}).unwrap();
    assert!(by_index.differs());
    let nearest =
        vertexview::compare::diff_nearest(&open(&a), &open(&b), &options, |_, _| {}).unwrap();
    assert!(!nearest.differs(), "{nearest:?}");
    assert_eq!(nearest.compared, 40_000, "both ways");
    let out = run(&["diff", &s(&a), &s(&b), "--match", "nearest"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("each against its nearest"));

    let mut with_outlier = shuffled.clone();
    with_outlier.push(Vertex::new(Vec3::new(50.0, 0.0, 0.0), [1, 2, 3]));
    let c = write(dir.path(), "c.bin", &with_outlier);
    let found =
        vertexview::compare::diff_nearest(&open(&a), &open(&c), &options, |_, _| {}).unwrap();
    assert_eq!(found.position_differs, 1, "{found:?}");
    let outlier = found.largest[0];
    assert_eq!(
        (outlier.side, outlier.index),
        (vertexview::compare::Side::B, 20_000)
    );
    // Its nearest in A is the corner (9.9, 0, 0): 40.1 away.
    assert!(
        (outlier.distance - 40.1).abs() < 1e-4,
        "{}",
        outlier.distance
    );
    let out = run(&[
        "diff",
        &s(&a),
        &s(&c),
        "--match",
        "nearest",
        "--tolerance",
        "0.001",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("largest      B #20000: distance 40.1"),
        "{}",
        stdout(&out)
    );
    // Counts may differ when matching by nearest, not by index.
    assert_eq!(run(&["diff", &s(&a), &s(&c)]).status.code(), Some(2));
}
