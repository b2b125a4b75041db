//! [`Column`]: one number (or a vector of three) that every record carries, by name: what
//! `--color FIELD` colours by. A column is a layout's field (`intensity:1H`, `normal:3f`, one
//! component of one, `uv[1]`), three consecutive fields that spell a vector (`nx ny nz` are
//! `normal`), or a bit field a container defines (LAS's return number and classification).

use super::code::Code;
use super::gpu_layout::GpuColumn;
use super::layout::{Layout, Role};

/// How a column's value comes out of the records the GPU draws: it reads `column` (integers as
/// stored), and the value is `base + step · read`. Records read in place have base 0, step 1;
/// converted records carry an encoding of the value (see
/// [`VertexSource::column_read`](crate::load::VertexSource::column_read)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnRead {
    /// Where in the records, and of what type.
    pub column: GpuColumn,
    /// The value of a stored 0.
    pub base: f32,
    /// The value of one stored unit.
    pub step: f32,
}

/// A bit field within an integer: `width` bits from bit `shift` up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bits {
    /// The lowest bit.
    pub shift: u8,
    /// How many bits.
    pub width: u8,
}

/// How a column's values are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// A quantity: a colormap over a range.
    Scalar,
    /// Classes: one distinct colour per value (LAS classification).
    Classes,
    /// Three components: shown as red, green, blue.
    Vector,
}

/// One number (or three) of every record: where it lies, its type, how it is shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Column {
    /// The name `--color` takes.
    pub name: String,
    /// Type of each component.
    pub code: Code,
    /// Byte offset within the record.
    pub offset: usize,
    /// Scalar, classes or a vector (three components, `code.size()` apart).
    pub kind: ColumnKind,
    /// A bit field of the integer at `offset`, if the column is one.
    pub bits: Option<Bits>,
}

impl Column {
    /// A scalar column of `code` at `offset`.
    pub fn scalar(name: impl Into<String>, code: Code, offset: usize) -> Column {
        Column {
            name: name.into(),
            code,
            offset,
            kind: ColumnKind::Scalar,
            bits: None,
        }
    }

    /// Components: 3 for a vector, else 1.
    pub fn components(&self) -> usize {
        if self.kind == ColumnKind::Vector {
            3
        } else {
            1
        }
    }

    /// Component `i` of the column in `record` (of `layout`'s byte order), as a number.
    pub fn value(&self, layout: &Layout, record: &[u8], i: usize) -> f64 {
        let stored = layout.number_at(record, self.code, self.offset + i * self.code.size());
        match self.bits {
            Some(b) => ((stored as u64 >> b.shift) & ((1u64 << b.width) - 1)) as f64,
            None => stored,
        }
    }

    /// Whether the values are whole numbers by their type (integers and bit fields).
    pub fn is_integer(&self) -> bool {
        !matches!(self.code, Code::F16 | Code::F32 | Code::F64)
    }
}

/// Integer fields by these names are classes: one colour per value.
pub const CLASS_NAMES: [&str; 5] = ["class", "classification", "label", "segment", "instance"];

impl Layout {
    /// The columns of this layout's records, by name: every field that is not the position,
    /// the colour or padding (a field of 3 or 4 components is a vector, and `name[i]` each
    /// component), and `normal` for three consecutive fields `nx ny nz` of one type.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = Vec::new();
        for f in self.fields() {
            if f.role != Role::Other || f.code == Code::Pad {
                continue;
            }
            let column = |name: String, offset| Column::scalar(name, f.code, offset);
            if f.count == 1 {
                let mut c = column(f.name.clone(), f.offset);
                // Labels by their usual names are classes, as LAS's classification is.
                if c.is_integer() && CLASS_NAMES.contains(&f.name.as_str()) {
                    c.kind = ColumnKind::Classes;
                }
                out.push(c);
                continue;
            }
            if (3..=4).contains(&f.count) {
                out.push(Column {
                    kind: ColumnKind::Vector,
                    ..column(f.name.clone(), f.offset)
                });
            }
            for i in 0..f.count {
                out.push(column(
                    format!("{}[{i}]", f.name),
                    f.offset + i * f.code.size(),
                ));
            }
        }
        let find = |name: &str| out.iter().find(|c| c.name == name && c.bits.is_none());
        if let (Some(x), Some(y), Some(z), None) =
            (find("nx"), find("ny"), find("nz"), find("normal"))
        {
            let size = x.code.size();
            if x.code == y.code
                && y.code == z.code
                && y.offset == x.offset + size
                && z.offset == y.offset + size
            {
                let normal = Column {
                    name: "normal".into(),
                    kind: ColumnKind::Vector,
                    ..x.clone()
                };
                out.push(normal);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_columns_and_nx_ny_nz_a_normal() {
        let layout = Layout::parse("pos:3f nx:1f ny:1f nz:1f uv:2e t:1d col:4B").unwrap();
        let names: Vec<_> = layout.columns().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["nx", "ny", "nz", "uv[0]", "uv[1]", "t", "normal"]);
        let normal = layout.columns().pop().unwrap();
        assert_eq!((normal.offset, normal.kind), (12, ColumnKind::Vector));

        let layout = Layout::parse("pos:3f n:3f _:4x").unwrap();
        let columns = layout.columns();
        assert_eq!(columns[0].kind, ColumnKind::Vector);
        assert_eq!(columns[2].name, "n[1]");
        let mut record = vec![0u8; 28];
        record[16..20].copy_from_slice(&2.5f32.to_le_bytes());
        assert_eq!(columns[2].value(&layout, &record, 0), 2.5);
        assert_eq!(columns[0].value(&layout, &record, 1), 2.5);
    }

    #[test]
    fn a_bit_field_reads_its_bits_only() {
        let layout = Layout::parse("pos:3i flags:1B").unwrap();
        let column = Column {
            bits: Some(Bits { shift: 3, width: 3 }),
            ..Column::scalar("returns", Code::U8, 12)
        };
        let mut record = vec![0u8; 13];
        record[12] = 0b1110_1010;
        assert_eq!(column.value(&layout, &record, 0), 0b101 as f64);
    }
}
