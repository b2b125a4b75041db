//! Layouts, PLY and LAS from the command line: `--layout`, `inspect`, `convert`, and a second,
//! independent reader (Python's plyfile) of what vertexview writes.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::headless::*;

fn data(name: &str) -> String {
    s(&Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name))
}

/// An engine's dump: position and 8-bit RGBA, 16 bytes, plus a 32-byte header.
fn engine_dump(dir: &Path) -> PathBuf {
    let mut bytes = b"ENGINE DUMP v3 (32-byte header)\0".to_vec();
    for i in 0..1000u32 {
        let t = i as f32 / 1000.0;
        for v in [
            t * 2.0 - 1.0,
            (t * 20.0).sin() * 0.5,
            (t * 20.0).cos() * 0.5,
        ] {
            bytes.extend(v.to_le_bytes());
        }
        bytes.extend([(i % 256) as u8, 128, 255 - (i % 256) as u8, 255]);
    }
    let path = dir.join("dump.vtx");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn inspect_shows_a_layout_and_lists_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let dump = s(&engine_dump(dir.path()));
    let out = run(&[
        "inspect",
        &dump,
        "--layout",
        "pos:3f col:4B",
        "--offset",
        "32",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "bytes        16032",
        "layout       pos:3f col:4B (16-byte records from byte 32)",
        "gpu          reads the records in place",
        "vertices     1000",
        "bounds x     -1 .. 0.998",
        "red          0 .. 65535",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let out = run(&[
        "inspect",
        &dump,
        "--layout",
        "pos:3f col:4B",
        "--offset",
        "32",
        "--head",
        "2",
    ]);
    assert_eq!(
        stdout(&out),
        "0: pos=(-1, 0, 0.5) col=(0, 128, 255, 255)\n1: pos=(-0.998, 0.009999334, 0.4999) col=(1, 128, 254, 255)\n"
    );
    let out = run(&[
        "inspect",
        &dump,
        "--layout",
        "pos:3f col:4B",
        "--offset",
        "32",
        "--csv",
        "--tail",
        "1",
    ]);
    assert!(
        stdout(&out).starts_with("x,y,z,r,g,b,a\n"),
        "{}",
        stdout(&out)
    );
    // A 3-byte colour has no vertex format at a 15-byte stride: converted, and said so.
    let packed = dir.path().join("packed.bin");
    std::fs::write(&packed, vec![0u8; 15 * 10]).unwrap();
    let text = stdout(&run(&["inspect", &s(&packed), "--layout", "pos:3f col:3B"]));
    assert!(
        text.contains("gpu          converted on upload, in pieces (vertex strides must be multiples of 4 bytes)"),
        "{text}"
    );
}

#[test]
fn bad_layouts_and_lengths_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let dump = s(&engine_dump(dir.path()));
    // A spec that does not parse is a usage error, naming the field.
    let out = run(&["inspect", &dump, "--layout", "pos:3f col:3Z"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("layout field 'col': unknown type code 'Z'"),
        "{}",
        stderr(&out)
    );
    // A length the layout does not fit: one line, exit 1, with the numbers.
    let out = run(&[
        "inspect",
        &dump,
        "--layout",
        "pos:3f col:4B",
        "--offset",
        "30",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("vertexview: {dump}: 16002 bytes after a 30-byte header is not a whole number of 16-byte records (1000 records, then 2 stray bytes at offset 16030)")
    );
    // The stride must hold the fields.
    let out = run(&[
        "inspect",
        &dump,
        "--layout",
        "pos:3f col:4B",
        "--stride",
        "14",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "vertexview: layout field 'col' at offset 12 (4 bytes) ends past the stride of 14"
    );
}

#[test]
fn ply_and_las_open_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["inspect", &data("greg_turk_example2_ok_ascii.ply")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("kind         PLY, ASCII, read whole and converted"),
        "{}",
        stdout(&out)
    );
    let out = run(&["inspect", &data("house_2_ok_little_endian.ply")]);
    let text = stdout(&out);
    assert!(
        text.contains("kind         PLY, binary little-endian, read in pieces"),
        "{text}"
    );
    assert!(
        text.contains("colours      none: drawn by a ramp over the height"),
        "{text}"
    );
    let out = run(&["inspect", &data("autzen.las")]);
    let text = stdout(&out);
    for line in [
        "kind         LAS 1.2, point format 1, 28-byte records",
        "vertices     106",
        "bounds x     635616.310 .. 638864.600",
        "shift        636083 849399 407",
        "up           z",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    for file in [data("autzen.las"), data("greg_turk_example2_ok_ascii.ply")] {
        let png = dir.path().join("out.png");
        let out = run(&[
            "render",
            &file,
            "-o",
            &s(&png),
            "--size",
            "96x64",
            "--point-size",
            "3",
        ]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
        let lit = image
            .pixels()
            .chunks_exact(4)
            .filter(|p| p[..3] != [0, 0, 0])
            .count();
        assert!(lit > 40, "{file}: {lit} pixels lit");
    }
    // Broken files: one line, exit 1, with where it went wrong.
    let truncated = dir.path().join("cut.ply");
    let whole = std::fs::read(data("house_2_ok_little_endian.ply")).unwrap();
    std::fs::write(&truncated, &whole[..200]).unwrap();
    let out = run(&["inspect", &s(&truncated)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("5 records of 12 bytes from offset 194 need more than the file's 200 bytes"),
        "{}",
        stderr(&out)
    );
    let header = dir.path().join("header.ply");
    std::fs::write(&header, "ply\nformat ascii 1.0\nelement vertex 99999999999\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n").unwrap();
    let out = run(&["inspect", &s(&header)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("99999999999 records"),
        "{}",
        stderr(&out)
    );
    let laz = dir.path().join("tile.laz");
    std::fs::write(&laz, b"LASF").unwrap();
    let out = run(&["inspect", &s(&laz)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("tile.laz: not a readable LAS header"),
        "{}",
        stderr(&out)
    );
    let out = run(&["inspect", &data("autzen.las"), "--layout", "pos:3f"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--layout, --stride and --offset describe raw files"));
}

#[test]
fn convert_round_trips_and_plyfile_reads_what_we_write() {
    let dir = tempfile::tempdir().unwrap();
    let raw = gen(dir.path(), "helix.bin", "helix", "3000");
    for (ply, flags) in [("b.ply", vec![]), ("a.ply", vec!["--ascii"])] {
        let ply = dir.path().join(ply);
        let mut args = vec!["convert", s(&raw).leak() as &str, s(&ply).leak()];
        args.extend(flags.iter().copied());
        let out = run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("wrote 3000 vertices to {}", ply.display())
        );
        let back = dir.path().join("back.bin");
        let out = run(&["convert", &s(&ply), &s(&back)]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            std::fs::read(&back).unwrap() == std::fs::read(&raw).unwrap(),
            "{ply:?}: raw → PLY → raw"
        );

        // An independent reader: Python's plyfile.
        let script = "import sys, plyfile\nv = plyfile.PlyData.read(sys.argv[1])['vertex']\nprint(len(v), repr(float(v['x'][7])), int(v['red'][7]), int(v['blue'][2999]))";
        let py = Command::new("python3")
            .args(["-c", script, &s(&ply)])
            .output()
            .expect("python3");
        assert!(
            py.status.success(),
            "plyfile (pip install plyfile): {}",
            String::from_utf8_lossy(&py.stderr)
        );
        let vertices: Vec<vertexview::Vertex> =
            bytemuck::pod_collect_to_vec(&std::fs::read(&raw).unwrap());
        let expected = format!(
            "3000 {} {} {}\n",
            python_float(vertices[7].position.x),
            vertices[7].color[0],
            vertices[2999].color[2]
        );
        assert_eq!(String::from_utf8_lossy(&py.stdout), expected);
    }
    // A layout converted to the default.
    let dump = engine_dump(dir.path());
    let out_bin = dir.path().join("dump.bin");
    let out = run(&[
        "convert",
        &s(&dump),
        &s(&out_bin),
        "--layout",
        "pos:3f col:4B",
        "--offset",
        "32",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::metadata(&out_bin).unwrap().len(), 20_000);
    let text = stdout(&run(&["inspect", &s(&out_bin), "--head", "1"]));
    assert_eq!(text, "0: (-1, 0, 0.5) rgb(0, 32896, 65535)\n");
    // Never over the input.
    let out = run(&["convert", &s(&raw), &s(&raw)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refusing to overwrite it"));
}

/// How Python's repr prints a float32 widened to a float64: the shortest text that reads back
/// to the double, as Rust's `{:?}` prints it.
fn python_float(v: f32) -> String {
    format!("{:?}", f64::from(v))
}

/// An output vertexview cannot write is refused before anything is written: ASCII is PLY's
/// alone, whatever else the name asks for.
#[test]
fn convert_refuses_outputs_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let input = gen(dir.path(), "in.bin", "cube", "100");
    for name in ["out.copc.laz", "OUT.LAS"] {
        let out = dir.path().join(name);
        let o = run(&["convert", &s(&input), &s(&out), "--ascii"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert_eq!(
            stderr(&o).trim(),
            format!(
                "vertexview: {}: --ascii writes PLY; name the output .ply",
                out.display()
            )
        );
        assert!(!out.exists(), "{name} written");
    }
}

/// `convert` writes COPC that an independent reader (laspy's CopcReader, with lazrs) reads:
/// every point once, at its position (on the LAS grid) and with its colour, level by level, the
/// coarsest a sparse sample of the whole; and vertexview reads it back as COPC (`inspect` shows
/// the octree) and as the LAZ file it also is, matching the input point for point.
#[test]
fn convert_writes_copc_that_laspy_reads() {
    let dir = tempfile::tempdir().unwrap();
    let raw = gen(dir.path(), "galaxy.bin", "galaxy", "300000");
    let copc = dir.path().join("galaxy.copc.laz");
    let out = run(&["convert", &s(&raw), &s(&copc)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("wrote 300000 vertices to {} (COPC)", copc.display())
    );
    // laspy: the points of each level, and all of them sorted, against the input sorted.
    let script = r#"
import sys, laspy, numpy as np
with laspy.CopcReader.open(sys.argv[1]) as r:
    levels = [len(r.query(level=l)) for l in range(6)]
    p = r.query()
a = np.stack([p.X, p.Y, p.Z, p.red, p.green, p.blue], 1).astype(np.int64)
g = np.fromfile(sys.argv[2], dtype=np.dtype([("p", "<f4", 3), ("c", "<u2", 3), ("pad", "<u2")]))
h = r.header
v = (g["p"].astype(np.float64) - h.offsets) / h.scales
q = np.trunc(v + np.copysign(0.5, v)).astype(np.int64)  # halves away from zero, as Rust rounds
b = np.concatenate([q, g["c"].astype(np.int64)], 1)
same = np.array_equal(a[np.lexsort(a.T[::-1])], b[np.lexsort(b.T[::-1])])
print(h.version, h.point_format.id, len(p), same, *levels)
"#;
    let py = Command::new("python3")
        .args(["-c", script, &s(&copc), &s(&raw)])
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "laspy (pip install laspy lazrs): {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let text = String::from_utf8_lossy(&py.stdout).into_owned();
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words[..4], ["1.4", "7", "300000", "True"], "{text}");
    let levels: Vec<u64> = words[4..].iter().map(|w| w.parse().unwrap()).collect();
    assert_eq!(levels.iter().sum::<u64>(), 300_000, "{text}");
    assert!(levels[0] > 1000 && levels[0] < 128 * 128 * 8, "{text}");
    assert!(levels[1] > levels[0], "{text}");
    // vertexview: the octree laspy saw, and the points themselves, in another order.
    let text = stdout(&run(&["inspect", &s(&copc)]));
    for (level, points) in levels.iter().enumerate().filter(|(_, &p)| p > 0) {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("octree {level} "))
                    && l.contains(&format!(" nodes, {points} points, spacing "))),
            "{level}: {text}"
        );
    }
    let diff = run(&[
        "diff",
        &s(&raw),
        &s(&copc),
        "--match",
        "nearest",
        "--tolerance",
        "1e-6",
    ]);
    assert_eq!(diff.status.code(), Some(0), "{}", stdout(&diff));
}

/// `convert` writes LAS and LAZ that vertexview and an independent reader (Python's laspy, with
/// lazrs for LAZ) read back: every point, colours exactly, positions on a grid finer than
/// float32's (the few values far smaller than the extent move by less than its step).
#[test]
fn convert_writes_las_and_laz_that_laspy_reads() {
    let dir = tempfile::tempdir().unwrap();
    let raw = gen(dir.path(), "galaxy.bin", "galaxy", "5000");
    let vertices: Vec<vertexview::Vertex> =
        bytemuck::pod_collect_to_vec(&std::fs::read(&raw).unwrap());
    for name in ["g.las", "g.laz"] {
        let las = dir.path().join(name);
        let out = run(&["convert", &s(&raw), &s(&las)]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("wrote 5000 vertices to {}", las.display())
        );
        let diff = run(&["diff", &s(&raw), &s(&las), "--tolerance", "1e-8"]);
        assert_eq!(diff.status.code(), Some(0), "{name}: {}", stdout(&diff));
        assert!(
            stdout(&diff).contains("colour       0 differ (tolerance 0)"),
            "{}",
            stdout(&diff)
        );
        let script = "import sys, laspy\nf = laspy.read(sys.argv[1])\nprint(f.header.version, f.header.point_format.id, len(f.points), repr(float(f.x[7])), int(f.red[7]), int(f.blue[4999]))";
        let py = Command::new("python3")
            .args(["-c", script, &s(&las)])
            .output()
            .expect("python3");
        assert!(
            py.status.success(),
            "laspy (pip install laspy lazrs): {}",
            String::from_utf8_lossy(&py.stderr)
        );
        let text = String::from_utf8_lossy(&py.stdout).into_owned();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words[..3], ["1.4", "7", "5000"], "{name}: {text}");
        let x: f64 = words[3].parse().unwrap();
        assert!(
            (x - f64::from(vertices[7].position.x)).abs() < 1e-8,
            "{name}: x[7] {x} for {}",
            vertices[7].position.x
        );
        assert_eq!(
            words[4..],
            [
                vertices[7].color[0].to_string(),
                vertices[4999].color[2].to_string()
            ],
            "{name}"
        );
    }
}

/// A LAZ file no one here wrote (the `las` crate's autzen.laz) opens in every command: the same
/// points as its LAS sibling, and `inspect` says it is compressed and how fast it decoded.
#[test]
fn laz_opens_like_las() {
    let out = run(&["inspect", &data("autzen.laz")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("kind         LAZ (compressed LAS 1.2), point format 3, 34-byte records: decompressed as read,"),
        "{text}"
    );
    assert!(text.contains("vertices     106"), "{text}");
    assert!(
        text.contains("bounds x     635616.310 .. 638864.600"),
        "{text}"
    );
    assert!(text.contains("up           z"), "{text}");
    let same = run(&["diff", &data("autzen.las"), &data("autzen.laz")]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}{}",
        stdout(&same),
        stderr(&same)
    );
    let dir = tempfile::tempdir().unwrap();
    let (las_png, laz_png) = (dir.path().join("las.png"), dir.path().join("laz.png"));
    for (input, png) in [("autzen.las", &las_png), ("autzen.laz", &laz_png)] {
        let o = run(&[
            "render",
            &data(input),
            "-o",
            &s(png),
            "--size",
            "96x64",
            "--height-colors",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(
        std::fs::read(&las_png).unwrap(),
        std::fs::read(&laz_png).unwrap()
    );
    let ply = dir.path().join("autzen.ply");
    assert!(run(&["convert", &data("autzen.laz"), &s(&ply)])
        .status
        .success());
}

/// A LAZ file of several chunks (120 000 points: LASzip's chunks are 50 000), written by the
/// `las` crate, reads point for point as its LAS twin: whole, in pieces that cut chunks at
/// awkward places, and in the statistics pass on all cores.
#[test]
fn laz_of_several_chunks_reads_like_its_las_twin() {
    use vertexview::compare::{diff, DiffOptions};
    use vertexview::VertexSource;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str| {
        let path = dir.path().join(name);
        let mut builder = las::Builder::from((1, 2));
        builder.point_format = las::point::Format::new(3).unwrap();
        builder.transforms = las::Vector {
            x: las::Transform {
                scale: 0.01,
                offset: 500_000.0,
            },
            y: las::Transform {
                scale: 0.01,
                offset: 4_000_000.0,
            },
            z: las::Transform {
                scale: 0.01,
                offset: 0.0,
            },
        };
        let header = builder.into_header().unwrap();
        let mut writer = las::Writer::from_path(&path, header).unwrap();
        for i in 0..120_000u32 {
            let t = f64::from(i);
            writer
                .write_point(las::Point {
                    x: 500_000.0 + (t * 0.37).sin() * 100.0,
                    y: 4_000_000.0 + t * 0.01,
                    z: (t * 0.001).cos() * 20.0,
                    color: Some(las::Color::new(
                        (i % 256) as u16 * 257,
                        1000,
                        (i / 7) as u16,
                    )),
                    gps_time: Some(t),
                    ..Default::default()
                })
                .unwrap();
        }
        writer.close().unwrap();
        path
    };
    let (las_path, laz_path) = (write("tile.las"), write("tile.laz"));
    assert!(
        std::fs::metadata(&laz_path).unwrap().len()
            < std::fs::metadata(&las_path).unwrap().len() / 2
    );
    let open = |p: &Path| vertexview::load::open::open(p, None).unwrap().0;
    let (las_source, laz_source) = (open(&las_path), open(&laz_path));
    assert!(laz_source.is_compressed());
    assert_eq!(laz_source.len(), 120_000);
    let same = diff(&las_source, &laz_source, &DiffOptions::default(), |_, _| {}).unwrap();
    assert!(!same.differs(), "{same:?}");
    assert_eq!(
        las_source.stats(|_, _| {}).unwrap(),
        laz_source.stats(|_, _| {}).unwrap()
    );
    // Reads that start and end inside chunks, across their boundaries.
    for (first, n) in [
        (49_990u64, 20usize),
        (99_999, 2),
        (0, 1),
        (119_999, 1),
        (12_345, 60_000),
    ] {
        let mut a = vec![vertexview::Vertex::default(); n];
        let mut b = a.clone();
        las_source.read(first, &mut a).unwrap();
        laz_source.read(first, &mut b).unwrap();
        assert_eq!(a, b, "{first}+{n}");
    }
    let _: &VertexSource = &laz_source;
    let out = run(&["inspect", &s(&laz_path)]);
    assert!(
        stdout(&out).contains("decompressed as read"),
        "{}",
        stdout(&out)
    );
}

/// `--color NAME` from the command line: a LAS extra byte by name draws, `inspect` lists the
/// columns, and a name the file lacks exits 1 with one line naming those it has.
#[test]
fn color_takes_any_column_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let laz = data("extrabytes.laz");
    let text = stdout(&run(&["inspect", &laz]));
    assert!(
        text.contains("columns      intensity, scan_angle, user_data, point_source_id, gps_time, Intensity, Time, return_number, number_of_returns, classification (--color NAME)"),
        "{text}"
    );
    let png = dir.path().join("extra.png");
    for name in ["Intensity", "classification", "index"] {
        let out = run(&[
            "render",
            &laz,
            "--color",
            name,
            "--size",
            "160x120",
            "-o",
            &s(&png),
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
        let lit = (0..120)
            .flat_map(|y| (0..160).map(move |x| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y).unwrap()[..3] != [0, 0, 0])
            .count();
        assert!(lit > 100, "{name}: {lit} lit pixels");
    }
    let out = run(&["render", &laz, "--color", "nope", "-o", &s(&png)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no column 'nope' to colour by; it has: x, y, z, height, index, intensity,"),
        "{err}"
    );
}

/// A real COPC file with a paged hierarchy (laspy's test data): `inspect` shows its octree with
/// the points per level laspy's own COPC reader counts, `--lod LEVEL` reads exactly levels 0 to
/// LEVEL, `--resolution R` what laspy reads for R, and all levels draw the picture the whole
/// file draws.
#[test]
fn copc_levels_read_as_laspy_reads_them() {
    let copc = data("simple_with_page.copc.laz");
    let script = "import sys, laspy\nwith laspy.CopcReader.open(sys.argv[1]) as r:\n    print(*[len(r.query(level=l)) for l in range(4)])";
    let py = Command::new("python3")
        .args(["-c", script, &copc])
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "laspy (pip install laspy lazrs): {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let per_level: Vec<u64> = String::from_utf8_lossy(&py.stdout)
        .split_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    assert_eq!(per_level.len(), 4);
    let text = stdout(&run(&["inspect", &copc]));
    for (level, points) in per_level.iter().enumerate() {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("octree {level} ")))
            .unwrap_or_else(|| panic!("no level {level} in\n{text}"));
        assert!(
            line.contains(&format!(" nodes, {points} points, spacing ")),
            "{line}"
        );
    }
    for level in 0..4usize {
        let text = stdout(&run(&["inspect", &copc, "--lod", &level.to_string()]));
        let want: u64 = per_level[..=level].iter().sum();
        assert!(
            text.contains(&format!("vertices     {want}\n")),
            "{level}: {text}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (all, deepest) = (dir.path().join("all.png"), dir.path().join("lod3.png"));
    for (out, extra) in [(&all, None), (&deepest, Some("3"))] {
        let mut args = vec!["render", &copc, "--size", "160x120", "-o"];
        let out = s(out);
        args.push(&out);
        if let Some(level) = extra {
            args.extend(["--lod", level]);
        }
        let result = run(&args);
        assert!(result.status.success(), "{}", stderr(&result));
    }
    assert_eq!(
        std::fs::read(&all).unwrap(),
        std::fs::read(&deepest).unwrap()
    );
    // Not a COPC file: said, exit 1.
    let out = run(&["render", &data("autzen.las"), "--lod", "0", "-o", &s(&all)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--lod and --resolution read the levels of a COPC file's octree"));
    // --resolution R reads what laspy's query(resolution=R) reads.
    let script = "import sys, laspy\nwith laspy.CopcReader.open(sys.argv[1]) as r:\n    print(*[len(r.query(resolution=x)) for x in (100, 10, 5)])";
    let py = Command::new("python3")
        .args(["-c", script, &copc])
        .output()
        .expect("python3");
    let counts: Vec<String> = String::from_utf8_lossy(&py.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    assert_eq!(counts.len(), 3, "{}", String::from_utf8_lossy(&py.stderr));
    for (r, want) in ["100", "10", "5"].iter().zip(&counts) {
        let text = stdout(&run(&["inspect", &copc, "--resolution", r]));
        assert!(
            text.contains(&format!("vertices     {want}\n")),
            "{r}: {text}"
        );
    }
    let out = run(&["inspect", &copc, "--resolution", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A COPC file whose hierarchy lies (a node with a negative point count, then one whose chunk
/// lies past the end): every command says so in one line, naming the node, and exits 1.
#[test]
fn a_copc_hierarchy_that_lies_is_one_line_and_exit_1() {
    let bytes = std::fs::read(data("simple_with_page.copc.laz")).unwrap();
    // The info VLR's payload starts after the header (375 bytes) and the VLR's own 54; the root
    // page's offset is its sixth number. The page's first entry is the root node.
    let info = 375 + 54;
    let root = u64::from_le_bytes(bytes[info + 40..info + 48].try_into().unwrap()) as usize;
    assert_eq!(
        &bytes[root..root + 16],
        &[0; 16],
        "the first entry is the root"
    );
    let dir = tempfile::tempdir().unwrap();
    let lying = dir.path().join("lying.copc.laz");
    let mut count = bytes.clone();
    count[root + 28..root + 32].copy_from_slice(&(-7i32).to_le_bytes());
    let mut chunk = bytes.clone();
    chunk[root + 16..root + 24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    for (lie, why) in [
        (count, "octree node 0-0-0-0 has -7 points"),
        (chunk, "is not within the file's"),
    ] {
        std::fs::write(&lying, lie).unwrap();
        let png = s(&dir.path().join("x.png"));
        for args in [
            vec!["inspect", &s(&lying)],
            vec!["render", &s(&lying), "-o", &png],
            vec!["render", &s(&lying), "--lod", "0", "-o", &png],
        ] {
            let out = run(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(
                err.contains("its octree hierarchy does not read") && err.contains(why),
                "{args:?}: {err}"
            );
        }
    }
}
