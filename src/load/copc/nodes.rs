//! [`CopcNodes`]: a COPC file's nodes as one run of records, coarsest level first, fetched and
//! decoded as reads reach them. The chunks a read spans are fetched in batches (by coalesced
//! range requests, several in flight, over HTTP) while the batch before is decoded on every
//! core; a few decoded nodes are kept for the next read.

use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use super::hierarchy::{CopcInfo, Node};
use super::input::CopcInput;
use crate::load::source::NodeSphere;

/// Decoded records kept, oldest dropped first: a read that ends inside a node leaves it for
/// the next, and the first levels, which the framing sample, the viewer's first picture and its
/// first pieces all read, are fetched and decoded once (a million 36-byte records fit).
const DECODED_BYTES: usize = 64 << 20;

/// Compressed bytes fetched in one batch: enough for many requests in flight, few enough that
/// decoding starts early and fetching goes on beside it.
const BATCH_BYTES: u64 = 16 << 20;

/// A node's records, or why they could not be read.
type Decoded = io::Result<Arc<[u8]>>;

/// A COPC file's nodes as one run of records; see the module.
pub(crate) struct CopcNodes {
    pub(super) path: PathBuf,
    pub(super) input: CopcInput,
    pub(super) vlr: laz::LazVlr,
    /// The octree's cube.
    pub(super) info: CopcInfo,
    /// The deepest level read (`None`: all of them).
    pub(super) deepest: Option<u32>,
    /// Each node with the index of its first record.
    pub(super) nodes: Vec<(u64, Node)>,
    /// Bytes of a decoded record.
    pub(super) stride: usize,
    /// The latest nodes decoded, newest last.
    pub(super) decoded: Mutex<Vec<(usize, Arc<[u8]>)>>,
}

impl CopcNodes {
    /// Each node's records and bounding sphere, in the file's coordinates less `shift`.
    pub fn spheres(&self, shift: [f64; 3]) -> Vec<NodeSphere> {
        self.nodes
            .iter()
            .map(|(first, node)| {
                let (min, max) = node.key.bounds(&self.info);
                let center: [f64; 3] = std::array::from_fn(|a| (min[a] + max[a]) / 2.0 - shift[a]);
                let half = (max[0] - min[0]) / 2.0;
                NodeSphere {
                    first: *first,
                    count: node.point_count,
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
        let decoded = self.decoded_nodes(from..to)?;
        let mut at = first;
        let mut rest = into;
        for (i, bytes) in (from..to).zip(decoded) {
            let skip = (at - self.nodes[i].0) as usize * self.stride;
            let n = bytes.len().saturating_sub(skip).min(rest.len());
            rest[..n].copy_from_slice(&bytes[skip..skip + n]);
            rest = &mut rest[n..];
            at += (n / self.stride) as u64;
        }
        if !rest.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("record {at} is past the last octree node"),
            ));
        }
        Ok(())
    }

    /// Nodes `wanted`' records: kept from before, or fetched (in batches, the next fetched while
    /// one is decoded) and decoded (on every core).
    fn decoded_nodes(&self, wanted: Range<usize>) -> io::Result<Vec<Arc<[u8]>>> {
        let mut all: Vec<Option<Arc<[u8]>>> = {
            let kept = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
            wanted
                .clone()
                .map(|i| kept.iter().find(|(j, _)| *j == i).map(|(_, b)| b.clone()))
                .collect()
        };
        let missing: Vec<usize> = wanted
            .clone()
            .filter(|&i| all[i - wanted.start].is_none())
            .collect();
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut batch_bytes = 0;
        for &i in &missing {
            let size = self.nodes[i].1.byte_size;
            match batches.last_mut() {
                Some(batch) if batch_bytes + size <= BATCH_BYTES => {
                    batch.push(i);
                    batch_bytes += size;
                }
                _ => {
                    batches.push(vec![i]);
                    batch_bytes = size;
                }
            }
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::scope(|scope| -> io::Result<()> {
            // One batch waits fetched while another is decoded.
            let (send, receive) = mpsc::sync_channel::<io::Result<Vec<Vec<u8>>>>(1);
            let fetching = &batches;
            scope.spawn(move || {
                for batch in fetching {
                    let ranges: Vec<Range<u64>> = batch
                        .iter()
                        .map(|&i| {
                            let node = &self.nodes[i].1;
                            node.offset..node.offset + node.byte_size
                        })
                        .collect();
                    let chunks = self.input.read_ranges(&ranges);
                    let failed = chunks.is_err();
                    if send.send(chunks).is_err() || failed {
                        return;
                    }
                }
            });
            for batch in &batches {
                let chunks = receive
                    .recv()
                    .map_err(|_| io::Error::other("the fetching thread stopped"))?
                    .map_err(|e| self.node_error(&self.nodes[batch[0]].1, &e))?;
                for (&i, bytes) in batch.iter().zip(self.decode_all(batch, &chunks, threads)) {
                    all[i - wanted.start] = Some(bytes?);
                }
            }
            Ok(())
        })?;
        let mut kept = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
        for &i in &missing {
            if let Some(bytes) = &all[i - wanted.start] {
                kept.push((i, bytes.clone()));
            }
        }
        let mut kept_bytes: usize = kept.iter().map(|(_, b)| b.len()).sum();
        while kept_bytes > DECODED_BYTES && kept.len() > 1 {
            kept_bytes -= kept.remove(0).1.len();
        }
        Ok(all.into_iter().flatten().collect())
    }

    /// Nodes `batch`' chunks decoded by up to `threads` threads.
    fn decode_all(&self, batch: &[usize], chunks: &[Vec<u8>], threads: usize) -> Vec<Decoded> {
        let next = AtomicUsize::new(0);
        let out: Mutex<Vec<Option<Decoded>>> = Mutex::new((0..batch.len()).map(|_| None).collect());
        let work = || loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let (Some(&i), Some(chunk)) = (batch.get(k), chunks.get(k)) else {
                return;
            };
            let bytes = self.decode(&self.nodes[i].1, chunk);
            out.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(bytes);
        };
        std::thread::scope(|scope| {
            for _ in 1..threads.min(batch.len()) {
                scope.spawn(work);
            }
            work();
        });
        out.into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(io::Error::other("a node was not decoded"))))
            .collect()
    }

    /// One node's chunk decompressed (COPC's point formats compress in layers).
    fn decode(&self, node: &Node, chunk: &[u8]) -> io::Result<Arc<[u8]>> {
        use laz::record::{LayeredPointRecordDecompressor, RecordDecompressor};
        let len = usize::try_from(node.point_count)
            .ok()
            .and_then(|n| n.checked_mul(self.stride));
        // The count comes from the file: an absurd one is an error, never an abort.
        let mut records = Vec::new();
        len.and_then(|len| records.try_reserve_exact(len).ok().map(|()| len))
            .map(|len| records.resize(len, 0u8))
            .ok_or_else(|| {
                let e =
                    io::Error::other(format!("{} points do not fit in memory", node.point_count));
                self.node_error(node, &e)
            })?;
        let mut decompressor = LayeredPointRecordDecompressor::new(io::Cursor::new(chunk));
        decompressor
            .set_fields_from(self.vlr.items())
            .map_err(|e| self.node_error(node, &io::Error::other(e)))?;
        decompressor
            .decompress_many(&mut records)
            .map_err(|e| self.node_error(node, &e))?;
        Ok(records.into())
    }

    fn node_error(&self, node: &Node, e: &io::Error) -> io::Error {
        let (path, key) = (self.path.display(), node.key);
        io::Error::new(
            e.kind(),
            format!("{path}: cannot read octree node {key}: {e}"),
        )
    }
}
