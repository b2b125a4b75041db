//! Loading records from files, without a GPU: the length validated up front, records read in
//! pieces by positional reads ([`VertexSource`], any size) or whole into memory
//! ([`VertexFile`]), and the containers whose headers describe them: raw records of any
//! [`Layout`](crate::format::Layout), PLY ([`ply`]) and LAS ([`las`]), opened by extension with
//! [`open::open`].

mod columns;
pub mod copc;
pub mod error;
pub mod file;
pub mod http;
pub(crate) mod input;
pub mod las;
pub(crate) mod laz;
pub(crate) mod length;
pub mod open;
pub mod ply;
pub(crate) mod reader;
pub mod sample;
pub mod source;
pub mod version;

pub use columns::ColumnSample;
pub use error::{LoadError, NoColumn, SpecialFile};
pub use file::VertexFile;
pub use open::FileKind;
pub use source::{ColorScale, Records, VertexSource};
pub use version::FileVersion;
