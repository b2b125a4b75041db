//! Every WGSL file in shaders/ (and the bench's) parses and validates with naga as it is built
//! (the point shaders follow `common.wgsl`), so a shader mistake fails `cargo test` rather than a
//! user's run; the built-in sources are the files on disk; the entry points the Rust side names
//! exist.

use std::path::Path;

use naga::valid::Capabilities;
use vertexview::gpu::{
    COMMON_SOURCE, EYE_DOME_SOURCE, RASTER64_SOURCE, RASTER_SOURCE, RESOLVE_SOURCE, SHADER_SOURCE,
    SHADE_SOURCE,
};

fn validate(name: &str, source: &str, capabilities: Capabilities) -> naga::Module {
    let module = naga::front::wgsl::parse_str(source)
        .unwrap_or_else(|e| panic!("{name}:\n{}", e.emit_to_string(source)));
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), capabilities)
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}:\n{}", e.emit_to_string(source)));
    module
}

fn entry_points(module: &naga::Module) -> Vec<&str> {
    module
        .entry_points
        .iter()
        .map(|e| e.name.as_str())
        .collect()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn the_built_in_sources_are_the_files_on_disk() {
    let common = file("shaders/common.wgsl");
    assert_eq!(COMMON_SOURCE, common);
    let shade = file("shaders/shade.wgsl");
    assert_eq!(SHADE_SOURCE, shade);
    assert_eq!(
        SHADER_SOURCE,
        common.clone() + &shade + &file("shaders/points.wgsl")
    );
    let raster = common.clone() + &shade + &file("shaders/raster.wgsl");
    assert_eq!(RASTER_SOURCE, raster);
    assert_eq!(RASTER64_SOURCE, raster + &file("shaders/raster64.wgsl"));
    assert_eq!(
        RESOLVE_SOURCE,
        common.clone() + &file("shaders/resolve.wgsl")
    );
    assert_eq!(EYE_DOME_SOURCE, common + &file("shaders/eye_dome.wgsl"));
    let mut on_disk: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        [
            "common.wgsl",
            "eye_dome.wgsl",
            "grid.wgsl",
            "points.wgsl",
            "raster.wgsl",
            "raster64.wgsl",
            "resolve.wgsl",
            "shade.wgsl"
        ],
        "a new shader file needs a test here"
    );
}

#[test]
fn every_shader_validates_with_its_entry_points() {
    let none = Capabilities::default();
    let points = validate("points.wgsl", SHADER_SOURCE, none);
    assert_eq!(
        entry_points(&points),
        ["vs_point", "vs_quad", "fs_point", "fs_quad"]
    );
    let raster = validate("raster.wgsl", RASTER_SOURCE, none);
    assert_eq!(
        entry_points(&raster),
        [
            "depth32_pass",
            "index32_pass",
            "color32_pass",
            "color64_pass",
            "color64_pixels",
            "color32_pixels"
        ]
    );
    // The 64-bit pass needs exactly what the device feature SHADER_INT64_ATOMIC_MIN_MAX gives:
    // u64, and atomic max without a return value.
    let wide = Capabilities::SHADER_INT64 | Capabilities::SHADER_INT64_ATOMIC_MIN_MAX;
    let raster64 = validate("raster64.wgsl", RASTER64_SOURCE, wide);
    assert_eq!(entry_points(&raster64).last(), Some(&"depth64_pass"));
    let refused = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), none)
        .validate(&naga::front::wgsl::parse_str(RASTER64_SOURCE).unwrap());
    assert!(refused.is_err(), "64-bit atomics must need the capability");
    let resolve = validate("resolve.wgsl", RESOLVE_SOURCE, none);
    assert_eq!(
        entry_points(&resolve),
        ["vs_resolve", "fs_resolve", "fs_resolve_color"]
    );
    let eye_dome = validate("eye_dome.wgsl", EYE_DOME_SOURCE, none);
    assert_eq!(entry_points(&eye_dome), ["vs_eye_dome", "fs_eye_dome"]);
    validate("grid.wgsl", &file("shaders/grid.wgsl"), none);
    validate("benches/plain.wgsl", &file("benches/plain.wgsl"), none);
}
