//! The memoryview rules: formats, slicing, indexing, casts and every refusal.

use vertexview::format::{
    split_vertex, ColorView, Format, FormatError, PositionView, Value, View, ViewError,
};
use vertexview::Vertex;

fn vertex_bytes(p: [f32; 3], c: [u16; 3]) -> Vec<u8> {
    let mut b = Vec::new();
    p.iter().for_each(|x| b.extend(x.to_le_bytes()));
    c.iter().for_each(|x| b.extend(x.to_le_bytes()));
    b.extend([0, 0]);
    b
}

#[test]
fn format_sizes_follow_struct_calcsize() {
    for (format, size) in [
        ("B", 1),
        ("<3f3H2x", 20),
        ("<fffHHHxx", 20),
        ("<d", 8),
        ("<q", 8),
        (
            "<bBhHiIlLqQfd",
            1 + 1 + 2 + 2 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8,
        ),
        ("@Bf", 8), // native: 'f' aligned to 4
        ("=Bf", 5), // native order, no alignment
        ("<Bf", 5),
        ("@3x", 3),
        ("<3f 2H", 16),
    ] {
        assert_eq!(Format::parse(format).unwrap().itemsize(), size, "{format}");
    }
}

#[test]
fn format_errors_say_what_is_wrong() {
    let cases: [(&str, &str); 7] = [
        ("", "format '' has no type codes"),
        ("<", "format '<' has no type codes"),
        ("3z", "format '3z': unknown type code 'z' at position 1 (known: b B h H i I l L q Q e f d x)"),
        ("<3", "format '<3': repeat count without a type code"),
        (">f", "format '>f': big-endian formats ('>', '!') cannot be viewed without copying; vertex files are little-endian ('<')"),
        ("f<", "format 'f<': byte-order character '<' must come first"),
        (" <f", "format ' <f': byte-order character '<' must come first"),
    ];
    for (format, message) in cases {
        assert_eq!(Format::parse(format).unwrap_err().to_string(), message);
    }
    assert_eq!(
        Format::parse("0f").unwrap_err(),
        FormatError::ZeroSize("0f".into())
    );
    assert_eq!(
        Format::parse("99999999999999999999999f").unwrap_err(),
        FormatError::TooLarge("99999999999999999999999f".into())
    );
}

#[test]
fn same_layout_ignores_spelling() {
    let a = Format::parse("<3f3H2x").unwrap();
    assert!(a.same_layout(&Format::parse("<fffHHHxx").unwrap()));
    assert!(a.same_layout(&Format::parse("<2ff2HH2x").unwrap()));
    assert!(!a.same_layout(&Format::parse("<3f3h2x").unwrap()));
    assert!(!a.same_layout(&Format::parse("<3f2x3H").unwrap()));
    assert!(!a.same_layout(&Format::parse("<3f3H").unwrap()));
}

#[test]
fn view_basics_match_memoryview() {
    let bytes: Vec<u8> = (0u8..24).collect();
    let mem = View::new(&bytes);
    assert_eq!(
        (mem.len(), mem.itemsize(), mem.nbytes(), mem.format()),
        (24, 1, 24, "B")
    );
    assert_eq!(mem.get(21).unwrap(), Value::UInt(21));
    let sub = mem.slice(12..18).unwrap();
    assert_eq!(
        sub.bytes().as_ptr(),
        bytes[12..].as_ptr(),
        "slicing must not copy"
    );
    let h = sub.cast("H").unwrap();
    assert_eq!(
        (h.len(), h.itemsize(), h.nbytes(), h.format()),
        (3, 2, 6, "H")
    );
    assert_eq!(
        h.get(0).unwrap(),
        Value::UInt(u64::from(u16::from_le_bytes([12, 13])))
    );
    assert_eq!(
        h.bytes().as_ptr(),
        bytes[12..].as_ptr(),
        "casting must not copy"
    );
    assert_eq!(h.to_vec().len(), 3);
    assert_eq!(h.slice(1..).unwrap().len(), 2);
    assert_eq!(h.slice(..=0).unwrap().len(), 1);
    assert!(h.slice(3..3).unwrap().is_empty());
}

#[test]
fn casts_follow_pythons_rules() {
    let bytes = [0u8; 24];
    let mem = View::new(&bytes);
    // To and from bytes only.
    let f = mem.cast("<f").unwrap();
    assert_eq!(f.len(), 6);
    assert_eq!(
        f.cast("<I").unwrap_err().to_string(),
        "memoryview: cannot cast between two non-byte formats ('<f' to '<I'): cast to 'B' first"
    );
    assert_eq!(f.cast("B").unwrap().cast("<I").unwrap().len(), 6);
    assert_eq!(f.cast("b").unwrap().len(), 24);
    // Length a multiple of the new itemsize.
    let err = mem.slice(0..18).unwrap().cast("<f").unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview: length is not a multiple of itemsize: 18 bytes is not a whole number of 4-byte '<f' items (4 items, then 2 stray bytes at offset 16)"
    );
    assert!(matches!(
        err,
        ViewError::NotMultiple {
            nbytes: 18,
            itemsize: 4,
            whole: 4,
            stray: 2,
            offset: 16,
            ..
        }
    ));
    // A record format is a legal destination too.
    assert_eq!(mem.slice(0..20).unwrap().cast("<3f3H2x").unwrap().len(), 1);
    assert!(matches!(
        mem.cast("<3f3H2x"),
        Err(ViewError::NotMultiple { stray: 4, .. })
    ));
    assert!(matches!(
        mem.cast("?"),
        Err(ViewError::Format(FormatError::UnknownCode {
            code: '?',
            ..
        }))
    ));
    assert!(View::with_format(&bytes[..6], "<H").is_ok());
    assert!(View::with_format(&bytes[..7], "<H").is_err());
}

#[test]
fn indexing_and_slicing_refuse_out_of_range() {
    let bytes = [1u8, 0, 2, 0, 3, 0];
    let h = View::with_format(&bytes, "<H").unwrap();
    assert_eq!(h.get(2).unwrap(), Value::UInt(3));
    assert_eq!(
        h.get(3).unwrap_err().to_string(),
        "memoryview: index 3 out of bounds for a view of 3 items"
    );
    assert_eq!(
        h.slice(1..4).unwrap_err(),
        ViewError::Slice {
            start: 1,
            end: 4,
            len: 3
        }
    );
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = h.slice(2..1).unwrap_err();
    assert_eq!(
        reversed.to_string(),
        "memoryview: slice 2..1 out of bounds for a view of 3 items"
    );
}

#[test]
fn every_code_reads_back_its_value() {
    let mut bytes = Vec::new();
    bytes.extend((-5i8).to_le_bytes());
    bytes.extend(250u8.to_le_bytes());
    bytes.extend((-300i16).to_le_bytes());
    bytes.extend(60000u16.to_le_bytes());
    bytes.extend((-70000i32).to_le_bytes());
    bytes.extend(4_000_000_000u32.to_le_bytes());
    bytes.extend((-5_000_000_000i64).to_le_bytes());
    bytes.extend(u64::MAX.to_le_bytes());
    bytes.extend(0.1f32.to_le_bytes());
    bytes.extend(0.1f64.to_le_bytes());
    bytes.extend([9, 9]);
    let record = View::with_format(&bytes, "<bBhHiIqQfd2x").unwrap();
    assert_eq!(record.len(), 1);
    assert_eq!(
        record.get(0).unwrap(),
        Value::Record(vec![
            Value::Int(-5),
            Value::UInt(250),
            Value::Int(-300),
            Value::UInt(60000),
            Value::Int(-70000),
            Value::UInt(4_000_000_000),
            Value::Int(-5_000_000_000),
            Value::UInt(u64::MAX),
            Value::Float(f64::from(0.1f32)),
            Value::Float(0.1),
        ])
    );
    assert_eq!(
        record.get(0).unwrap().to_string(),
        "(-5, 250, -300, 60000, -70000, 4000000000, -5000000000, 18446744073709551615, 0.10000000149011612, 0.1)"
    );
}

#[test]
fn typed_slices_need_the_right_format_and_alignment() {
    let words: Vec<u32> = vec![0x3f80_0000, 0x4000_0000, 0x4040_0000, 0];
    let bytes: &[u8] = bytemuck::cast_slice(&words);
    let f = View::new(bytes).cast("<f").unwrap();
    assert_eq!(f.as_slice::<f32>().unwrap(), &[1.0, 2.0, 3.0, 0.0]);
    assert_eq!(
        f.as_slice::<f32>().unwrap().as_ptr() as *const u8,
        bytes.as_ptr(),
        "zero-copy"
    );
    assert_eq!(
        f.as_slice::<u32>().unwrap_err().to_string(),
        "memoryview: format '<f' does not hold 'I' items"
    );
    let shifted = View::new(&bytes[2..14]).cast("<f").unwrap();
    assert_eq!(
        shifted.as_slice::<f32>().unwrap_err(),
        ViewError::Misaligned {
            misalignment: 2,
            align: 4,
            wanted: "f"
        }
    );
    assert_eq!(View::new(bytes).as_slice::<u8>().unwrap().len(), 16);
}

#[test]
fn whole_file_casts_to_vertices_in_place() {
    let vertices = [
        Vertex::new(glam::Vec3::new(1.0, 2.0, 3.0), [10, 20, 30]),
        Vertex::new(glam::Vec3::new(-1.0, f32::NAN, 0.5), [65535, 0, 7]),
    ];
    let bytes: &[u8] = bytemuck::cast_slice(&vertices);
    let records = View::new(bytes).cast("<3f3H2x").unwrap();
    assert_eq!((records.len(), records.itemsize()), (2, 20));
    let slice = records.as_slice::<Vertex>().unwrap();
    assert_eq!(slice.as_ptr(), vertices.as_ptr());
    assert_eq!(slice[0], vertices[0]);
    assert_eq!(slice[1].color, [65535, 0, 7]);
    // Any spelling of the layout works.
    assert!(View::new(bytes)
        .cast("<fffHHHxx")
        .unwrap()
        .as_slice::<Vertex>()
        .is_ok());
}

#[test]
fn seed_checks_for_positions_and_colours() {
    let bytes = vertex_bytes([1.5, -2.0, 3.25], [100, 200, 65535]);
    let vertex = View::new(&bytes).cast("<3f3H2x").unwrap();
    let (position, color) = split_vertex(&vertex).unwrap();
    assert_eq!(
        (position.x(), position.y(), position.z()),
        (1.5, -2.0, 3.25)
    );
    assert_eq!(
        (color.red(), color.green(), color.blue()),
        (100, 200, 65535)
    );
    // The unpadded last vertex of a file is 18 bytes and still splits.
    let (_, color) = split_vertex(&View::new(&bytes[..18])).unwrap();
    assert_eq!(color.blue(), 65535);

    let mem = View::new(&bytes);
    let err = PositionView::try_from(mem.slice(12..18).unwrap().cast("<H").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview values must be binary floating-point numbers (format '<H')"
    );
    let err = PositionView::try_from(mem.slice(0..8).unwrap().cast("<f").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview must contain three floats, not 2"
    );
    let err = ColorView::try_from(mem.slice(0..12).unwrap().cast("<f").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview must be unsigned integers (format '<f')"
    );
    let err = ColorView::try_from(mem.slice(12..18).unwrap().cast("<h").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview must be unsigned integers (format '<h')"
    );
    let err = ColorView::try_from(mem.slice(12..20).unwrap().cast("<H").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memoryview must contain three integers, not 4"
    );
    assert!(ColorView::try_from(mem.slice(0..12).unwrap().cast("<I").unwrap()).is_ok());
    assert!(split_vertex(&View::new(&bytes[..16])).is_err());
}
