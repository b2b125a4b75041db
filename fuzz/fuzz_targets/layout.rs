//! Any layout spec parses or is refused with a message; a parsed one prints and parses back to
//! itself, and decodes any record bytes without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vertexview::format::Layout;

fuzz_target!(|data: &[u8]| {
    let Some((spec, record)) = std::str::from_utf8(data)
        .ok()
        .map(|s| s.split_once('\n').unwrap_or((s, "")))
    else {
        return;
    };
    match Layout::parse(spec) {
        Ok(layout) => {
            assert_eq!(Layout::parse(&layout.to_string()).unwrap(), layout);
            let record = record.as_bytes();
            let _ = layout.read_position(record);
            let _ = layout.read_color(record);
            let _ = layout.read_values(record);
            let _ = layout.gpu();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
