//! COPC files (cloud-optimised point clouds): LAZ 1.4 files whose chunks are the nodes of an
//! octree, with a hierarchy saying where each node lies. Read through the `las` crate's COPC
//! reader, from disk or from a URL (range requests: [`RemoteFile`]): the octree as `inspect`
//! shows it, and the points of its coarsest levels (`--lod LEVEL`), or all of them, node by
//! node. A COPC file on disk without `--lod` opens as the LAZ file it also is (every point, in
//! pieces).

use std::path::Path;

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use super::error::LoadError;
use super::http::{is_url, RemoteFile, Traffic};
use super::las::{self, LasInfo, LasRecords};
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

fn reader<R: Read + Seek>(
    path: &Path,
    input: R,
) -> Result<::las::CopcReader<'static, R>, LoadError> {
    ::las::CopcReader::new(input).map_err(|e| error(path, format!("not a COPC file: {e}")))
}

/// The file at `path`, or the remote one a URL names, as `Read + Seek`, with what reading it
/// costs (for a URL).
fn input(path: &Path) -> Result<(Input, Option<Arc<Traffic>>), LoadError> {
    if is_url(path) {
        let remote = RemoteFile::open(&path.to_string_lossy()).map_err(|error| LoadError::Io {
            path: path.to_owned(),
            error,
        })?;
        let traffic = remote.traffic();
        return Ok((Box::new(remote), Some(traffic)));
    }
    let file = super::input::open_file(path)?;
    Ok((Box::new(BufReader::new(file)), None))
}

/// `Read + Seek`, boxed.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// A file on disk or a remote one.
type Input = Box<dyn ReadSeek>;

/// Whether `path` is a COPC file on disk: a LAS header whose first VLR is COPC's info record.
pub fn is_copc(path: &Path) -> bool {
    !is_url(path)
        && ::las::Reader::from_path(path).is_ok_and(|r| r.header().copc_info_vlr().is_some())
}

/// The levels of a COPC file's octree (on disk, or at a URL), root first.
pub fn octree(path: &Path) -> Result<Vec<OctreeLevel>, LoadError> {
    let (input, _) = input(path)?;
    let reader = reader(path, input)?;
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

/// The points of a COPC file's octree levels 0 to `deepest` (all of them for `None`), on disk
/// or at a URL, read into memory as the file's own LAS records (so they have its columns and
/// are drawn as its LAZ twin would be), and for a URL what fetching them cost.
pub fn open_levels(
    path: &Path,
    deepest: Option<u32>,
) -> Result<(VertexSource, LasInfo, Option<Arc<Traffic>>), LoadError> {
    let (mut input, traffic) = input(path)?;
    let LasRecords {
        records, mut info, ..
    } = las::read_header(path, &mut input)?;
    let file_len = input
        .seek(SeekFrom::End(0))
        .and_then(|len| input.rewind().map(|()| len))
        .map_err(|error| LoadError::Io {
            path: path.to_owned(),
            error,
        })?;
    let mut reader = reader(path, input)?;
    let last = deepest.map_or(i64::MAX, i64::from);
    // The nodes in the order they lie in the file, so that the points come in file order (ties
    // at equal depth resolve as for the whole file) whatever order the hierarchy lists them in;
    // neighbours in the file are neighbours in the requests.
    let mut nodes: Vec<::las::copc::Entry> = reader
        .hierarchy_entries()
        .filter(|e| e.point_count > 0 && i64::from(e.key.l) <= last)
        .collect();
    nodes.sort_by_key(|e| e.offset);
    let stride = records.layout.stride();
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
        layout: records.layout.with_header(0),
        count: Some((bytes.len() / stride.max(1)) as u64),
        ..records
    };
    let source = VertexSource::from_memory_records(path, bytes, records)?;
    info.eight_bit_color = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    Ok((source.with_file_len(file_len), info, traffic))
}
