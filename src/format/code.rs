//! Struct-module type codes and format strings (`<3f3H2x`), as Python's `struct` and PEP 3118 spell them.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use thiserror::Error;

/// One type code of a format string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// `b`: signed 8-bit integer.
    I8,
    /// `B`: unsigned 8-bit integer.
    U8,
    /// `h`: signed 16-bit integer.
    I16,
    /// `H`: unsigned 16-bit integer.
    U16,
    /// `i` or `l`: signed 32-bit integer.
    I32,
    /// `I` or `L`: unsigned 32-bit integer.
    U32,
    /// `q`: signed 64-bit integer.
    I64,
    /// `Q`: unsigned 64-bit integer.
    U64,
    /// `e`: 16-bit IEEE float (half).
    F16,
    /// `f`: 32-bit IEEE float.
    F32,
    /// `d`: 64-bit IEEE float.
    F64,
    /// `x`: one pad byte, skipped when reading.
    Pad,
}

impl Code {
    /// The code for a format character, if it is one vertexview knows.
    pub fn from_char(c: char) -> Option<Code> {
        Some(match c {
            'b' => Code::I8,
            'B' => Code::U8,
            'h' => Code::I16,
            'H' => Code::U16,
            'i' | 'l' => Code::I32,
            'I' | 'L' => Code::U32,
            'q' => Code::I64,
            'Q' => Code::U64,
            'e' => Code::F16,
            'f' => Code::F32,
            'd' => Code::F64,
            'x' => Code::Pad,
            _ => return None,
        })
    }

    /// The canonical character of this code.
    pub fn as_char(self) -> char {
        match self {
            Code::I8 => 'b',
            Code::U8 => 'B',
            Code::I16 => 'h',
            Code::U16 => 'H',
            Code::I32 => 'i',
            Code::U32 => 'I',
            Code::I64 => 'q',
            Code::U64 => 'Q',
            Code::F16 => 'e',
            Code::F32 => 'f',
            Code::F64 => 'd',
            Code::Pad => 'x',
        }
    }

    /// Size in bytes of one item of this code (standard sizes, which are also the native ones on
    /// every platform wgpu runs on).
    pub fn size(self) -> usize {
        match self {
            Code::I8 | Code::U8 | Code::Pad => 1,
            Code::I16 | Code::U16 | Code::F16 => 2,
            Code::I32 | Code::U32 | Code::F32 => 4,
            Code::I64 | Code::U64 | Code::F64 => 8,
        }
    }

    /// Whether this is a floating-point code (`e`, `f`, `d`).
    pub fn is_float(self) -> bool {
        matches!(self, Code::F16 | Code::F32 | Code::F64)
    }

    /// Whether this is an unsigned integer code (`B`, `H`, `I`, `L`, `Q`).
    pub fn is_unsigned(self) -> bool {
        matches!(self, Code::U8 | Code::U16 | Code::U32 | Code::U64)
    }

    /// Whether this is a byte code (`b`, `B`): the formats Python lets a cast start from or go to.
    pub fn is_byte(self) -> bool {
        matches!(self, Code::I8 | Code::U8)
    }
}

/// How multi-byte items are laid out, from the format's first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// `@` or no prefix: native order, fields aligned to their size (as C structs and `struct` do).
    NativeAligned,
    /// `=`: native order, no alignment.
    Native,
    /// `<`: little-endian, no alignment: the vertex file layout.
    Little,
}

/// One run of a code in a format, such as `3f` at offset 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The type code.
    pub code: Code,
    /// How many items of `code` follow each other (`3` in `3f`).
    pub count: usize,
    /// Byte offset of the first item within one record.
    pub offset: usize,
}

/// Why a format string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// Nothing but (perhaps) a byte-order prefix.
    #[error("format '{0}' has no type codes")]
    Empty(String),
    /// A character that is not a known type code.
    #[error("format '{format}': unknown type code '{code}' at position {position} (known: b B h H i I l L q Q e f d x)")]
    UnknownCode {
        /// The whole format string.
        format: String,
        /// The refused character.
        code: char,
        /// Its character position in the format.
        position: usize,
    },
    /// Items of zero bytes, such as `0f`: a view of them would have no length.
    #[error("format '{0}' describes items of 0 bytes")]
    ZeroSize(String),
    /// A repeat count with no code after it.
    #[error("format '{0}': repeat count without a type code")]
    DanglingCount(String),
    /// A repeat count or a record size too large to represent.
    #[error("format '{0}': repeat count too large")]
    TooLarge(String),
    /// `>` or `!`: big-endian data cannot be viewed in place on a little-endian machine.
    #[error("format '{0}': big-endian formats ('>', '!') cannot be viewed without copying; vertex files are little-endian ('<')")]
    BigEndian(String),
    /// A byte-order character somewhere other than first.
    #[error("format '{format}': byte-order character '{order}' must come first")]
    MisplacedOrder {
        /// The whole format string.
        format: String,
        /// The misplaced character.
        order: char,
    },
}

/// A parsed format: the layout of one item of a [`View`](super::View).
///
/// Cheap to clone: views carry one each and slicing must not copy.
#[derive(Clone, Debug)]
pub struct Format {
    text: Arc<str>,
    order: ByteOrder,
    fields: Arc<[Field]>,
    itemsize: usize,
}

impl Format {
    /// Parses a `struct`-module format such as `f`, `<3H`, or `<3f3H2x`.
    pub fn parse(text: &str) -> Result<Format, FormatError> {
        let mut chars = text.char_indices().peekable();
        let order = match chars.peek().map(|&(_, c)| c) {
            Some('@') => Some(ByteOrder::NativeAligned),
            Some('=') => Some(ByteOrder::Native),
            Some('<') => Some(ByteOrder::Little),
            Some('>' | '!') => return Err(FormatError::BigEndian(text.to_owned())),
            _ => None,
        };
        if order.is_some() {
            chars.next();
        }
        let order = order.unwrap_or(ByteOrder::NativeAligned);
        let too_large = || FormatError::TooLarge(text.to_owned());

        let mut fields = Vec::new();
        let mut offset = 0usize;
        let mut count: Option<usize> = None;
        for (position, c) in chars {
            if c.is_whitespace() {
                continue;
            }
            if let Some(digit) = c.to_digit(10) {
                let so_far = count.unwrap_or(0);
                count = Some(
                    so_far
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(digit as usize))
                        .ok_or_else(too_large)?,
                );
                continue;
            }
            if matches!(c, '@' | '=' | '<' | '>' | '!') {
                return Err(FormatError::MisplacedOrder {
                    format: text.to_owned(),
                    order: c,
                });
            }
            let code = Code::from_char(c).ok_or_else(|| FormatError::UnknownCode {
                format: text.to_owned(),
                code: c,
                position,
            })?;
            let count = count.take().unwrap_or(1);
            if order == ByteOrder::NativeAligned && code != Code::Pad {
                offset = offset.next_multiple_of(code.size());
            }
            let len = count.checked_mul(code.size()).ok_or_else(too_large)?;
            fields.push(Field {
                code,
                count,
                offset,
            });
            offset = offset.checked_add(len).ok_or_else(too_large)?;
        }
        if count.is_some() {
            return Err(FormatError::DanglingCount(text.to_owned()));
        }
        if fields.is_empty() {
            return Err(FormatError::Empty(text.to_owned()));
        }
        if offset == 0 {
            return Err(FormatError::ZeroSize(text.to_owned()));
        }
        Ok(Format {
            text: text.into(),
            order,
            fields: fields.into(),
            itemsize: offset,
        })
    }

    /// The unsigned byte format `B`, which every view starts as.
    pub fn bytes() -> Format {
        Format {
            text: "B".into(),
            order: ByteOrder::NativeAligned,
            fields: [Field {
                code: Code::U8,
                count: 1,
                offset: 0,
            }]
            .into(),
            itemsize: 1,
        }
    }

    /// The format string as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Size in bytes of one item (Python's `struct.calcsize`); never 0.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The byte order and alignment rule.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    /// The fields of one item, pad runs included.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The code of a single-code format (`f`, `<H`, `=B`), the only kind Python's memoryview indexes.
    pub fn scalar(&self) -> Option<Code> {
        match *self.fields {
            [Field { code, count: 1, .. }] if code != Code::Pad => Some(code),
            _ => None,
        }
    }

    /// Whether this is a byte format (`B` or `b`): a cast must start or end at one.
    pub fn is_byte(&self) -> bool {
        self.scalar().is_some_and(Code::is_byte)
    }

    /// Whether two formats describe the same bytes, however they are spelled
    /// (`<3f3H2x` and `<fffHHHxx` do; on a little-endian machine so do `<f` and `f`).
    pub fn same_layout(&self, other: &Format) -> bool {
        self.itemsize == other.itemsize
            && self.is_little_endian() == other.is_little_endian()
            && self.offsets_of_values() == other.offsets_of_values()
    }

    /// Byte offsets of every value in one item, pads excluded.
    fn offsets_of_values(&self) -> Vec<(usize, Code)> {
        self.fields
            .iter()
            .filter(|f| f.code != Code::Pad)
            .flat_map(|f| (0..f.count).map(move |i| (f.offset + i * f.code.size(), f.code)))
            .collect()
    }

    /// Whether values are stored little-endian.
    pub(crate) fn is_little_endian(&self) -> bool {
        self.order == ByteOrder::Little || cfg!(target_endian = "little")
    }
}

impl FromStr for Format {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
