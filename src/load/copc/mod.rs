//! COPC files (cloud-optimised point clouds): LAZ 1.4 files whose chunks are the nodes of an
//! octree, with a hierarchy saying where each node lies. Read from disk or from a URL (range
//! requests: [`Ranges`](crate::load::http::Ranges)) through the same steps: the LAS header and
//! VLRs, the hierarchy's pages as deep as the read goes, then the nodes' points coarsest level
//! first ([`open_levels`]), all of them or levels 0 to `--lod LEVEL`, each node fetched and
//! decoded only when a read reaches it. So the first records of such a
//! source are the top levels, an evenly spread sample of the whole: what the viewer's first
//! picture needs, and nothing more. Every command reads COPC this way, from disk and from a URL
//! alike, so they draw the same picture.

mod hierarchy;
mod input;
mod nodes;

use std::path::Path;
use std::sync::{Arc, Mutex};

use self::hierarchy::{read_nodes, CopcInfo, Node};
use self::input::CopcInput;
pub(crate) use self::nodes::CopcNodes;
use super::error::LoadError;
use super::http::{is_url, Traffic};
use super::las::{self, find_vlr, LasInfo, LasRecords};
use super::source::{Records, VertexSource};

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

/// A COPC file's header (the LAS one, and COPC's info VLR) read from `input`.
struct Opened {
    las: LasRecords,
    info: CopcInfo,
}

fn read_header(path: &Path, input: &CopcInput) -> Result<Opened, LoadError> {
    let las = las::read_header(path, input.stream())?;
    let info = find_vlr(&las.vlrs, "copc", 1)
        .and_then(CopcInfo::parse)
        .ok_or_else(|| error(path, "not a COPC file: no COPC info VLR that reads".into()))?;
    Ok(Opened { las, info })
}

/// The nodes with points of levels 0 to `deepest` (all, for `None`).
fn nodes(
    path: &Path,
    input: &CopcInput,
    info: &CopcInfo,
    deepest: Option<u32>,
) -> Result<Vec<Node>, LoadError> {
    read_nodes(info, deepest, input.len(), |ranges| {
        input.read_ranges(ranges)
    })
    .map_err(|e| error(path, format!("its octree hierarchy does not read: {e}")))
}

/// Whether `path` is a COPC file on disk: a LAS header with COPC's info VLR.
pub fn is_copc(path: &Path) -> bool {
    !is_url(path)
        && CopcInput::open(path)
            .and_then(|input| read_header(path, &input))
            .is_ok()
}

/// The levels of the whole octree, root first, of a source [`open_levels`] opened, whatever
/// depth it reads (where it reads fewer levels, the hierarchy is read again through its input:
/// a URL's fetches count with the rest); `None` for other sources.
pub fn octree(source: &VertexSource) -> Option<Result<Vec<OctreeLevel>, LoadError>> {
    let copc = source.copc_nodes()?;
    let info = &copc.info;
    let all = match copc.deepest {
        None => copc.nodes.iter().map(|(_, node)| *node).collect(),
        Some(_) => match nodes(source.path(), &copc.input, info, None) {
            Ok(all) => all,
            Err(e) => return Some(Err(e)),
        },
    };
    let mut levels: Vec<OctreeLevel> = Vec::new();
    for node in all {
        let depth = usize::try_from(node.key.l).unwrap_or(0);
        while levels.len() <= depth {
            let l = levels.len() as i32;
            levels.push(OctreeLevel {
                level: l,
                nodes: 0,
                points: 0,
                spacing: info.spacing / 2f64.powi(l),
            });
        }
        levels[depth].nodes += 1;
        levels[depth].points += node.point_count;
    }
    Some(Ok(levels))
}

/// How deep into a COPC file's octree to read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Depth {
    /// Every level: every point.
    All,
    /// Levels 0 to this one.
    Level(u32),
    /// The levels whose spacing is at least this (in the file's units), and the first finer
    /// one, as laspy's `CopcReader.query(resolution=…)` reads them: points about this far
    /// apart.
    Resolution(f64),
}

impl Depth {
    /// The deepest level to read, for a root `spacing`.
    pub fn deepest(self, spacing: f64) -> Option<u32> {
        match self {
            Depth::All => None,
            Depth::Level(level) => Some(level),
            Depth::Resolution(r) if r > 0.0 && spacing > 0.0 => {
                Some((spacing / r).log2().ceil().clamp(0.0, 64.0) as u32)
            }
            Depth::Resolution(_) => Some(0),
        }
    }
}

/// The points of a COPC file's octree levels 0 to `depth`'s, on disk or at a URL, as the
/// file's own LAS records (so they have its columns and are drawn as its LAZ twin would be),
/// coarsest level first, each node read when a read first reaches it; and for a URL what
/// fetching has cost so far.
pub fn open_levels(
    path: &Path,
    depth: Depth,
) -> Result<(VertexSource, LasInfo, Option<Arc<Traffic>>), LoadError> {
    let input = CopcInput::open(path)?;
    let Opened { las, info } = read_header(path, &input)?;
    let LasRecords {
        records,
        info: mut las_info,
        vlrs,
        ..
    } = las;
    let vlr = find_vlr(&vlrs, "laszip encoded", 22204)
        .ok_or_else(|| {
            error(
                path,
                "compressed points without the 'laszip encoded' VLR".into(),
            )
        })
        .and_then(|data| {
            laz::LazVlr::from_buffer(data)
                .map_err(|e| error(path, format!("its LAZ VLR does not read: {e}")))
        })?;
    let deepest = depth.deepest(info.spacing);
    let mut entries = nodes(path, &input, &info, deepest)?;
    // Level by level; within one, along a Z-order curve, so that the records of a piece of the
    // viewer's lie together in space (it loads first the pieces nearest the camera).
    entries.sort_by_key(|n| (n.key.l, n.key.z_order()));
    let mut nodes = Vec::with_capacity(entries.len());
    let mut count = 0u64;
    for node in entries {
        nodes.push((count, node));
        count += node.point_count;
    }
    let file_len = input.len();
    let traffic = input.traffic();
    let copc = CopcNodes {
        path: path.to_owned(),
        input,
        vlr,
        info,
        deepest,
        nodes,
        stride: records.layout.stride(),
        decoded: Mutex::new(Vec::new()),
    };
    let records = Records {
        layout: records.layout.with_header(0),
        count: Some(count),
        ..records
    };
    let source = VertexSource::from_copc(path, copc, records, file_len)?;
    las_info.eight_bit_color = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    Ok((source, las_info, traffic))
}
