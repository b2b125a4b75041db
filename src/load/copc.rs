//! COPC files (cloud-optimised point clouds): LAZ 1.4 files whose chunks are the nodes of an
//! octree, with a hierarchy saying where each node lies. Read here from disk through the `las`
//! crate's COPC reader: the octree as `inspect` shows it, and a source of the coarsest levels
//! only (`--lod LEVEL`), for a quick picture of a big survey. A COPC file without `--lod` opens
//! as the LAZ file it also is (every point, in pieces).

use std::path::Path;

use super::error::LoadError;
use super::las::{self, LasInfo};
use super::source::{ColorScale, Records, VertexSource};
use crate::format::Up;

/// One level of a COPC octree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OctreeLevel {
    /// Its depth: 0 is the root.
    pub level: i32,
    /// Nodes holding points at this level.
    pub nodes: u64,
    /// Points in them.
    pub points: u64,
    /// The spacing between points at this level: the root's, halved per level.
    pub spacing: f64,
}

fn error(path: &Path, message: String) -> LoadError {
    LoadError::Header {
        path: path.to_owned(),
        message,
    }
}

fn reader(
    path: &Path,
) -> Result<::las::CopcReader<'static, std::io::BufReader<std::fs::File>>, LoadError> {
    ::las::CopcReader::from_path(path).map_err(|e| error(path, format!("not a COPC file: {e}")))
}

/// Whether `path` is a COPC file: a LAS header whose first VLR is COPC's info record.
pub fn is_copc(path: &Path) -> bool {
    ::las::Reader::from_path(path).is_ok_and(|r| r.header().copc_info_vlr().is_some())
}

/// The levels of a COPC file's octree, root first.
pub fn octree(path: &Path) -> Result<Vec<OctreeLevel>, LoadError> {
    let reader = reader(path)?;
    let spacing = reader
        .header()
        .copc_info_vlr()
        .map_or(0.0, |info| info.spacing);
    let mut levels: Vec<OctreeLevel> = Vec::new();
    for entry in reader.hierarchy_entries().filter(|e| e.point_count > 0) {
        let level = entry.key.l;
        let depth = usize::try_from(level).unwrap_or(0);
        while levels.len() <= depth {
            let l = levels.len() as i32;
            levels.push(OctreeLevel {
                level: l,
                nodes: 0,
                points: 0,
                spacing: spacing / 2f64.powi(l),
            });
        }
        levels[depth].nodes += 1;
        levels[depth].points += entry.point_count as u64;
    }
    Ok(levels)
}

/// The points of a COPC file's octree levels 0 to `deepest`, read into memory as the file's own
/// LAS records (so they have its columns and are drawn as its LAZ twin would be).
pub fn open_levels(path: &Path, deepest: u32) -> Result<(VertexSource, LasInfo), LoadError> {
    let (whole, info) = las::open(path)?;
    let mut reader = reader(path)?;
    let last = i64::from(deepest);
    // The nodes in the order they lie in the file, so that the points come in file order (ties
    // at equal depth resolve as for the whole file) whatever order the hierarchy lists them in.
    let mut nodes: Vec<::las::copc::Entry> = reader
        .hierarchy_entries()
        .filter(|e| e.point_count > 0 && i64::from(e.key.l) <= last)
        .collect();
    nodes.sort_by_key(|e| e.offset);
    let stride = whole.layout().stride();
    let mut bytes = Vec::new();
    for node in &nodes {
        let points = reader
            .read_entry(node)
            .map_err(|e| error(path, format!("cannot read octree node {:?}: {e}", node.key)))?;
        if points.raw_bytes().len() != points.len() * stride {
            return Err(error(
                path,
                format!("its nodes decode to records of another size than the header's {stride}"),
            ));
        }
        bytes.extend_from_slice(points.raw_bytes());
    }
    let records = Records {
        layout: whole.layout().clone().with_header(0),
        count: Some((bytes.len() / stride.max(1)) as u64),
        up: Up::Z,
        color_scale: ColorScale::EightBitIfSmall,
        columns: whole.extra_columns.clone(),
    };
    let source = VertexSource::from_memory_records(path, bytes, records)?;
    Ok((source.with_file_len(whole.file_len()), info))
}
