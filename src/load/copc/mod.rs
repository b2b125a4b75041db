//! COPC files (cloud-optimised point clouds): LAZ 1.4 files whose chunks are the nodes of an
//! octree, with a hierarchy saying where each node lies. Read through the `las` crate's COPC
//! reader, from disk or from a URL (range requests: [`RemoteFile`]): the octree as `inspect`
//! shows it, and its points coarsest level first ([`open_levels`]), all of them or levels 0 to
//! `--lod LEVEL`, each node fetched and decoded only when a read reaches it. So the first
//! records of such a source are the top levels, an evenly spread sample of the whole: what the
//! viewer's first picture needs, and nothing more. Every command reads COPC this way, from disk
//! and from a URL alike, so they draw the same picture.

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

/// The points of a COPC file's octree levels 0 to `depth`'s, on disk
/// or at a URL, as the file's own LAS records (so they have its columns and are drawn as its
/// LAZ twin would be), coarsest level first, each node read when a read first reaches it; and
/// for a URL what fetching has cost so far.
pub fn open_levels(
    path: &Path,
    depth: Depth,
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
    let shared = SharedInput(Arc::new(Mutex::new(input)));
    let reader = reader(path, shared.clone())?;
    let vlr = reader
        .header()
        .laz_vlr()
        .map_err(|e| error(path, format!("its LAZ VLR does not read: {e}")))?;
    let cube = reader.header().copc_info_vlr();
    let spacing = cube.as_ref().map_or(0.0, |info| info.spacing);
    let last = depth.deepest(spacing).map_or(i64::MAX, i64::from);
    let mut entries: Vec<::las::copc::Entry> = reader
        .hierarchy_entries()
        .filter(|e| e.point_count > 0 && i64::from(e.key.l) <= last)
        .collect();
    // Level by level; within one, along a Z-order curve, so that the records of a piece of the
    // viewer's lie together in space (it loads first the pieces nearest the camera).
    entries.sort_by_key(|e| (e.key.l, z_order(&e.key)));
    let mut nodes = Vec::with_capacity(entries.len());
    let mut count = 0u64;
    for entry in entries {
        nodes.push((count, entry));
        count += entry.point_count as u64;
    }
    let stride = records.layout.stride();
    drop(reader);
    let copc = CopcNodes {
        path: path.to_owned(),
        input: shared,
        vlr,
        cube,
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

/// Decoded records kept, oldest dropped first: a read that ends inside a node leaves it for
/// the next, and the first levels, which the framing sample, the viewer's first picture and its
/// first pieces all read, are fetched and decoded once (a million 36-byte records fit).
const DECODED_BYTES: usize = 64 << 20;

/// One input (file or remote) shared by the COPC reader that read its hierarchy and the nodes
/// that fetch chunks from it; each call locks it.
#[derive(Clone)]
struct SharedInput(Arc<Mutex<Input>>);

impl SharedInput {
    fn lock(&self) -> std::sync::MutexGuard<'_, Input> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Read for SharedInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.lock().read(buf)
    }
}

impl Seek for SharedInput {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.lock().seek(to)
    }
}

/// A COPC file's nodes as one run of records, coarsest level first, fetched and decoded as
/// reads reach them: the chunks a read spans fetched in file order, then decoded on all cores.
pub(crate) struct CopcNodes {
    path: std::path::PathBuf,
    input: SharedInput,
    vlr: laz::LazVlr,
    /// The octree's cube (COPC's info VLR).
    cube: Option<::las::copc::CopcInfoVlr>,
    /// Each node with the index of its first record.
    nodes: Vec<(u64, ::las::copc::Entry)>,
    stride: usize,
    /// The latest nodes decoded, newest last.
    decoded: Mutex<Vec<(usize, Arc<[u8]>)>>,
}

/// A key's place along a Z-order (Morton) curve at its level.
fn z_order(key: &::las::copc::VoxelKey) -> u128 {
    let mut code = 0u128;
    for bit in 0..31 {
        for (axis, v) in [key.x, key.y, key.z].into_iter().enumerate() {
            code |= u128::from((v as u32 >> bit) & 1) << (3 * bit + axis);
        }
    }
    code
}

impl CopcNodes {
    /// Each node's records and bounding sphere, in the file's coordinates less `shift`.
    pub fn spheres(&self, shift: [f64; 3]) -> Vec<super::source::NodeSphere> {
        let Some(info) = &self.cube else {
            return Vec::new();
        };
        self.nodes
            .iter()
            .map(|(first, entry)| {
                let b = entry.key.bounds(info);
                let (min, max) = ([b.min.x, b.min.y, b.min.z], [b.max.x, b.max.y, b.max.z]);
                let center: [f64; 3] = std::array::from_fn(|a| (min[a] + max[a]) / 2.0 - shift[a]);
                let half = (0..3).map(|a| (max[a] - min[a]) / 2.0).fold(0.0, f64::max);
                super::source::NodeSphere {
                    first: *first,
                    count: entry.point_count as u64,
                    center: glam::DVec3::from(center).as_vec3(),
                    radius: (half * 3f64.sqrt()) as f32,
                }
            })
            .collect()
    }

    /// Records `first..` into `into` (a whole number of them).
    pub fn read(&self, first: u64, into: &mut [u8]) -> io::Result<()> {
        let records = (into.len() / self.stride.max(1)) as u64;
        if records == 0 {
            return Ok(());
        }
        let node_of = |at: u64| self.nodes.partition_point(|(start, _)| *start <= at);
        let (Some(from), to) = (node_of(first).checked_sub(1), node_of(first + records - 1)) else {
            return Err(io::Error::other("a read before the first node"));
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut at = first;
        let mut rest = into;
        for batch in (from..to).collect::<Vec<_>>().chunks(threads) {
            for (i, bytes) in batch.iter().zip(self.nodes_decoded(batch)?) {
                let skip = (at - self.nodes[*i].0) as usize * self.stride;
                let n = bytes.len().saturating_sub(skip).min(rest.len());
                rest[..n].copy_from_slice(&bytes[skip..skip + n]);
                rest = &mut rest[n..];
                at += (n / self.stride) as u64;
            }
        }
        if !rest.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("record {at} is past the last octree node"),
            ));
        }
        Ok(())
    }

    /// Nodes `batch`' records: kept from before, or fetched (in file order, one lock) and
    /// decoded (a thread each).
    fn nodes_decoded(&self, batch: &[usize]) -> io::Result<Vec<Arc<[u8]>>> {
        let kept: Vec<Option<Arc<[u8]>>> = {
            let decoded = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
            batch
                .iter()
                .map(|i| decoded.iter().find(|(j, _)| j == i).map(|(_, b)| b.clone()))
                .collect()
        };
        let mut missing: Vec<usize> = (0..batch.len()).filter(|&k| kept[k].is_none()).collect();
        missing.sort_by_key(|&k| self.nodes[batch[k]].1.offset);
        let mut chunks = Vec::with_capacity(missing.len());
        {
            let mut input = self.input.lock();
            for &k in &missing {
                let entry = &self.nodes[batch[k]].1;
                let mut chunk = vec![0; usize::try_from(entry.byte_size).unwrap_or(0)];
                input
                    .seek(SeekFrom::Start(entry.offset))
                    .and_then(|_| input.read_exact(&mut chunk))
                    .map_err(|e| self.node_error(entry, &e))?;
                chunks.push(chunk);
            }
        }
        let decoded: Vec<io::Result<Arc<[u8]>>> = std::thread::scope(|scope| {
            let jobs: Vec<_> = missing
                .iter()
                .zip(&chunks)
                .map(|(&k, chunk)| {
                    let entry = self.nodes[batch[k]].1;
                    scope.spawn(move || self.decode(&entry, chunk))
                })
                .collect();
            jobs.into_iter()
                .map(|j| {
                    j.join()
                        .unwrap_or_else(|_| Err(io::Error::other("a decoder panicked")))
                })
                .collect()
        });
        let mut all = kept;
        let mut cache = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
        for (&k, bytes) in missing.iter().zip(decoded) {
            let bytes = bytes?;
            cache.push((batch[k], bytes.clone()));
            all[k] = Some(bytes);
        }
        let mut kept_bytes: usize = cache.iter().map(|(_, b)| b.len()).sum();
        while kept_bytes > DECODED_BYTES && cache.len() > batch.len() {
            kept_bytes -= cache.remove(0).1.len();
        }
        Ok(all.into_iter().flatten().collect())
    }

    /// One node's chunk decompressed (COPC's point formats compress in layers).
    fn decode(&self, entry: &::las::copc::Entry, chunk: &[u8]) -> io::Result<Arc<[u8]>> {
        use laz::record::{LayeredPointRecordDecompressor, RecordDecompressor};
        let points = usize::try_from(entry.point_count).unwrap_or(0);
        let mut records = vec![0u8; points * self.stride];
        let mut decompressor = LayeredPointRecordDecompressor::new(io::Cursor::new(chunk));
        decompressor
            .set_fields_from(self.vlr.items())
            .map_err(|e| self.node_error(entry, &io::Error::other(e)))?;
        decompressor
            .decompress_many(&mut records)
            .map_err(|e| self.node_error(entry, &e))?;
        Ok(records.into())
    }

    fn node_error(&self, entry: &::las::copc::Entry, e: &io::Error) -> io::Error {
        io::Error::new(
            e.kind(),
            format!(
                "{}: cannot read octree node {:?}: {e}",
                self.path.display(),
                entry.key
            ),
        )
    }
}
