//! The `vertexview` binary run as a user runs it.

use std::path::Path;

mod common;
use common::headless::*;

fn gen(dir: &Path, name: &str, args: &[&str]) -> String {
    let path = dir.join(name).to_string_lossy().into_owned();
    let mut all = vec!["gen", "-o", &path];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    path
}

#[test]
fn gen_then_inspect_shows_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = gen(
        dir.path(),
        "cube.bin",
        &["--shape", "cube", "--count", "1000", "--seed", "3"],
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 20_000);
    let out = run(&["inspect", &path]);
    assert!(out.status.success());
    let text = stdout(&out);
    for line in [
        "bytes        20000",
        "stride       20 bytes (<3f3H2x)",
        "vertices     1000",
        "last vertex  padded",
        "non-finite   0",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(
        text.lines().any(|l| l.starts_with("bounds x     -0.99")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("red          ")),
        "{text}"
    );
}

#[test]
fn gen_is_deterministic_and_can_drop_the_trailing_pad() {
    let dir = tempfile::tempdir().unwrap();
    let a = gen(
        dir.path(),
        "a.bin",
        &["--shape", "galaxy", "--count", "500", "--seed", "9"],
    );
    let b = gen(
        dir.path(),
        "b.bin",
        &[
            "--shape",
            "galaxy",
            "--count",
            "500",
            "--seed",
            "9",
            "--no-trailing-pad",
        ],
    );
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(b.len(), 500 * 20 - 2);
    assert_eq!(&a[..b.len()], &b[..]);
    let out = run(&["inspect", &dir.path().join("b.bin").to_string_lossy()]);
    assert!(
        stdout(&out).contains("last vertex  unpadded"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn list_head_tail_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.bin");
    let mut bytes = Vec::new();
    for (p, c) in [
        ([0.1f32, -2.0, 3.5], [1u16, 2, 3]),
        ([f32::NAN, f32::INFINITY, f32::NEG_INFINITY], [65535, 0, 7]),
        ([1e-8, 123456.79, -0.0], [4, 5, 6]),
    ] {
        p.iter().for_each(|x| bytes.extend(x.to_le_bytes()));
        c.iter().for_each(|x| bytes.extend(x.to_le_bytes()));
        bytes.extend([0, 0]);
    }
    std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
    let path = path.to_string_lossy();

    let out = run(&["inspect", &path, "--csv"]);
    assert_eq!(
        stdout(&out),
        "x,y,z,r,g,b\n0.1,-2,3.5,1,2,3\nNaN,inf,-inf,65535,0,7\n0.00000001,123456.79,-0,4,5,6\n"
    );
    let out = run(&["inspect", &path, "--list"]);
    assert_eq!(
        stdout(&out),
        "0: (0.1, -2, 3.5) rgb(1, 2, 3)\n1: (NaN, inf, -inf) rgb(65535, 0, 7)\n2: (0.00000001, 123456.79, -0) rgb(4, 5, 6)\n"
    );
    assert_eq!(
        stdout(&run(&["inspect", &path, "--head", "1"])),
        "0: (0.1, -2, 3.5) rgb(1, 2, 3)\n"
    );
    assert_eq!(
        stdout(&run(&["inspect", &path, "--tail", "1", "--csv"])),
        "x,y,z,r,g,b\n0.00000001,123456.79,-0,4,5,6\n"
    );
    assert_eq!(
        stdout(&run(&["inspect", &path, "--head", "1", "--tail", "1"]))
            .lines()
            .count(),
        2
    );
    assert_eq!(
        stdout(&run(&["inspect", &path, "--head", "9", "--tail", "9"]))
            .lines()
            .count(),
        3
    );
    let summary = stdout(&run(&["inspect", &path]));
    assert!(
        summary.contains("non-finite   1") && summary.contains("last vertex  unpadded"),
        "{summary}"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, [0u8; 1007]).unwrap();
    let cases = [
        (bad.to_string_lossy().into_owned(), "1007 bytes is not a whole number of 20-byte vertices (50 vertices, then 7 stray bytes at offset 1000)"),
        (dir.path().join("missing.bin").to_string_lossy().into_owned(), "cannot read: No such file or directory"),
        (dir.path().to_string_lossy().into_owned(), "is a directory, not a vertex file"),
    ];
    for (path, message) in cases {
        for command in ["inspect", "render", "view"] {
            let mut args = vec![command, path.as_str()];
            if command == "render" {
                args.extend(["-o", "/dev/null"]);
            }
            let out = run(&args);
            assert_eq!(out.status.code(), Some(1), "{command} {path}");
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with("vertexview: ") && err.contains(message),
                "{err}"
            );
            assert!(!err.contains("panicked"));
        }
    }
}

#[test]
fn empty_file_is_said_on_stderr_and_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, []).unwrap();
    let out = run(&["inspect", &empty.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("holds 0 vertices (empty file)"));
    assert!(stdout(&out).contains("vertices     0"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["inspect"],
        vec!["gen", "--shape", "blob", "-o", "x.bin"],
        vec!["render", "f.bin", "-o", "o.png", "--size", "10"],
        vec!["render", "f.bin", "-o", "o.png", "--background", "red"],
        vec!["render", "f.bin", "-o", "o.png", "--point-size", "0"],
        vec!["inspect", "f.bin", "--head", "-1"],
        vec!["frobnicate"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn render_writes_a_png_and_compares_with_a_reference() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(
        dir.path(),
        "helix.bin",
        &["--shape", "helix", "--count", "5000"],
    );
    let out_png = dir.path().join("out.png");
    let reference = dir.path().join("ref.png");
    let (o, r) = (
        out_png.to_string_lossy().into_owned(),
        reference.to_string_lossy().into_owned(),
    );
    let render = |extra: &[&str]| {
        let mut args = vec![
            "render",
            data.as_str(),
            "-o",
            o.as_str(),
            "--size",
            "96x64",
            "--reference",
            r.as_str(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };

    // No reference yet: it is written from the result, and the run fails saying so.
    let first = render(&[]);
    assert_eq!(first.status.code(), Some(1));
    assert!(
        stderr(&first).contains("did not exist; wrote it from this render"),
        "{}",
        stderr(&first)
    );
    assert!(reference.exists() && out_png.exists());
    let image = vertexview::gpu::image::RgbaImage::read_png(&out_png).unwrap();
    assert_eq!((image.width(), image.height()), (96, 64));

    // Same render: passes with a zero error and writes the difference image.
    let same = render(&[]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        stdout(&same).starts_with("mean FLIP 0.00000 (threshold 0.05), 0 pixels differ, pass"),
        "{}",
        stdout(&same)
    );
    assert!(dir.path().join("out.diff.png").exists());

    // Another view of the data: fails.
    let other = render(&["--yaw", "120", "--point-size", "3"]);
    assert_eq!(other.status.code(), Some(1), "{}", stdout(&other));
    assert!(stdout(&other).contains("FAIL"), "{}", stdout(&other));
    // ... unless the threshold allows it.
    let loose = render(&["--yaw", "120", "--point-size", "3", "--threshold", "1"]);
    assert_eq!(loose.status.code(), Some(0));

    // A reference of another size is an error, not a panic.
    let small = dir.path().join("small.png");
    vertexview::gpu::image::RgbaImage::new(2, 2, vec![0; 16])
        .unwrap()
        .write_png(&small)
        .unwrap();
    let args = [
        "render",
        data.as_str(),
        "-o",
        o.as_str(),
        "--reference",
        &small.to_string_lossy(),
    ];
    let mismatch = run(&args);
    assert_eq!(mismatch.status.code(), Some(1));
    assert!(
        stderr(&mismatch).contains("the images differ in size"),
        "{}",
        stderr(&mismatch)
    );
}

#[test]
fn render_ndc_lights_the_pixel_of_each_point() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ndc.bin");
    let mut bytes = Vec::new();
    // Pixel (2, 1) of a 4x4 image: x = (2.5/4)*2-1, y = 1-(1.5/4)*2.
    for v in [0.25f32, 0.25, 0.5] {
        bytes.extend(v.to_le_bytes());
    }
    for c in [65535u16, 32768, 0, 0] {
        bytes.extend(c.to_le_bytes());
    }
    std::fs::write(&data, bytes).unwrap();
    let png = dir.path().join("ndc.png");
    let out = run(&[
        "render",
        &data.to_string_lossy(),
        "-o",
        &png.to_string_lossy(),
        "--camera",
        "ndc",
        "--size",
        "4x4",
        "--background",
        "#000010",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
    for y in 0..4 {
        for x in 0..4 {
            let want = if (x, y) == (2, 1) {
                [255, 128, 0, 255]
            } else {
                [0, 0, 16, 255]
            };
            assert_eq!(image.pixel(x, y).unwrap(), want, "({x}, {y})");
        }
    }
}

#[test]
fn no_adapter_is_one_line_that_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(dir.path(), "s.bin", &["--shape", "sphere", "--count", "10"]);
    let png = dir.path().join("s.png");
    // Vulkan only, with the loader pointed at no driver at all.
    let out = vertexview()
        .args(["render", &data, "-o", &png.to_string_lossy()])
        .env("WGPU_BACKEND", "vulkan")
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("vertexview: no GPU adapter found"), "{err}");
    assert!(err.contains("apt-get install mesa-vulkan-drivers"), "{err}");
    assert!(!png.exists());
}

/// Several files render into one scene, one camera fitted over all, with ties going to the
/// earlier file: the picture of the files joined end to end, by both paths.
#[test]
fn render_draws_several_files_as_one_scene() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.bin");
    let b = dir.path().join("b.bin");
    let joined = dir.path().join("ab.bin");
    let gen = |shape: &str, count: &str, seed: &str, out: &std::path::Path| {
        let o = run(&[
            "gen",
            "--shape",
            shape,
            "--count",
            count,
            "--seed",
            seed,
            "-o",
            &s(out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    gen("torus", "30000", "1", &a);
    gen("helix", "20000", "2", &b);
    let mut bytes = std::fs::read(&a).unwrap();
    bytes.extend(std::fs::read(&b).unwrap());
    std::fs::write(&joined, bytes).unwrap();
    for raster in ["compute", "pipeline"] {
        let both = dir.path().join(format!("both-{raster}.png"));
        let one = dir.path().join(format!("one-{raster}.png"));
        let size = ["--size", "160x120", "--raster", raster];
        let o = run(&[&["render", &s(&a), &s(&b), "-o", &s(&both)][..], &size].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(&[&["render", &s(&joined), "-o", &s(&one)][..], &size].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        let (both, one) = (
            vertexview::gpu::image::RgbaImage::read_png(&both).unwrap(),
            vertexview::gpu::image::RgbaImage::read_png(&one).unwrap(),
        );
        assert_eq!(both.pixels(), one.pixels(), "{raster}");
        let lit = both
            .pixels()
            .chunks(4)
            .filter(|p| p[..3] != [0, 0, 0])
            .count();
        assert!(lit > 2000, "{raster}: {lit} pixels lit");
    }
}
