//! [`View`]: a zero-copy, typed window on bytes with the semantics of Python's `memoryview`.

use std::fmt;
use std::ops::{Bound, RangeBounds};

use bytemuck::Pod;
use thiserror::Error;

use super::code::{Code, Format, FormatError};

/// Why a view operation was refused. Messages follow Python's `memoryview` where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ViewError {
    /// The format string itself is invalid.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The byte length does not divide into whole items.
    #[error("memoryview: length is not a multiple of itemsize: {nbytes} bytes is not a whole number of {itemsize}-byte '{format}' items ({whole} items, then {stray} stray bytes at offset {offset})")]
    NotMultiple {
        /// Length in bytes.
        nbytes: usize,
        /// Size of one item of `format`.
        itemsize: usize,
        /// The format that was asked for.
        format: String,
        /// Whole items that fit.
        whole: usize,
        /// Bytes left over.
        stray: usize,
        /// Byte offset of the first stray byte.
        offset: usize,
    },
    /// A cast that neither starts from nor ends at a byte format.
    #[error("memoryview: cannot cast between two non-byte formats ('{from}' to '{to}'): cast to 'B' first")]
    NonByteCast {
        /// Format of the view.
        from: String,
        /// Format asked for.
        to: String,
    },
    /// Indexing past the end.
    #[error("memoryview: index {index} out of bounds for a view of {len} items")]
    Index {
        /// The index asked for.
        index: usize,
        /// Items in the view.
        len: usize,
    },
    /// A slice that is reversed or reaches past the end.
    #[error("memoryview: slice {start}..{end} out of bounds for a view of {len} items")]
    Slice {
        /// First item of the slice.
        start: usize,
        /// One past its last item.
        end: usize,
        /// Items in the view.
        len: usize,
    },
    /// A typed slice asked of a view whose format holds something else.
    #[error("memoryview: format '{format}' does not hold '{wanted}' items")]
    FormatMismatch {
        /// Format of the view.
        format: String,
        /// Format of the Rust type asked for.
        wanted: &'static str,
    },
    /// The bytes do not start at an address the Rust type may be read from in place.
    #[error("memoryview: data at address offset {misalignment} from a {align}-byte boundary cannot be viewed as '{wanted}' without copying")]
    Misaligned {
        /// How far the start is past the previous aligned address.
        misalignment: usize,
        /// Alignment the type needs.
        align: usize,
        /// Format of the Rust type asked for.
        wanted: &'static str,
    },
    /// The seed's `Vector` check: positions must be floats.
    #[error("memoryview values must be binary floating-point numbers (format '{0}')")]
    NotFloat(String),
    /// The seed's `Color` check: colours must be unsigned integers.
    #[error("memoryview must be unsigned integers (format '{0}')")]
    NotUnsigned(String),
    /// The seed's count check: a position or colour has exactly three items.
    #[error("memoryview must contain three {what}, not {len}")]
    NotThree {
        /// `floats` or `integers`.
        what: &'static str,
        /// Items in the view.
        len: usize,
    },
}

/// One item read out of a [`View`], by value (Python's `int`, `float`, or `struct.unpack` tuple).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A signed integer item.
    Int(i64),
    /// An unsigned integer item.
    UInt(u64),
    /// A floating-point item (`f` widened to `f64` exactly).
    Float(f64),
    /// The values of a record format such as `<3f3H2x`, pads left out.
    Record(Vec<Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::UInt(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Record(values) => {
                f.write_str("(")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A Rust type that a view can be reinterpreted as in place, named by its format.
pub trait Element: Pod {
    /// The format string of one `Self`, such as `"f"` or `"<3f3H2x"`.
    const FORMAT: &'static str;
}

macro_rules! element {
    ($($t:ty => $f:literal),* $(,)?) => { $(impl Element for $t { const FORMAT: &'static str = $f; })* };
}
element!(u8 => "B", i8 => "b", u16 => "H", i16 => "h", u32 => "I", i32 => "i",
         u64 => "Q", i64 => "q", f32 => "f", f64 => "d");

/// A view of bytes as items of a [`Format`], like Python's `memoryview`: slicing and casting never
/// copy, indexing returns one item by value.
///
/// ```
/// use vertexview::format::{View, Value};
///
/// // One vertex: position (1, 2, 3), colour (10, 20, 30), two pad bytes.
/// let mut bytes = Vec::new();
/// for x in [1.0f32, 2.0, 3.0] { bytes.extend(x.to_le_bytes()); }
/// for c in [10u16, 20, 30, 0] { bytes.extend(c.to_le_bytes()); }
///
/// let mem = View::new(&bytes);
/// let colour = mem.slice(12..18)?.cast("<H")?;
/// assert_eq!(colour.len(), 3);
/// assert_eq!(colour.get(1)?, Value::UInt(20));
/// assert_eq!(mem.slice(0..12)?.cast("<f")?.to_vec(), [1.0, 2.0, 3.0].map(Value::Float));
/// # Ok::<(), vertexview::format::ViewError>(())
/// ```
#[derive(Clone, Debug)]
pub struct View<'a> {
    bytes: &'a [u8],
    format: Format,
}

impl<'a> View<'a> {
    /// A view of `bytes` as unsigned bytes (format `B`), as `memoryview(bytes)` is.
    pub fn new(bytes: &'a [u8]) -> View<'a> {
        View {
            bytes,
            format: Format::bytes(),
        }
    }

    /// A view of `bytes` as items of `format`; the length must be a whole number of items.
    pub fn with_format(bytes: &'a [u8], format: &str) -> Result<View<'a>, ViewError> {
        let format = Format::parse(format)?;
        check_multiple(bytes.len(), &format)?;
        Ok(View { bytes, format })
    }

    /// Number of items (Python's `len(view)`).
    pub fn len(&self) -> usize {
        self.bytes.len() / self.format.itemsize()
    }

    /// Whether the view holds no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Size of one item in bytes.
    pub fn itemsize(&self) -> usize {
        self.format.itemsize()
    }

    /// Length in bytes.
    pub fn nbytes(&self) -> usize {
        self.bytes.len()
    }

    /// The format string as given.
    pub fn format(&self) -> &str {
        self.format.as_str()
    }

    /// The parsed format.
    pub fn parsed_format(&self) -> &Format {
        &self.format
    }

    /// The bytes viewed, without copying.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// A view of items `range`, without copying (Python's `view[a:b]`). Unlike Python, a range that
    /// reaches past the end is an error rather than silently shortened.
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Result<View<'a>, ViewError> {
        let len = self.len();
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&e) => e.saturating_add(1),
            Bound::Excluded(&e) => e,
            Bound::Unbounded => len,
        };
        if start > end || end > len {
            return Err(ViewError::Slice { start, end, len });
        }
        let size = self.itemsize();
        Ok(View {
            bytes: &self.bytes[start * size..end * size],
            format: self.format.clone(),
        })
    }

    /// The same bytes seen through another format (Python's `view.cast(format)`): one of the two
    /// formats must be a byte format, and the length must be a whole number of new items.
    pub fn cast(&self, format: &str) -> Result<View<'a>, ViewError> {
        let to = Format::parse(format)?;
        if !self.format.is_byte() && !to.is_byte() {
            return Err(ViewError::NonByteCast {
                from: self.format().to_owned(),
                to: format.to_owned(),
            });
        }
        check_multiple(self.bytes.len(), &to)?;
        Ok(View {
            bytes: self.bytes,
            format: to,
        })
    }

    /// Item `index`, by value (Python's `view[i]`).
    pub fn get(&self, index: usize) -> Result<Value, ViewError> {
        let len = self.len();
        if index >= len {
            return Err(ViewError::Index { index, len });
        }
        let size = self.itemsize();
        Ok(self.read_item(&self.bytes[index * size..(index + 1) * size]))
    }

    /// Every item, by value (Python's `view.tolist()`).
    pub fn to_vec(&self) -> Vec<Value> {
        self.bytes
            .chunks_exact(self.itemsize())
            .map(|item| self.read_item(item))
            .collect()
    }

    /// The items as a Rust slice, without copying. The format must describe `T` (`f` for `f32`,
    /// `<3f3H2x` for [`Vertex`](crate::Vertex)) and the bytes must be aligned for it.
    pub fn as_slice<T: Element>(&self) -> Result<&'a [T], ViewError> {
        let wanted = Format::parse(T::FORMAT)?;
        if !self.format.same_layout(&wanted) || wanted.itemsize() != std::mem::size_of::<T>() {
            return Err(ViewError::FormatMismatch {
                format: self.format().to_owned(),
                wanted: T::FORMAT,
            });
        }
        let align = std::mem::align_of::<T>();
        bytemuck::try_cast_slice(self.bytes).map_err(|_| ViewError::Misaligned {
            misalignment: self.bytes.as_ptr() as usize % align,
            align,
            wanted: T::FORMAT,
        })
    }

    fn read_item(&self, item: &[u8]) -> Value {
        let little = self.format.is_little_endian();
        let mut values = Vec::new();
        if let Some(code) = self.format.scalar() {
            return read_value(code, item, little);
        }
        for field in self.format.fields().iter().filter(|f| f.code != Code::Pad) {
            let size = field.code.size();
            for i in 0..field.count {
                let at = field.offset + i * size;
                values.push(read_value(field.code, &item[at..at + size], little));
            }
        }
        Value::Record(values)
    }
}

fn check_multiple(nbytes: usize, format: &Format) -> Result<(), ViewError> {
    let itemsize = format.itemsize();
    let stray = nbytes % itemsize;
    if stray == 0 {
        return Ok(());
    }
    Err(ViewError::NotMultiple {
        nbytes,
        itemsize,
        format: format.as_str().to_owned(),
        whole: nbytes / itemsize,
        stray,
        offset: nbytes - stray,
    })
}

fn read_value(code: Code, b: &[u8], little: bool) -> Value {
    macro_rules! read {
        ($t:ty) => {{
            let mut raw = [0u8; std::mem::size_of::<$t>()];
            raw.copy_from_slice(b);
            if little {
                <$t>::from_le_bytes(raw)
            } else {
                <$t>::from_be_bytes(raw)
            }
        }};
    }
    match code {
        Code::I8 => Value::Int(read!(i8).into()),
        Code::U8 => Value::UInt(read!(u8).into()),
        Code::I16 => Value::Int(read!(i16).into()),
        Code::U16 => Value::UInt(read!(u16).into()),
        Code::I32 => Value::Int(read!(i32).into()),
        Code::U32 => Value::UInt(read!(u32).into()),
        Code::I64 => Value::Int(read!(i64)),
        Code::U64 => Value::UInt(read!(u64)),
        Code::F16 => Value::Float(half::f16::from_bits(read!(u16)).to_f64()),
        Code::F32 => Value::Float(read!(f32).into()),
        Code::F64 => Value::Float(read!(f64)),
        Code::Pad => Value::Record(Vec::new()),
    }
}
