//! Bytes without I/O: typed, zero-copy views in the style of Python's `memoryview.cast`, record
//! layouts, the default record, decoding other layouts into it, and statistics over vertices.
//!
//! A [`View`] is bytes plus a [`Format`] (`struct`-module codes: `b B h H i I l L q Q e f d x`,
//! repeat counts, `<`/`=`/`@` prefixes). Slicing and casting never copy; casts follow Python's rules
//! (to or from a byte format only, length a whole number of items); indexing returns one item by
//! value. Unlike Python, record formats such as `<3f3H2x` are allowed, so a whole vertex file can
//! be cast to `&[Vertex]` in place.

mod checked;
mod code;
mod column;
mod gpu_layout;
mod layout;
pub mod records;
pub mod stats;
mod up;
pub mod vertex;
mod view;

pub use checked::{split_vertex, ColorView, PositionView};
pub use code::{ByteOrder, Code, Field, Format, FormatError};
pub use column::{Bits, Column, ColumnKind, ColumnRead};
pub use gpu_layout::{GpuAttribute, GpuColumn, GpuLayout, MAX_VERTEX_STRIDE};
pub use layout::{
    format_value, Endian, Layout, LayoutError, LayoutField, Role, Scale, DEFAULT_SPEC,
};
pub use stats::{Bounds, StatsAccumulator, VertexStats};
pub use up::Up;
pub use vertex::Vertex;
pub use view::{Element, Value, View, ViewError};
