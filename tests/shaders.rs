//! Every WGSL file in shaders/ (and the bench's) parses and validates with naga, so a shader
//! mistake fails `cargo test` rather than a user's run; the entry points the Rust side names exist.

use std::path::Path;

fn validate(path: &Path) -> naga::Module {
    let source = std::fs::read_to_string(path).unwrap();
    let module = naga::front::wgsl::parse_str(&source)
        .unwrap_or_else(|e| panic!("{}:\n{}", path.display(), e.emit_to_string(&source)));
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::default(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{}:\n{}", path.display(), e.emit_to_string(&source)));
    module
}

fn entry_points(module: &naga::Module) -> Vec<&str> {
    module
        .entry_points
        .iter()
        .map(|e| e.name.as_str())
        .collect()
}

#[test]
fn every_shader_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for dir in ["shaders", "benches"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "wgsl") {
                validate(&path);
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 3, "points.wgsl, grid.wgsl, plain.wgsl");
}

#[test]
fn the_point_shader_is_the_one_built_in_and_has_its_entry_points() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let on_disk = std::fs::read_to_string(root.join("shaders/points.wgsl")).unwrap();
    assert_eq!(on_disk, vertexview::gpu::SHADER_SOURCE);
    let module = validate(&root.join("shaders/points.wgsl"));
    assert_eq!(
        entry_points(&module),
        ["vs_point", "vs_quad", "fs_point", "fs_quad"]
    );
}
