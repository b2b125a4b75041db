//! Any bytes either load as vertices or give a length error; loading never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vertexview::VertexFile;

fuzz_target!(|data: &[u8]| {
    let valid = data.len() % 20 == 0 || data.len() % 20 == 18;
    match VertexFile::from_bytes(data) {
        Ok(file) => {
            assert!(valid);
            assert_eq!(file.len(), data.len().div_ceil(20));
            assert_eq!(&file.bytes()[..data.len()], data);
            let stats = file.stats();
            assert!(stats.non_finite <= stats.count);
        }
        Err(e) => {
            assert!(!valid);
            let _ = e.to_string();
        }
    }
});
