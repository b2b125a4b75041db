//! Writing COPC (`vertexview convert IN OUT.copc.laz`): any source, of any size, in bounded
//! memory, into a LAZ 1.4 file whose chunks are the nodes of an octree, with the hierarchy that
//! lets a reader fetch only the levels it needs.
//!
//! Built out of core, as PotreeConverter and untwine do, in two stages:
//! 1. One streaming pass over the source decides the top three levels (a bit
//!    per sampling cell) and sets aside on disk (`spill`) the points they keep and, by
//!    subtree, all the others.
//! 2. Each subtree is then divided on its own, on every core: in memory when it fits
//!    ([`MEMORY_POINTS`]), by another streaming pass otherwise. Each finished node is encoded as
//!    LAS records, compressed as one LAZ chunk, and appended to the file (`file`).
//!
//! Memory stays near `threads ×` [`MEMORY_POINTS`] vertices whatever the input's size; the disk
//! needs room for one more copy of the vertices (20 bytes each) beside the output.

mod file;
mod octree;
mod spill;

use std::collections::VecDeque;
use std::io::{self, Seek, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Condvar, Mutex};

use self::file::{Chunk, CopcWriter, Octree, PointFormat};
use self::octree::{Cube, Destination, NodeKey, Pass};
use self::spill::{Blocks, Sorter, Spill};
use crate::format::stats::VertexStats;
use crate::format::vertex::Vertex;
use crate::load::VertexSource;

/// A subtree with at most this many vertices (80 MiB) is divided in memory.
pub const MEMORY_POINTS: u64 = 4 << 20;

/// Vertices read from the source at a time.
const PIECE: u64 = 1 << 16;

/// Writes `source` to `out` as COPC, with `stats` (its exact bounds: the header's scale, offset
/// and bounds, and the octree's cube), setting points aside in a temporary file in `spill_dir`.
/// `progress` is told the steps done out of twice the vertices (each vertex is read once and
/// written once); an error from it stops the write.
pub fn write<W: Write + Seek>(
    source: &VertexSource,
    stats: &VertexStats,
    out: W,
    spill_dir: &Path,
    progress: impl FnMut(u64) -> io::Result<()>,
) -> io::Result<()> {
    write_in(source, stats, out, spill_dir, MEMORY_POINTS, progress)
}

/// [`write`], dividing subtrees of at most `memory` vertices in memory.
fn write_in<W: Write + Seek>(
    source: &VertexSource,
    stats: &VertexStats,
    out: W,
    spill_dir: &Path,
    memory: u64,
    mut progress: impl FnMut(u64) -> io::Result<()>,
) -> io::Result<()> {
    let shift = source.shift();
    let format = las::point::Format::new(if source.has_color() { 7 } else { 6 })
        .map_err(io::Error::other)?;
    let (min, max) = match stats.bounds {
        Some(b) => (
            b.min.to_array().map(f64::from),
            b.max.to_array().map(f64::from),
        ),
        None => ([0.0; 3], [0.0; 3]),
    };
    let cube = Cube::around(min, max);
    let in_file = |p: [f64; 3]| std::array::from_fn(|a| p[a] + shift[a]);
    let point_format = PointFormat {
        format,
        transforms: crate::write::las::transforms(stats, shift),
        min: in_file(min),
        max: in_file(max),
    };
    let mut writer = CopcWriter::new(out, point_format)?;
    let encoder = Encoder {
        shift,
        format,
        transforms: crate::write::las::transforms(stats, shift),
        vlr: writer.vlr().clone(),
    };
    let spill = Spill::new(spill_dir)?;

    let mut done = 0u64;
    let first = if source.len() <= memory {
        let mut all = vec![Vertex::default(); source.len() as usize];
        source.read(0, &mut all).map_err(io::Error::other)?;
        done += source.len();
        progress(done)?;
        vec![Task::Memory(NodeKey::ROOT, all)]
    } else {
        let mut pass = Pass::new(cube, NodeKey::ROOT);
        let mut sorter = Sorter::new(&spill);
        let mut piece = vec![Vertex::default(); PIECE as usize];
        for range in source.pieces(PIECE) {
            let vertices = &mut piece[..(range.end - range.start) as usize];
            source
                .read(range.start, vertices)
                .map_err(io::Error::other)?;
            for v in vertices.iter() {
                sorter.push(pass.place(v), *v)?;
            }
            done = range.end;
            progress(done)?;
        }
        tasks(sorter.finish()?)
    };

    let work = Work::new(first);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (send, chunks) = sync_channel::<io::Result<Chunk>>(2 * threads);
    let written = std::thread::scope(|scope| {
        for _ in 0..threads {
            let shared = Shared {
                cube,
                memory,
                spill: &spill,
                encoder: &encoder,
                send: send.clone(),
                work: &work,
            };
            let (stop, work) = (&stop, &work);
            scope.spawn(move || work.run(stop, |task| task.run(&shared)));
        }
        drop(send);
        let mut written = Ok(());
        for chunk in chunks.iter() {
            let step = chunk.and_then(|chunk| {
                writer.append(&chunk)?;
                done += chunk.points;
                progress(done)
            });
            if let Err(e) = step {
                written = Err(e);
                break;
            }
        }
        // Stops the workers (those blocked sending see the channel closed).
        stop.store(true, Ordering::Relaxed);
        work.wake();
        drop(chunks);
        written
    });
    written?;
    let file_cube = Cube {
        center: in_file(cube.center),
        half: cube.half,
    };
    writer.finish(&Octree { cube: file_cube })?;
    Ok(())
}

/// What a streaming pass leaves: nodes to write, subtrees to divide.
fn tasks(sorted: Vec<(Destination, Blocks)>) -> Vec<Task> {
    let mut tasks: Vec<Task> = sorted
        .into_iter()
        .map(|(destination, blocks)| match destination {
            Destination::Node(key) => Task::Node(key, blocks),
            Destination::Subtree(key) => Task::Subtree(key, blocks),
        })
        .collect();
    // The largest first, so the last to finish is a small one.
    tasks.sort_by_key(|t| std::cmp::Reverse(t.size()));
    tasks
}

/// A piece of the work, for any thread.
enum Task {
    /// A node whose points are all in the spill file: encode and write it.
    Node(NodeKey, Blocks),
    /// A subtree whose points are in the spill file: divide it.
    Subtree(NodeKey, Blocks),
    /// A subtree whose points are in memory: divide it.
    Memory(NodeKey, Vec<Vertex>),
}

impl Task {
    fn size(&self) -> u64 {
        match self {
            Task::Node(_, b) | Task::Subtree(_, b) => b.count,
            Task::Memory(_, v) => v.len() as u64,
        }
    }

    /// Does the task, sending the nodes it finishes; `Err` when the writer has stopped
    /// listening (its error sent, or the write abandoned).
    fn run(self, shared: &Shared) -> Result<(), ()> {
        let Shared {
            cube,
            memory,
            spill,
            encoder,
            send,
            work,
        } = shared;
        let emit = |key: NodeKey, points: &[Vertex]| -> Result<(), ()> {
            send.send(encoder.chunk(key, points)).map_err(|_| ())
        };
        let failed = |e: io::Error| send.send(Err(e)).map_err(|_| ());
        match self {
            Task::Node(key, blocks) => match spill.read_all(&blocks) {
                Ok(points) => emit(key, &points),
                Err(e) => failed(e),
            },
            Task::Subtree(key, blocks) if blocks.count <= *memory => {
                match spill.read_all(&blocks) {
                    Ok(points) => Task::Memory(key, points).run(shared),
                    Err(e) => failed(e),
                }
            }
            Task::Subtree(key, blocks) => {
                let mut pass = Pass::new(*cube, key);
                let mut sorter = Sorter::new(spill);
                let sorted = spill
                    .read(&blocks, |part| {
                        part.iter().try_for_each(|v| sorter.push(pass.place(v), *v))
                    })
                    .and_then(|()| sorter.finish());
                match sorted {
                    Ok(sorted) => {
                        work.add(tasks(sorted));
                        Ok(())
                    }
                    Err(e) => failed(e),
                }
            }
            Task::Memory(key, points) => {
                let mut result = Ok(());
                octree::build(cube, key, points, &mut |key, points| {
                    if result.is_ok() {
                        result = emit(key, &points);
                    }
                });
                result
            }
        }
    }
}

/// What every thread's tasks share.
struct Shared<'a> {
    cube: Cube,
    memory: u64,
    spill: &'a Spill,
    encoder: &'a Encoder,
    send: SyncSender<io::Result<Chunk>>,
    work: &'a Work,
}

/// Tasks shared by the threads, which add to them as they divide subtrees.
struct Work {
    state: Mutex<(VecDeque<Task>, usize)>,
    changed: Condvar,
}

impl Work {
    fn new(tasks: Vec<Task>) -> Work {
        Work {
            state: Mutex::new((tasks.into(), 0)),
            changed: Condvar::new(),
        }
    }

    fn add(&self, tasks: Vec<Task>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.extend(tasks);
        self.changed.notify_all();
    }

    fn wake(&self) {
        let _state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.changed.notify_all();
    }

    /// Runs tasks until there are none left and none running that could add more, or `stop`,
    /// or a task fails (its error already sent).
    fn run(&self, stop: &AtomicBool, mut each: impl FnMut(Task) -> Result<(), ()>) {
        loop {
            let task = {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if let Some(task) = state.0.pop_front() {
                        state.1 += 1;
                        break task;
                    }
                    if state.1 == 0 {
                        return;
                    }
                    state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
                }
            };
            let outcome = each(task);
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.1 -= 1;
            self.changed.notify_all();
            if outcome.is_err() {
                stop.store(true, Ordering::Relaxed);
                return;
            }
        }
    }
}

/// Turns a node's vertices into a LAZ chunk of LAS records.
struct Encoder {
    shift: [f64; 3],
    format: las::point::Format,
    transforms: las::Vector<las::Transform>,
    vlr: laz::LazVlr,
}

impl Encoder {
    fn chunk(&self, key: NodeKey, points: &[Vertex]) -> io::Result<Chunk> {
        let color = self.format.has_color;
        let mut records = Vec::with_capacity(points.len() * usize::from(self.format.len()));
        for v in points {
            crate::write::las::point(v, self.shift, color)
                .into_raw(&self.transforms)
                .and_then(|raw| raw.write_to(&mut records, &self.format))
                .map_err(io::Error::other)?;
        }
        Ok(Chunk {
            key,
            points: points.len() as u64,
            bytes: file::compress(&self.vlr, &records)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;
    use std::io::Cursor;

    /// A deterministic cloud: a noisy sphere shell and a dense clump, so that subtrees differ
    /// widely in size.
    fn cloud(n: u32) -> Vec<Vertex> {
        let mut state = 12345u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        (0..n)
            .map(|i| {
                let (a, b, r) = (
                    next() * std::f32::consts::TAU,
                    next() * std::f32::consts::PI,
                    10.0 + next(),
                );
                let p = if i % 4 == 0 {
                    Vec3::new(next(), next(), next()) * 0.01 + 3.0
                } else {
                    Vec3::new(r * a.cos() * b.sin(), r * a.sin() * b.sin(), r * b.cos())
                };
                Vertex::new(p, [i as u16, (i >> 16) as u16, 7])
            })
            .collect()
    }

    fn sorted(mut points: Vec<([i64; 3], [u16; 3])>) -> Vec<([i64; 3], [u16; 3])> {
        points.sort_unstable();
        points
    }

    /// Streaming passes (nested: the memory limit is far below the input), then subtrees in
    /// memory, on several threads: the file holds every point once, at the position and colour
    /// it had, each node within its cube and a valid COPC hierarchy, as the `las` crate reads it.
    #[test]
    fn every_point_is_written_once_into_its_node() {
        let vertices = cloud(60_000);
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("cloud.bin");
        std::fs::write(&raw, bytemuck::cast_slice(&vertices)).unwrap();
        let source = VertexSource::open(&raw).unwrap();
        let stats = crate::format::stats::VertexStats::of(&vertices);
        let mut out = Cursor::new(Vec::new());
        let mut steps = 0;
        write_in(&source, &stats, &mut out, dir.path(), 3_000, |done| {
            steps = done;
            Ok(())
        })
        .unwrap();
        assert_eq!(steps, 2 * vertices.len() as u64);

        let bytes = out.into_inner();
        let mut reader = las::CopcReader::new(Cursor::new(bytes.clone())).unwrap();
        let info = reader.header().copc_info_vlr().unwrap();
        let entries: Vec<_> = reader.hierarchy_entries().collect();
        assert!(entries.iter().any(|e| e.key.l >= 2 * octree::PASS_LEVELS));
        let t = *reader.header().transforms();
        let mut read = Vec::new();
        for entry in &entries {
            let bounds = entry.key.bounds(&info);
            let points = reader.read_entry(entry).unwrap();
            assert_eq!(points.len(), entry.point_count as usize);
            for p in points.points() {
                let p = p.unwrap();
                let slack = 1e-6;
                assert!(p.x >= bounds.min.x - slack && p.x <= bounds.max.x + slack);
                assert!(p.z >= bounds.min.z - slack && p.z <= bounds.max.z + slack);
                let c = p.color.unwrap();
                let q = [t.x.inverse(p.x), t.y.inverse(p.y), t.z.inverse(p.z)];
                read.push((q.map(|v| i64::from(v.unwrap())), [c.red, c.green, c.blue]));
            }
        }
        let want = vertices
            .iter()
            .map(|v| {
                let p = crate::write::las::point(v, [0.0; 3], true);
                let q = [t.x.inverse(p.x), t.y.inverse(p.y), t.z.inverse(p.z)];
                (q.map(|v| i64::from(v.unwrap())), v.color)
            })
            .collect();
        assert_eq!(sorted(read), sorted(want));
        // The same file reads as plain LAZ too (its chunk table), every point.
        let laz = las::Reader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(laz.header().number_of_points(), vertices.len() as u64);
    }
}
