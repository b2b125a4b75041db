//! COPC files (cloud-optimised point clouds): LAZ 1.4 files whose chunks are the nodes of an
//! octree, with a hierarchy saying where each node lies. Read through the `las` crate's COPC
//! reader, from disk or from a URL (range requests: [`RemoteFile`]): the octree as `inspect`
//! shows it, and its points coarsest level first ([`open_levels`]), all of them or levels 0 to
//! `--lod LEVEL`, each node fetched and decoded only when a read reaches it. So the first
//! records of such a source are the top levels, an evenly spread sample of the whole: what the
//! viewer's first picture needs, and nothing more. A COPC file on disk is otherwise read as the
//! LAZ file it also is (every point in file order, decoded on all cores).

use std::path::Path;

use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

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
/// or at a URL, as the file's own LAS records (so they have its columns and are drawn as its
/// LAZ twin would be), coarsest level first, each node read when a read first reaches it; and
/// for a URL what fetching has cost so far.
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
    let reader = reader(path, input)?;
    let last = deepest.map_or(i64::MAX, i64::from);
    let mut entries: Vec<::las::copc::Entry> = reader
        .hierarchy_entries()
        .filter(|e| e.point_count > 0 && i64::from(e.key.l) <= last)
        .collect();
    // Level by level; within one, in the order they lie in the file, so that neighbours in the
    // file are neighbours in the requests.
    entries.sort_by_key(|e| (e.key.l, e.offset));
    let mut nodes = Vec::with_capacity(entries.len());
    let mut count = 0u64;
    for entry in entries {
        nodes.push((count, entry));
        count += entry.point_count as u64;
    }
    let stride = records.layout.stride();
    let copc = CopcNodes {
        path: path.to_owned(),
        reader: Mutex::new(reader),
        nodes,
        stride,
        decoded: Mutex::new(Vec::new()),
    };
    let records = Records {
        layout: records.layout.with_header(0),
        count: Some(count),
        ..records
    };
    let source = VertexSource::from_copc(path, copc, records, file_len)?;
    info.eight_bit_color = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    Ok((source, info, traffic))
}

/// Decoded records kept, newest first out last: a read that ends inside a node leaves it for
/// the next, the threads of a statistics pass each have one in hand, and the first levels,
/// which the framing sample, the viewer's first picture and its first pieces all read, are
/// fetched and decoded once (a million 36-byte records fit).
const DECODED_BYTES: usize = 64 << 20;

/// A COPC file's nodes as one run of records, coarsest level first, decoded as reads reach
/// them.
pub(crate) struct CopcNodes {
    path: std::path::PathBuf,
    reader: Mutex<::las::CopcReader<'static, Input>>,
    /// Each node with the index of its first record.
    nodes: Vec<(u64, ::las::copc::Entry)>,
    stride: usize,
    /// The latest nodes decoded, newest last.
    decoded: Mutex<Vec<(usize, Arc<[u8]>)>>,
}

impl CopcNodes {
    /// Records `first..` into `into` (a whole number of them).
    pub fn read(&self, first: u64, into: &mut [u8]) -> io::Result<()> {
        let mut at = first;
        let mut rest = into;
        while !rest.is_empty() {
            let i = self.nodes.partition_point(|(start, _)| *start <= at);
            let Some(i) = i.checked_sub(1) else {
                return Err(io::Error::other("a read before the first node"));
            };
            let bytes = self.node(i)?;
            let skip = (at - self.nodes[i].0) as usize * self.stride;
            let n = bytes.len().saturating_sub(skip).min(rest.len());
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("record {at} is past the last octree node"),
                ));
            }
            rest[..n].copy_from_slice(&bytes[skip..skip + n]);
            rest = &mut rest[n..];
            at += (n / self.stride) as u64;
        }
        Ok(())
    }

    /// Node `i`'s records, decoded now or kept from before.
    fn node(&self, i: usize) -> io::Result<Arc<[u8]>> {
        let kept = |decoded: &Vec<(usize, Arc<[u8]>)>| {
            decoded
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, b)| b.clone())
        };
        if let Some(bytes) = kept(&self.decoded.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(bytes);
        }
        let entry = self.nodes[i].1;
        let bytes: Arc<[u8]> = {
            let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
            // Another thread may have decoded it while this one waited.
            if let Some(bytes) = kept(&self.decoded.lock().unwrap_or_else(|e| e.into_inner())) {
                return Ok(bytes);
            }
            let points = reader.read_entry(&entry).map_err(|e| {
                io::Error::other(format!(
                    "{}: cannot read octree node {:?}: {e}",
                    self.path.display(),
                    entry.key
                ))
            })?;
            if points.raw_bytes().len() != entry.point_count as usize * self.stride {
                return Err(io::Error::other(format!(
                    "octree node {:?} decodes to {} bytes, not {} records of {}",
                    entry.key,
                    points.raw_bytes().len(),
                    entry.point_count,
                    self.stride
                )));
            }
            points.raw_bytes().into()
        };
        let mut decoded = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
        decoded.push((i, bytes.clone()));
        let mut kept: usize = decoded.iter().map(|(_, b)| b.len()).sum();
        while kept > DECODED_BYTES && decoded.len() > 1 {
            kept -= decoded.remove(0).1.len();
        }
        Ok(bytes)
    }
}
