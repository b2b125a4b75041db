//! [`Layout`]: a vertex record described field by field, in the struct-module spelling with a
//! name for each field: `pos:3f col:3H _:2x` is the default 20-byte record, `pos:3f col:4B` an
//! engine's 16-byte one. The one description from which the CPU decodes records, the GPU's vertex
//! formats are chosen, and `inspect` prints its columns.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::code::Code;
use super::gpu_layout::GpuLayout;

/// What a field means to the viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The position: three numbers (`pos`, `position`, `xyz`), floats or (scaled) integers.
    Position,
    /// The colour: three or four unsigned integers or floats, red first (`col`, `color`,
    /// `colour`, `rgb`, `rgba`); a fourth channel (alpha) is read and not drawn.
    Color,
    /// Padding (`_`): skipped.
    Padding,
    /// Anything else (`normal`, `uv`, `intensity`): skipped by the viewer, shown by `inspect`.
    Other,
}

impl Role {
    fn of(name: &str) -> Role {
        match name {
            "pos" | "position" | "xyz" => Role::Position,
            "col" | "color" | "colour" | "rgb" | "rgba" => Role::Color,
            "_" => Role::Padding,
            _ => Role::Other,
        }
    }
}

/// One named field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayoutField {
    /// The name as written.
    pub name: String,
    /// What it means.
    pub role: Role,
    /// The type of each component.
    pub code: Code,
    /// Number of components.
    pub count: usize,
    /// Byte offset within the record.
    pub offset: usize,
    /// Whether the offset was written (`name@12:3H`) rather than following the previous field.
    explicit_offset: bool,
}

impl LayoutField {
    /// Bytes the field takes.
    pub fn size(&self) -> usize {
        self.code.size() * self.count
    }

    /// Byte just past the field.
    pub fn end(&self) -> usize {
        self.offset + self.size()
    }
}

/// Byte order of a record's numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Endian {
    /// Little-endian (`<`, the default): what GPUs read.
    #[default]
    Little,
    /// Big-endian (`>`): converted on reading.
    Big,
}

/// A record layout: fields, stride, byte order, and where the records start in the file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    fields: Vec<LayoutField>,
    stride: usize,
    /// Whether the stride was given (`--stride`) rather than the fields' end.
    explicit_stride: bool,
    endian: Endian,
    header: u64,
    position: usize,
    color: Option<usize>,
    /// Integer positions are `stored · scale + offset` (LAS); `None`: as stored.
    scale: Option<Scale>,
}

/// How integer positions become coordinates: `stored · scale + offset`, per axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// Multiplier per axis.
    pub scale: [f64; 3],
    /// Added after.
    pub offset: [f64; 3],
}

// Scales come from file headers and are compared bit for bit.
impl Eq for Scale {}

impl std::hash::Hash for Scale {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for v in self.scale.iter().chain(&self.offset) {
            v.to_bits().hash(state);
        }
    }
}

/// Why a layout was refused. Every message names the field, its offset and the stride it is
/// checked against where they matter.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LayoutError {
    /// A word that is not `name:format` or `name@offset:format`.
    #[error("layout field '{0}' is not NAME:FORMAT (such as pos:3f or col@12:3H)")]
    Syntax(String),
    /// A format character that is not a struct-module code vertexview knows.
    #[error(
        "layout field '{field}': unknown type code '{code}' (known: b B h H i I l L q Q e f d x)"
    )]
    UnknownCode {
        /// The field.
        field: String,
        /// The refused character.
        code: char,
    },
    /// No `pos` field.
    #[error("layout '{0}' has no position field (pos:3f)")]
    NoPosition(String),
    /// Two fields with the same role.
    #[error("layout has two {what} fields, '{first}' and '{second}'")]
    Twice {
        /// "position" or "colour".
        what: &'static str,
        /// The first.
        first: String,
        /// The second.
        second: String,
    },
    /// A position that is not three numbers.
    #[error("layout field '{field}' at offset {offset}: a position is 3 numbers (such as 3f, 3e, 3d or 3i), not {count}{code}")]
    BadPosition {
        /// The field.
        field: String,
        /// Its offset.
        offset: usize,
        /// Components given.
        count: usize,
        /// Code given.
        code: char,
    },
    /// A colour that is not 3 or 4 unsigned integers or floats.
    #[error("layout field '{field}' at offset {offset}: a colour is 3 or 4 of B, H, e or f, not {count}{code}")]
    BadColor {
        /// The field.
        field: String,
        /// Its offset.
        offset: usize,
        /// Components given.
        count: usize,
        /// Code given.
        code: char,
    },
    /// Two fields sharing bytes.
    #[error("layout fields '{first}' (bytes {first_start}..{first_end}) and '{second}' (bytes {second_start}..{second_end}) overlap")]
    Overlap {
        /// One field.
        first: String,
        /// Its first byte.
        first_start: usize,
        /// Just past its last.
        first_end: usize,
        /// The other.
        second: String,
        /// Its first byte.
        second_start: usize,
        /// Just past its last.
        second_end: usize,
    },
    /// A field that ends past the stride.
    #[error(
        "layout field '{field}' at offset {offset} ({size} bytes) ends past the stride of {stride}"
    )]
    PastStride {
        /// The field.
        field: String,
        /// Its offset.
        offset: usize,
        /// Its size.
        size: usize,
        /// The stride.
        stride: usize,
    },
    /// A record of no bytes.
    #[error("layout '{0}' describes records of 0 bytes")]
    Empty(String),
}

/// The default layout: `pos:3f col:3H _:2x`, 20 bytes.
pub const DEFAULT_SPEC: &str = "pos:3f col:3H _:2x";

impl Layout {
    /// Parses a layout spec: fields separated by spaces, each `NAME:FORMAT` with FORMAT a repeat
    /// count and one struct-module code (`3f`, `4B`, `2x`; `e` is a half float), or
    /// `NAME@OFFSET:FORMAT` to place it. A leading `<` (the default) or `>` gives the byte order.
    pub fn parse(spec: &str) -> Result<Layout, LayoutError> {
        let mut text = spec.trim();
        let mut endian = Endian::Little;
        if let Some(rest) = text.strip_prefix('<') {
            text = rest;
        } else if let Some(rest) = text.strip_prefix('>') {
            endian = Endian::Big;
            text = rest;
        }
        let mut fields = Vec::new();
        let mut next = 0usize;
        for word in text.split_whitespace() {
            let syntax = || LayoutError::Syntax(word.to_owned());
            let (head, format) = word.split_once(':').ok_or_else(syntax)?;
            let (name, offset) = match head.split_once('@') {
                Some((name, at)) => (name, Some(at.parse::<usize>().map_err(|_| syntax())?)),
                None => (head, None),
            };
            if name.is_empty() || format.is_empty() {
                return Err(syntax());
            }
            let digits = format.len()
                - format
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            let count = match &format[..digits] {
                "" => 1,
                n => n.parse::<usize>().map_err(|_| syntax())?,
            };
            let mut chars = format[digits..].chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(syntax());
            };
            let code = Code::from_char(c).ok_or_else(|| LayoutError::UnknownCode {
                field: name.to_owned(),
                code: c,
            })?;
            if count == 0 || count > 4096 {
                return Err(syntax());
            }
            let offset_value = offset.unwrap_or(next);
            let field = LayoutField {
                name: name.to_owned(),
                role: Role::of(name),
                code,
                count,
                offset: offset_value,
                explicit_offset: offset.is_some(),
            };
            next = field.end();
            fields.push(field);
        }
        Layout::from_fields(spec, fields, None, endian, 0)
    }

    fn from_fields(
        spec: &str,
        fields: Vec<LayoutField>,
        stride: Option<usize>,
        endian: Endian,
        header: u64,
    ) -> Result<Layout, LayoutError> {
        let end = fields.iter().map(LayoutField::end).max().unwrap_or(0);
        let stride_value = stride.unwrap_or(end);
        if stride_value == 0 {
            return Err(LayoutError::Empty(spec.to_owned()));
        }
        let mut position = None;
        let mut color = None;
        for (i, f) in fields.iter().enumerate() {
            if f.end() > stride_value {
                return Err(LayoutError::PastStride {
                    field: f.name.clone(),
                    offset: f.offset,
                    size: f.size(),
                    stride: stride_value,
                });
            }
            for g in &fields[..i] {
                if f.offset < g.end() && g.offset < f.end() {
                    return Err(LayoutError::Overlap {
                        first: g.name.clone(),
                        first_start: g.offset,
                        first_end: g.end(),
                        second: f.name.clone(),
                        second_start: f.offset,
                        second_end: f.end(),
                    });
                }
            }
            let slot = match f.role {
                Role::Position => {
                    if f.count != 3 || f.code == Code::Pad {
                        return Err(LayoutError::BadPosition {
                            field: f.name.clone(),
                            offset: f.offset,
                            count: f.count,
                            code: f.code.as_char(),
                        });
                    }
                    (&mut position, "position")
                }
                Role::Color => {
                    if !(3..=4).contains(&f.count)
                        || !matches!(f.code, Code::U8 | Code::U16 | Code::F16 | Code::F32)
                    {
                        return Err(LayoutError::BadColor {
                            field: f.name.clone(),
                            offset: f.offset,
                            count: f.count,
                            code: f.code.as_char(),
                        });
                    }
                    (&mut color, "colour")
                }
                Role::Padding | Role::Other => continue,
            };
            if let Some(first) = *slot.0 {
                let first: usize = first;
                return Err(LayoutError::Twice {
                    what: slot.1,
                    first: fields[first].name.clone(),
                    second: f.name.clone(),
                });
            }
            *slot.0 = Some(i);
        }
        let position = position.ok_or_else(|| LayoutError::NoPosition(spec.to_owned()))?;
        Ok(Layout {
            fields,
            stride: stride_value,
            explicit_stride: stride.is_some(),
            endian,
            header,
            position,
            color,
            scale: None,
        })
    }

    /// The default 20-byte record: `pos:3f col:3H _:2x`.
    pub fn default_layout() -> Layout {
        Layout::parse(DEFAULT_SPEC).unwrap_or_else(|_| unreachable!("the default layout parses"))
    }

    /// The same fields with records `stride` bytes apart (`--stride`): for records carrying bytes
    /// the spec does not name.
    pub fn with_stride(self, stride: usize) -> Result<Layout, LayoutError> {
        let spec = self.to_string();
        Layout::from_fields(&spec, self.fields, Some(stride), self.endian, self.header)
    }

    /// The same records starting `header` bytes into the file (`--offset`).
    pub fn with_header(mut self, header: u64) -> Layout {
        self.header = header;
        self
    }

    /// The same records with integer positions meaning `stored · scale + offset` (as LAS
    /// stores them).
    pub fn with_scale(mut self, scale: Scale) -> Layout {
        self.scale = Some(scale);
        self
    }

    /// How integer positions are scaled, if they are.
    pub fn scale(&self) -> Option<Scale> {
        self.scale
    }

    /// How the GPU reads these records in place; `None` when they must be converted (to the
    /// default layout) on reading: big-endian numbers, a stride that is not a multiple of 4,
    /// `d` or integer positions, colours at offsets no vertex format accepts.
    pub fn gpu(&self) -> Option<GpuLayout> {
        if self.endian != Endian::Little || self.scale.is_some() {
            return None;
        }
        let p = self.position();
        let layout = GpuLayout {
            stride: u32::try_from(self.stride).ok()?,
            position: (p.code, u32::try_from(p.offset).ok()?),
            color: match self.color() {
                Some(c) => Some((c.code, u32::try_from(c.offset).ok()?)),
                None => None,
            },
            scalar: None,
        };
        layout.is_readable().then_some(layout)
    }

    /// The fields, in the order written.
    pub fn fields(&self) -> &[LayoutField] {
        &self.fields
    }

    /// Bytes from one record to the next.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Bytes before the first record.
    pub fn header(&self) -> u64 {
        self.header
    }

    /// Byte order.
    pub fn endian(&self) -> Endian {
        self.endian
    }

    /// The position field.
    pub fn position(&self) -> &LayoutField {
        &self.fields[self.position]
    }

    /// The colour field, if any.
    pub fn color(&self) -> Option<&LayoutField> {
        self.color.map(|i| &self.fields[i])
    }

    /// Bytes of the last record a file must hold: up to the end of its last field that is not
    /// padding. A file may end there, leaving out the padding after it, as the default layout's
    /// last vertex may leave out its 2 padding bytes.
    pub fn last_record_size(&self) -> usize {
        self.fields
            .iter()
            .filter(|f| f.role != Role::Padding)
            .map(LayoutField::end)
            .max()
            .unwrap_or(self.stride)
    }

    /// Whether this is the default 20-byte layout (whatever its names), drawn on the fast path.
    pub fn is_default(&self) -> bool {
        let (p, c) = (self.position(), self.color());
        self.endian == Endian::Little
            && self.stride == 20
            && self.header == 0
            && (p.code, p.offset) == (Code::F32, 0)
            && c.is_some_and(|c| (c.code, c.count, c.offset) == (Code::U16, 3, 12))
    }

    /// The position of one record (its `stride` bytes, or the last record's shorter ones), in
    /// f64: as stored, or scaled.
    pub fn read_position(&self, record: &[u8]) -> [f64; 3] {
        let f = self.position();
        let stored: [f64; 3] =
            std::array::from_fn(|i| self.number_at(record, f.code, f.offset + i * f.code.size()));
        match self.scale {
            Some(s) => std::array::from_fn(|i| stored[i] * s.scale[i] + s.offset[i]),
            None => stored,
        }
    }

    /// The colour of one record as stored (three channels), or `None` without a colour field.
    pub fn read_stored_color(&self, record: &[u8]) -> Option<[f64; 3]> {
        let f = self.color()?;
        Some(std::array::from_fn(|i| {
            self.number_at(record, f.code, f.offset + i * f.code.size())
        }))
    }

    /// The colour of one record from 0 to 1: unsigned integers over their type's maximum,
    /// floats as they are (clamped).
    pub fn read_color(&self, record: &[u8]) -> Option<[f64; 3]> {
        let f = self.color()?;
        let scale = match f.code {
            Code::U8 => 255.0,
            Code::U16 => 65535.0,
            _ => 1.0,
        };
        self.read_stored_color(record)
            .map(|c| c.map(|v| (v / scale).clamp(0.0, 1.0)))
    }

    /// Every field's values in one record, as `inspect` lists them (see [`format_value`]).
    pub fn read_values(&self, record: &[u8]) -> Vec<(&LayoutField, Vec<f64>)> {
        self.fields
            .iter()
            .filter(|f| f.role != Role::Padding && f.code != Code::Pad)
            .map(|f| {
                let values = (0..f.count)
                    .map(|i| self.number_at(record, f.code, f.offset + i * f.code.size()))
                    .collect();
                (f, values)
            })
            .collect()
    }

    /// One number of `code` at byte `at` of `record`, in this layout's byte order (0 past its
    /// end: a last record's padding).
    pub fn number_at(&self, record: &[u8], code: Code, at: usize) -> f64 {
        let mut b = [0u8; 8];
        let n = code.size();
        if let Some(bytes) = record.get(at..at + n) {
            b[..n].copy_from_slice(bytes);
        }
        if self.endian == Endian::Big {
            b[..n].reverse();
        }
        let le =
            |n: usize| u64::from_le_bytes(b) & if n == 8 { u64::MAX } else { (1 << (n * 8)) - 1 };
        match code {
            Code::U8 => f64::from(b[0]),
            Code::I8 => f64::from(b[0] as i8),
            Code::U16 => le(2) as f64,
            Code::I16 => f64::from(le(2) as u16 as i16),
            Code::U32 => le(4) as f64,
            Code::I32 => f64::from(le(4) as u32 as i32),
            Code::U64 => le(8) as f64,
            Code::I64 => le(8) as i64 as f64,
            Code::F16 => f64::from(half::f16::from_bits(le(2) as u16).to_f32()),
            Code::F32 => f64::from(f32::from_bits(le(4) as u32)),
            Code::F64 => f64::from_bits(le(8)),
            Code::Pad => 0.0,
        }
    }
}

/// A value of `code` as the file holds it, in the shortest text that reads back to it: floats
/// at their own precision, integers as integers.
pub fn format_value(code: Code, value: f64) -> String {
    match code {
        Code::F16 | Code::F32 => (value as f32).to_string(),
        Code::F64 => value.to_string(),
        _ => (value as i64).to_string(),
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout::default_layout()
    }
}

impl FromStr for Layout {
    type Err = LayoutError;
    fn from_str(s: &str) -> Result<Layout, LayoutError> {
        Layout::parse(s)
    }
}

/// The spec again, in a form [`Layout::parse`] reads back to the same layout (with the stride
/// and header, which the spec itself does not carry, left to `--stride` and `--offset`).
impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.endian == Endian::Big {
            f.write_str(">")?;
        }
        let mut next = 0;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&field.name)?;
            if field.explicit_offset || field.offset != next {
                write!(f, "@{}", field.offset)?;
            }
            write!(f, ":{}{}", field.count, field.code.as_char())?;
            next = field.end();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_layout_is_the_vertex_record() {
        let layout = Layout::default_layout();
        assert_eq!(layout.stride(), 20);
        assert_eq!(layout.last_record_size(), 18);
        assert!(layout.is_default());
        assert_eq!(layout.to_string(), "pos:3f col:3H _:2x");
        assert!(Layout::parse("position:3f rgb:3H _:2x")
            .unwrap()
            .is_default());
        assert!(!Layout::parse("pos:3f col:4B").unwrap().is_default());
    }

    #[test]
    fn common_layouts_parse() {
        for (spec, stride, last) in [
            ("pos:3f col:4B", 16, 16),
            ("pos:3f normal:3f uv:2f col:4B", 36, 36),
            ("pos:3f col:3f", 24, 24),
            ("pos:3f", 12, 12),
            ("pos:3e col:4B", 10, 10),
            ("pos:3d", 24, 24),
            (">pos:3f col:3B", 15, 15),
            ("pos:3f _:4x col@16:3H", 22, 22),
        ] {
            let layout = Layout::parse(spec).unwrap();
            assert_eq!(
                (layout.stride(), layout.last_record_size()),
                (stride, last),
                "{spec}"
            );
            assert_eq!(
                Layout::parse(&layout.to_string()).unwrap(),
                layout,
                "{spec}"
            );
        }
        let stride = Layout::parse("pos:3f col:4B")
            .unwrap()
            .with_stride(32)
            .unwrap();
        assert_eq!(stride.stride(), 32);
        assert_eq!(stride.last_record_size(), 16);
    }

    #[test]
    fn refusals_name_the_field_the_offset_and_the_stride() {
        let refused = |spec: &str| Layout::parse(spec).unwrap_err().to_string();
        assert_eq!(
            refused("pos:3f col:3Z"),
            "layout field 'col': unknown type code 'Z' (known: b B h H i I l L q Q e f d x)"
        );
        assert_eq!(
            refused("pos:2f col:3H"),
            "layout field 'pos' at offset 0: a position is 3 numbers (such as 3f, 3e, 3d or 3i), not 2f"
        );
        assert_eq!(
            refused("pos:3f col:3h"),
            "layout field 'col' at offset 12: a colour is 3 or 4 of B, H, e or f, not 3h"
        );
        assert_eq!(
            refused("pos:3f col@8:3H"),
            "layout fields 'pos' (bytes 0..12) and 'col' (bytes 8..14) overlap"
        );
        assert_eq!(
            refused("col:3H"),
            "layout 'col:3H' has no position field (pos:3f)"
        );
        assert_eq!(
            refused("pos:3f pos:3f"),
            "layout has two position fields, 'pos' and 'pos'"
        );
        assert_eq!(
            refused("pos 3f"),
            "layout field 'pos' is not NAME:FORMAT (such as pos:3f or col@12:3H)"
        );
        assert_eq!(
            Layout::parse("pos:3f col:4B")
                .unwrap()
                .with_stride(14)
                .unwrap_err()
                .to_string(),
            "layout field 'col' at offset 12 (4 bytes) ends past the stride of 14"
        );
    }

    #[test]
    fn records_decode_by_type() {
        let layout = Layout::parse(">pos:3f col:3B").unwrap();
        let mut record = Vec::new();
        for v in [1.5f32, -2.0, 3.25] {
            record.extend(v.to_be_bytes());
        }
        record.extend([255, 0, 51]);
        assert_eq!(layout.read_position(&record), [1.5, -2.0, 3.25]);
        assert_eq!(layout.read_stored_color(&record), Some([255.0, 0.0, 51.0]));
        assert_eq!(layout.read_color(&record), Some([1.0, 0.0, 0.2]));
        let half = Layout::parse("pos:3e").unwrap();
        let bytes: Vec<u8> = [1.0f32, 0.5, -2.0]
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        assert_eq!(half.read_position(&bytes), [1.0, 0.5, -2.0]);
        assert_eq!(half.read_color(&bytes), None);
    }
}
