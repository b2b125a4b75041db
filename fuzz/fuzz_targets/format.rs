//! Any format string parses or is refused; any parsed format casts, indexes and lists without
//! panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vertexview::format::View;

fuzz_target!(|input: (&str, &[u8])| {
    let (format, bytes) = input;
    let view = View::new(bytes);
    if let Ok(cast) = view.cast(format) {
        assert_eq!(cast.len() * cast.itemsize(), bytes.len());
        let _ = cast.get(0);
        let _ = cast.get(cast.len());
        let _ = cast.slice(1..cast.len());
        assert_eq!(cast.to_vec().len(), cast.len());
        let _ = cast.as_slice::<f32>();
    }
});
