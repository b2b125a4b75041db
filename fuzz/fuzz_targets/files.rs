//! Any bytes as a PLY or LAS file open or give an error (never a panic, never an allocation
//! larger than the file warrants), and what opens reads and summarises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vertexview::load::open;
use vertexview::Vertex;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("vertexview-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(if kind % 2 == 0 { "f.ply" } else { "f.las" });
    std::fs::write(&path, bytes).unwrap();
    if let Ok((source, _)) = open::open(&path, None) {
        let _ = source.stats(|_, _| {});
        let n = source.len().min(1000) as usize;
        let mut vertices = vec![Vertex::default(); n];
        let _ = source.read(0, &mut vertices);
    }
});
