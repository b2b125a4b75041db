//! Points set aside on disk while the octree is built: one unnamed temporary file that blocks of
//! points are appended to, each block belonging to one key (an octree node, or a subtree still
//! to be divided), so that a pass over many millions of points keeps only a small buffer per key
//! in memory, and each key's points can be read back, block by block, once the pass is over.

use std::collections::HashMap;
use std::fs::File;
use std::hash::Hash;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use crate::format::vertex::Vertex;

/// Vertices a key buffers before they go to disk as one block: 40 KiB, so that a pass over
/// hundreds of keys holds some tens of MiB, and blocks are large enough to read back quickly.
const BLOCK: usize = 2048;

/// The temporary file, shared by the threads that build subtrees.
pub struct Spill {
    file: File,
    /// Where the next block goes, and the writing handle; blocks are read with positioned reads
    /// that need no lock.
    end: Mutex<u64>,
}

/// Where one key's vertices lie in the spill file.
#[derive(Clone, Debug, Default)]
pub struct Blocks {
    /// (offset, vertices) of each block, in the order written.
    blocks: Vec<(u64, usize)>,
    /// Vertices in all of them.
    pub count: u64,
}

impl Spill {
    /// A new spill file in `dir` (beside the output, where there is room for another copy of it:
    /// a temporary folder is often memory), already unlinked, so nothing is left if the process
    /// ends early.
    pub fn new(dir: &Path) -> io::Result<Spill> {
        Ok(Spill {
            file: tempfile::tempfile_in(dir)?,
            end: Mutex::new(0),
        })
    }

    /// Appends `vertices` as one block, returning where it went.
    fn append(&self, vertices: &[Vertex]) -> io::Result<u64> {
        let bytes: &[u8] = bytemuck::cast_slice(vertices);
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        let at = *end;
        write_at(&self.file, bytes, at)?;
        *end += bytes.len() as u64;
        Ok(at)
    }

    /// Reads `blocks` back, one block at a time, into `each`.
    pub fn read(
        &self,
        blocks: &Blocks,
        mut each: impl FnMut(&[Vertex]) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut block = vec![Vertex::default(); BLOCK];
        for &(at, n) in &blocks.blocks {
            let part = &mut block[..n];
            read_at(&self.file, bytemuck::cast_slice_mut(part), at)?;
            each(part)?;
        }
        Ok(())
    }

    /// Reads `blocks` back into one vector.
    pub fn read_all(&self, blocks: &Blocks) -> io::Result<Vec<Vertex>> {
        let mut all = Vec::with_capacity(blocks.count as usize);
        self.read(blocks, |part| {
            all.extend_from_slice(part);
            Ok(())
        })?;
        Ok(all)
    }
}

/// Vertices sorted by key during one pass: a buffer per key, written to the spill as it fills.
pub struct Sorter<'a, K> {
    spill: &'a Spill,
    keys: HashMap<K, (Vec<Vertex>, Blocks)>,
}

impl<'a, K: Eq + Hash + Copy> Sorter<'a, K> {
    /// An empty sorter writing to `spill`.
    pub fn new(spill: &'a Spill) -> Self {
        Sorter {
            spill,
            keys: HashMap::new(),
        }
    }

    /// Adds `vertex` under `key`.
    pub fn push(&mut self, key: K, vertex: Vertex) -> io::Result<()> {
        let (buffer, blocks) = self.keys.entry(key).or_default();
        buffer.push(vertex);
        if buffer.len() == BLOCK {
            flush(self.spill, buffer, blocks)?;
        }
        Ok(())
    }

    /// Every key's blocks, its last buffer written.
    pub fn finish(self) -> io::Result<Vec<(K, Blocks)>> {
        let mut done = Vec::with_capacity(self.keys.len());
        for (key, (mut buffer, mut blocks)) in self.keys {
            flush(self.spill, &mut buffer, &mut blocks)?;
            done.push((key, blocks));
        }
        Ok(done)
    }
}

fn flush(spill: &Spill, buffer: &mut Vec<Vertex>, blocks: &mut Blocks) -> io::Result<()> {
    if buffer.is_empty() {
        return Ok(());
    }
    let at = spill.append(buffer)?;
    blocks.blocks.push((at, buffer.len()));
    blocks.count += buffer.len() as u64;
    buffer.clear();
    Ok(())
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut at: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn each_key_reads_back_what_it_was_given_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path()).unwrap();
        let mut sorter = Sorter::new(&spill);
        for i in 0..10_000u32 {
            let v = Vertex::new(Vec3::splat(i as f32), [i as u16; 3]);
            sorter.push(i % 3, v).unwrap();
        }
        let mut keys = sorter.finish().unwrap();
        keys.sort_by_key(|(k, _)| *k);
        for (key, blocks) in keys {
            let all = spill.read_all(&blocks).unwrap();
            assert_eq!(blocks.count, all.len() as u64);
            let expected: Vec<f32> = (0..10_000u32)
                .filter(|i| i % 3 == key)
                .map(|i| i as f32)
                .collect();
            let got: Vec<f32> = all.iter().map(|v| v.position.x).collect();
            assert_eq!(got, expected);
        }
    }
}
