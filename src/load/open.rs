//! Opening a vertex file of any kind, by its extension: raw records (`.bin`, `.vtx`, anything
//! else) of a [`Layout`], PLY (`.ply`) or LAS (`.las`).

use std::path::Path;

use super::error::LoadError;
use super::las::{self, LasInfo};
use super::ply::{self, PlyInfo};
use super::source::VertexSource;
use crate::format::Layout;

/// What kind of file was opened.
#[derive(Clone, Debug, PartialEq)]
pub enum FileKind {
    /// Raw records of a layout.
    Raw,
    /// A PLY file.
    Ply(PlyInfo),
    /// A LAS file.
    Las(LasInfo),
}

/// The kind a path's extension names: `.ply` and `.las` (any case); anything else is raw.
pub fn kind_of(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("ply") => "ply",
        Some("las") => "las",
        Some("laz") => "laz",
        _ => "raw",
    }
}

/// Opens `path`: a PLY or LAS file by its extension, else raw records of `layout` (the default
/// 20-byte record when `None`). A layout given for a PLY or LAS file is refused: their headers
/// say what their records hold.
pub fn open(path: &Path, layout: Option<Layout>) -> Result<(VertexSource, FileKind), LoadError> {
    let header_error = |message: &str| LoadError::Header {
        path: path.to_owned(),
        message: message.to_owned(),
    };
    match (kind_of(path), layout) {
        ("raw", layout) => {
            VertexSource::open_with(path, layout.unwrap_or_default(), None).map(|s| (s, FileKind::Raw))
        }
        (_, Some(_)) => Err(header_error(
            "--layout, --stride and --offset describe raw files; a PLY or LAS header says what its records hold",
        )),
        ("ply", None) => ply::open(path).map(|(s, info)| (s, FileKind::Ply(info))),
        // A COPC file is LAZ too, but its chunks are octree nodes of all sizes: read node by
        // node, coarsest first, every command draws it alike from disk and from a URL.
        ("laz", None) if super::copc::is_copc(path) => super::copc::open_levels(path, super::copc::Depth::All)
            .map(|(s, info, _)| (s, FileKind::Las(info))),
        (_, None) => las::open(path).map(|(s, info)| (s, FileKind::Las(info))),
    }
}

/// [`open`], and a COPC file at an `http://` or `https://` URL, read by range requests.
pub fn open_or_fetch(
    path: &Path,
    layout: Option<Layout>,
) -> Result<(VertexSource, FileKind), LoadError> {
    if layout.is_none() && super::http::is_url(path) {
        let (source, info, _) = super::copc::open_levels(path, super::copc::Depth::All)?;
        return Ok((source, FileKind::Las(info)));
    }
    open(path, layout)
}
