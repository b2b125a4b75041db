//! PLY files (Stanford Triangle Format): the vertex element's x, y, z and red, green, blue read,
//! everything else (faces, normals, alpha, other elements) skipped; and PLY written.
//!
//! A binary PLY whose vertex element comes first, holds no lists, and keeps x, y, z (and the
//! colour) side by side is read like a raw file: its records are a [`Layout`] starting at the end
//! of the header, drawn in pieces, and (little-endian, float positions) put on the GPU unchanged.
//! Any other PLY (ASCII, lists in the vertex element, scattered properties) is read whole into
//! memory, converted.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::error::LoadError;
use super::input::open_file;
use super::source::{Converted, Records, VertexSource};
use crate::format::records::shifted_vertices;
use crate::format::{Code, Layout, Up};
use crate::VertexFile;

/// How a PLY file's body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Text.
    Ascii,
    /// Binary, little-endian.
    BinaryLittle,
    /// Binary, big-endian.
    BinaryBig,
}

/// A property's type: one number, or a list of them with a count before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyType {
    /// One value of this code.
    Scalar(Code),
    /// A count of the first code, then that many of the second.
    List(Code, Code),
}

/// One property of an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// Its name (`x`, `red`, `vertex_indices`).
    pub name: String,
    /// Its type.
    pub kind: PropertyType,
}

/// One element: its name, how many, and their properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// Its name (`vertex`, `face`).
    pub name: String,
    /// How many.
    pub count: u64,
    /// The properties, in order.
    pub properties: Vec<Property>,
}

/// A parsed PLY header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The body's encoding.
    pub encoding: Encoding,
    /// The elements, in order.
    pub elements: Vec<Element>,
    /// Where the body starts.
    pub body: u64,
}

/// Headers longer than this are refused rather than read on and on.
const MAX_HEADER: u64 = 1 << 20;

fn code_of(name: &str) -> Option<Code> {
    Some(match name {
        "char" | "int8" => Code::I8,
        "uchar" | "uint8" => Code::U8,
        "short" | "int16" => Code::I16,
        "ushort" | "uint16" => Code::U16,
        "int" | "int32" => Code::I32,
        "uint" | "uint32" => Code::U32,
        "float" | "float32" => Code::F32,
        "double" | "float64" => Code::F64,
        _ => return None,
    })
}

impl Header {
    /// Reads the header of a PLY file from `input`.
    pub fn read(input: impl Read) -> Result<Header, String> {
        let mut input = BufReader::new(input.take(MAX_HEADER));
        let mut offset = 0u64;
        let mut line = String::new();
        fn next_line(
            input: &mut impl BufRead,
            offset: &mut u64,
            line: &mut String,
        ) -> Result<(), String> {
            line.clear();
            let n = input
                .read_line(line)
                .map_err(|e| format!("cannot read the header at byte {offset}: {e}"))?;
            if n == 0 {
                return Err(if *offset >= MAX_HEADER {
                    format!("no end_header in the first {MAX_HEADER} bytes")
                } else {
                    format!("the header ends at byte {offset} without end_header")
                });
            }
            *offset += n as u64;
            Ok(())
        }
        next_line(&mut input, &mut offset, &mut line)?;
        if line.trim_end() != "ply" {
            return Err("not a PLY file (it does not start with 'ply')".into());
        }
        let mut encoding = None;
        let mut elements: Vec<Element> = Vec::new();
        loop {
            let at = offset;
            next_line(&mut input, &mut offset, &mut line)?;
            let words: Vec<&str> = line.split_whitespace().collect();
            let bad =
                |what: &str| format!("header line at byte {at}: {what}: '{}'", line.trim_end());
            match words.as_slice() {
                ["end_header"] => break,
                ["format", kind, _version] => {
                    encoding = Some(match *kind {
                        "ascii" => Encoding::Ascii,
                        "binary_little_endian" => Encoding::BinaryLittle,
                        "binary_big_endian" => Encoding::BinaryBig,
                        _ => return Err(bad("unknown format")),
                    })
                }
                ["comment", ..] | ["obj_info", ..] | [] => {}
                ["element", name, count] => elements.push(Element {
                    name: (*name).to_owned(),
                    count: count.parse().map_err(|_| bad("bad element count"))?,
                    properties: Vec::new(),
                }),
                ["property", "list", count, item, name] => {
                    let kind = PropertyType::List(
                        code_of(count).ok_or_else(|| bad("unknown type"))?,
                        code_of(item).ok_or_else(|| bad("unknown type"))?,
                    );
                    elements
                        .last_mut()
                        .ok_or_else(|| bad("property before any element"))?
                        .properties
                        .push(Property {
                            name: (*name).to_owned(),
                            kind,
                        });
                }
                ["property", kind, name] => {
                    let kind =
                        PropertyType::Scalar(code_of(kind).ok_or_else(|| bad("unknown type"))?);
                    elements
                        .last_mut()
                        .ok_or_else(|| bad("property before any element"))?
                        .properties
                        .push(Property {
                            name: (*name).to_owned(),
                            kind,
                        });
                }
                _ => return Err(bad("not a PLY header line")),
            }
        }
        Ok(Header {
            encoding: encoding.ok_or("the header has no format line")?,
            elements,
            body: offset,
        })
    }

    /// The vertex element and its index.
    fn vertex(&self) -> Result<(usize, &Element), String> {
        self.elements
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == "vertex")
            .ok_or_else(|| "has no vertex element".to_owned())
    }
}

/// Where the vertex element keeps what vertexview draws.
struct Columns {
    position: [usize; 3],
    color: Option<[usize; 3]>,
}

impl Columns {
    fn of(element: &Element) -> Result<Columns, String> {
        let find = |names: &[&str]| {
            element
                .properties
                .iter()
                .position(|p| names.contains(&p.name.as_str()))
        };
        let axis =
            |a: &str| find(&[a]).ok_or_else(|| format!("its vertex element has no property '{a}'"));
        let position = [axis("x")?, axis("y")?, axis("z")?];
        let color = match (
            find(&["red", "diffuse_red", "r"]),
            find(&["green", "diffuse_green", "g"]),
            find(&["blue", "diffuse_blue", "b"]),
        ) {
            (Some(r), Some(g), Some(b)) => Some([r, g, b]),
            _ => None,
        };
        Ok(Columns { position, color })
    }
}

/// What `inspect` says of a PLY file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlyInfo {
    /// How its body is written.
    pub encoding: Encoding,
    /// Whether it was read whole into memory and converted (ASCII, lists or scattered
    /// properties) rather than read in pieces as records.
    pub whole: bool,
}

/// Opens a PLY file: in pieces when its vertex records can be read as a layout, else read whole.
pub fn open(path: &Path) -> Result<(VertexSource, PlyInfo), LoadError> {
    let header_error = |message: String| LoadError::Header {
        path: path.to_owned(),
        message,
    };
    let file = open_file(path)?;
    let header = Header::read(&file).map_err(header_error)?;
    let (index, vertex) = header.vertex().map_err(header_error)?;
    let columns = Columns::of(vertex).map_err(header_error)?;
    if header.encoding != Encoding::Ascii {
        let before_empty = header.elements[..index].iter().all(|e| e.count == 0);
        if let (true, Some(layout)) = (
            before_empty,
            record_layout(vertex, &columns, header.encoding),
        ) {
            let records = Records {
                count: Some(vertex.count),
                ..Records::new(layout.with_header(header.body))
            };
            let source = VertexSource::from_open_file(path, file, records)?;
            let info = PlyInfo {
                encoding: header.encoding,
                whole: false,
            };
            return Ok((source, info));
        }
    }
    let info = PlyInfo {
        encoding: header.encoding,
        whole: true,
    };
    read_whole(path, file, &header, index, &columns).map(|s| (s, info))
}

/// The vertex records as a layout, when they are fixed-size with x, y, z side by side (and the
/// colour too).
fn record_layout(vertex: &Element, columns: &Columns, encoding: Encoding) -> Option<Layout> {
    let codes: Vec<Code> = vertex
        .properties
        .iter()
        .map(|p| match p.kind {
            PropertyType::Scalar(code) => Some(code),
            PropertyType::List(..) => None,
        })
        .collect::<Option<_>>()?;
    let run = |cols: [usize; 3]| {
        cols[1] == cols[0] + 1
            && cols[2] == cols[0] + 2
            && codes[cols[0]] == codes[cols[1]]
            && codes[cols[1]] == codes[cols[2]]
    };
    if !run(columns.position) || !matches!(codes[columns.position[0]], Code::F32 | Code::F64) {
        return None;
    }
    let color = match columns.color {
        Some(c) if run(c) && matches!(codes[c[0]], Code::U8 | Code::U16 | Code::F32) => Some(c),
        Some(_) => return None,
        None => None,
    };
    let mut spec = String::from(if encoding == Encoding::BinaryBig {
        ">"
    } else {
        ""
    });
    let mut i = 0;
    while i < codes.len() {
        let c = codes[i].as_char();
        if i == columns.position[0] {
            spec += &format!(" pos:3{c}");
            i += 3;
        } else if color.is_some_and(|col| col[0] == i) {
            // An alpha right after blue, of the same type, travels with the colour.
            let alpha = vertex
                .properties
                .get(i + 3)
                .is_some_and(|p| p.name == "alpha" && codes[i + 3] == codes[i]);
            spec += &format!(" col:{}{c}", if alpha { 4 } else { 3 });
            i += if alpha { 4 } else { 3 };
        } else {
            let name: String = vertex.properties[i]
                .name
                .chars()
                .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
                .collect();
            let name = if name.is_empty() || name == "pos" || name == "col" {
                format!("p{i}")
            } else {
                name
            };
            spec += &format!(" {name}:1{c}");
            i += 1;
        }
    }
    Layout::parse(&spec).ok()
}

/// Reads every vertex of a PLY that is not a plain run of records (ASCII, lists, scattered
/// properties), converting as it goes; elements before the vertices are read past.
fn read_whole(
    path: &Path,
    mut file: File,
    header: &Header,
    vertex_index: usize,
    columns: &Columns,
) -> Result<VertexSource, LoadError> {
    use std::io::Seek;
    let len = file
        .metadata()
        .map_err(|error| LoadError::Io {
            path: path.to_owned(),
            error,
        })?
        .len();
    file.seek(io::SeekFrom::Start(header.body))
        .map_err(|error| LoadError::Io {
            path: path.to_owned(),
            error,
        })?;
    let mut body = Body::new(
        BufReader::with_capacity(1 << 20, file),
        header.encoding,
        header.body,
    );
    let header_error = |message: String| LoadError::Header {
        path: path.to_owned(),
        message,
    };
    for element in &header.elements[..vertex_index] {
        for _ in 0..element.count {
            for p in &element.properties {
                body.skip(&p.kind).map_err(header_error)?;
            }
        }
    }
    let vertex = &header.elements[vertex_index];
    // Every vertex takes at least a byte: a count beyond the file is a lie, not an allocation.
    let remaining = len.saturating_sub(header.body);
    if vertex.count > remaining {
        return Err(LoadError::Truncated {
            path: path.to_owned(),
            header: header.body,
            count: vertex.count,
            stride: 1,
            len,
        });
    }
    // The scalar properties as little-endian records of their own types, where they make a
    // layout (x, y, z side by side, and the colour): then every property is a column to
    // colour by, as in a binary file read in place. Else positions and colours alone.
    let scalars = Element {
        properties: vertex
            .properties
            .iter()
            .filter(|p| matches!(p.kind, PropertyType::Scalar(_)))
            .cloned()
            .collect(),
        ..vertex.clone()
    };
    let as_records = Columns::of(&scalars)
        .ok()
        .and_then(|c| record_layout(&scalars, &c, Encoding::BinaryLittle));
    if let Some(layout) = as_records {
        let mut records = Vec::with_capacity(vertex.count as usize * layout.stride());
        for _ in 0..vertex.count {
            for p in &vertex.properties {
                match &p.kind {
                    PropertyType::Scalar(code) => {
                        let value = body.number(*code).map_err(header_error)?;
                        put_number(&mut records, *code, value);
                    }
                    list => body.skip(list).map_err(header_error)?,
                }
            }
        }
        let source = VertexSource::from_memory_with(path, records, layout, Some(vertex.count))?;
        return Ok(source.with_file_len(len));
    }
    let mut positions: Vec<[f64; 3]> = Vec::with_capacity(vertex.count as usize);
    let mut colors: Vec<[u16; 3]> = Vec::with_capacity(vertex.count as usize);
    let mut values = vec![0f64; vertex.properties.len()];
    for _ in 0..vertex.count {
        for (value, p) in values.iter_mut().zip(&vertex.properties) {
            *value = match &p.kind {
                PropertyType::Scalar(code) => body.number(*code).map_err(header_error)?,
                list => {
                    body.skip(list).map_err(header_error)?;
                    0.0
                }
            };
        }
        positions.push(columns.position.map(|i| values[i]));
        colors.push(match columns.color {
            Some(c) => c.map(|i| color16(values[i], &vertex.properties[i].kind)),
            None => [0; 3],
        });
    }
    let wide = columns
        .position
        .iter()
        .any(|&i| vertex.properties[i].kind != PropertyType::Scalar(Code::F32));
    let (vertices, shift) = shifted_vertices(&positions, &colors, wide);
    let converted = Converted {
        file_len: len,
        shift,
        colored: columns.color.is_some(),
        up: Up::Y,
    };
    Ok(VertexSource::converted(
        VertexFile::from_vertices(path, vertices),
        converted,
    ))
}

/// Appends `value` as a little-endian number of `code` (a PLY scalar type).
fn put_number(out: &mut Vec<u8>, code: Code, value: f64) {
    match code {
        Code::U8 => out.push(value as u8),
        Code::I8 => out.push(value as i8 as u8),
        Code::U16 => out.extend((value as u16).to_le_bytes()),
        Code::I16 => out.extend((value as i16).to_le_bytes()),
        Code::U32 => out.extend((value as u32).to_le_bytes()),
        Code::I32 => out.extend((value as i32).to_le_bytes()),
        Code::F32 => out.extend((value as f32).to_le_bytes()),
        _ => out.extend(value.to_le_bytes()),
    }
}

/// A colour channel as a 16-bit value: 8-bit values times 257, floats (0 to 1) times 65535.
fn color16(value: f64, kind: &PropertyType) -> u16 {
    let scaled = match kind {
        PropertyType::Scalar(Code::U8 | Code::I8) => value * 257.0,
        PropertyType::Scalar(Code::F32 | Code::F64) => value * 65535.0,
        _ => value,
    };
    scaled.round().clamp(0.0, 65535.0) as u16
}

/// The body of a PLY file read value by value.
struct Body<R> {
    input: R,
    encoding: Encoding,
    offset: u64,
    token: String,
}

impl<R: BufRead> Body<R> {
    fn new(input: R, encoding: Encoding, offset: u64) -> Self {
        Body {
            input,
            encoding,
            offset,
            token: String::new(),
        }
    }

    fn number(&mut self, code: Code) -> Result<f64, String> {
        match self.encoding {
            Encoding::Ascii => {
                self.next_token()?;
                let t = self.token.as_str();
                t.parse::<f64>()
                    .map_err(|_| format!("'{t}' at byte {} is not a number", self.offset))
            }
            encoding => {
                let n = code.size();
                let mut b = [0u8; 8];
                self.input.read_exact(&mut b[..n]).map_err(|_| {
                    format!(
                        "the body ends at byte {} in the middle of a record",
                        self.offset
                    )
                })?;
                self.offset += n as u64;
                if encoding == Encoding::BinaryBig {
                    b[..n].reverse();
                }
                Ok(number_le(&b, code))
            }
        }
    }

    fn skip(&mut self, kind: &PropertyType) -> Result<(), String> {
        match kind {
            PropertyType::Scalar(code) => self.number(*code).map(|_| ()),
            PropertyType::List(count, item) => {
                let n = self.number(*count)?;
                if !(0.0..=1e9).contains(&n) {
                    return Err(format!("a list of {n} items at byte {}", self.offset));
                }
                for _ in 0..n as u64 {
                    self.number(*item)?;
                }
                Ok(())
            }
        }
    }

    fn next_token(&mut self) -> Result<(), String> {
        self.token.clear();
        loop {
            let buffer = self
                .input
                .fill_buf()
                .map_err(|e| format!("cannot read at byte {}: {e}", self.offset))?;
            if buffer.is_empty() {
                if self.token.is_empty() {
                    return Err(format!(
                        "the body ends at byte {} before all vertices",
                        self.offset
                    ));
                }
                return Ok(());
            }
            let mut used = 0;
            let mut done = false;
            for &byte in buffer {
                used += 1;
                if byte.is_ascii_whitespace() {
                    if !self.token.is_empty() {
                        done = true;
                        break;
                    }
                } else if self.token.len() < 64 {
                    self.token.push(byte as char);
                }
            }
            self.input.consume(used);
            self.offset += used as u64;
            if done {
                return Ok(());
            }
        }
    }
}

/// One little-endian number of `code` from the start of `bytes`.
fn number_le(bytes: &[u8; 8], code: Code) -> f64 {
    let word = u64::from_le_bytes(*bytes);
    match code {
        Code::I8 => f64::from(bytes[0] as i8),
        Code::U8 => f64::from(bytes[0]),
        Code::I16 => f64::from(word as u16 as i16),
        Code::U16 => f64::from(word as u16),
        Code::I32 => f64::from(word as u32 as i32),
        Code::U32 => f64::from(word as u32),
        Code::F32 => f64::from(f32::from_bits(word as u32)),
        _ => f64::from_bits(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_refuse_with_the_offset() {
        let text = "ply\nformat binary_little_endian 1.0\ncomment x\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n";
        let header = Header::read(text.as_bytes()).unwrap();
        assert_eq!(header.encoding, Encoding::BinaryLittle);
        assert_eq!(header.body, text.len() as u64);
        assert_eq!(header.elements[0].count, 2);
        let (_, vertex) = header.vertex().unwrap();
        let layout = record_layout(vertex, &Columns::of(vertex).unwrap(), header.encoding).unwrap();
        assert_eq!(layout.to_string(), "pos:3f col:3B");
        for (bad, message) in [
            ("plx\n", "not a PLY file"),
            (
                "ply\nformat ascii 1.0\nelement vertex 3\n",
                "the header ends at byte 38 without end_header",
            ),
            (
                "ply\nformat ascii 1.0\nproperty float x\nend_header\n",
                "header line at byte 21: property before any element",
            ),
            (
                "ply\nformat ascii 1.0\nelement vertex many\nend_header\n",
                "bad element count",
            ),
            ("ply\nformat xml 1.0\nend_header\n", "unknown format"),
            ("ply\nelement vertex 1\nend_header\n", "no format line"),
        ] {
            let error = Header::read(bad.as_bytes()).unwrap_err();
            assert!(error.contains(message), "{bad:?}: {error}");
        }
    }

    #[test]
    fn scattered_or_listed_vertices_are_read_whole() {
        let vertex = |props: &[(&str, PropertyType)]| Element {
            name: "vertex".into(),
            count: 1,
            properties: props
                .iter()
                .map(|(n, k)| Property {
                    name: (*n).into(),
                    kind: k.clone(),
                })
                .collect(),
        };
        let f = PropertyType::Scalar(Code::F32);
        let scattered = vertex(&[
            ("x", f.clone()),
            ("nx", f.clone()),
            ("y", f.clone()),
            ("z", f.clone()),
        ]);
        assert!(record_layout(
            &scattered,
            &Columns::of(&scattered).unwrap(),
            Encoding::BinaryLittle
        )
        .is_none());
        let listed = vertex(&[
            ("x", f.clone()),
            ("y", f.clone()),
            ("z", f.clone()),
            ("n", PropertyType::List(Code::U8, Code::I32)),
        ]);
        assert!(record_layout(
            &listed,
            &Columns::of(&listed).unwrap(),
            Encoding::BinaryLittle
        )
        .is_none());
        let normals = vertex(&[
            ("x", f.clone()),
            ("y", f.clone()),
            ("z", f.clone()),
            ("nx", f.clone()),
            ("red", PropertyType::Scalar(Code::U8)),
            ("green", PropertyType::Scalar(Code::U8)),
            ("blue", PropertyType::Scalar(Code::U8)),
            ("alpha", PropertyType::Scalar(Code::U8)),
        ]);
        let layout = record_layout(
            &normals,
            &Columns::of(&normals).unwrap(),
            Encoding::BinaryBig,
        )
        .unwrap();
        assert_eq!(layout.to_string(), ">pos:3f nx:1f col:4B");
    }
}
