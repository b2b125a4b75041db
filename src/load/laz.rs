//! LAZ records decompressed on demand: a LAZ file's points are LAS records compressed in
//! chunks, and a chunk table says where each starts, so any range of records can be read by
//! seeking to its chunk and decompressing from there. Each read has its own decompressor over
//! positional reads of the one open file, so several threads decode at once.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::OnceLock;

use laz::laszip::{ChunkTable, ChunkTableEntry};
use laz::{LasZipDecompressor, LazVlr};

use super::reader::read_at;

/// What decompressing a LAZ file's records needs: where its point data starts and how it was
/// compressed (the `laszip encoded` VLR).
#[derive(Clone, Debug)]
pub(crate) struct LazRecords {
    point_data: u64,
    vlr: LazVlr,
    record_len: usize,
    /// The chunk table of a file of variable-sized chunks, read on the first read.
    chunks: OnceLock<Vec<ChunkTableEntry>>,
}

impl LazRecords {
    /// The records of a LAZ file whose point data starts at `point_data`, compressed as `vlr`
    /// (the `laszip encoded` VLR's data) says.
    pub fn new(point_data: u64, vlr: &[u8], record_len: usize) -> Result<LazRecords, String> {
        let vlr =
            LazVlr::from_buffer(vlr).map_err(|e| format!("a LAZ VLR that does not read: {e}"))?;
        Ok(LazRecords {
            point_data,
            vlr,
            record_len,
            chunks: OnceLock::new(),
        })
    }

    /// Records per chunk, where chunks are of one size (LASzip's default 50 000); `None` for
    /// variable-sized chunks.
    pub fn chunk_points(&self) -> Option<u64> {
        (!self.vlr.uses_variable_size_chunks()).then(|| u64::from(self.vlr.chunk_size().max(1)))
    }

    /// Decompresses records `first..` of `file` into `into` (a whole number of records): on
    /// several threads where `into` spans several chunks, each decoding whole chunks of its
    /// own (chunks are compressed independently).
    pub fn read(&self, file: &File, first: u64, into: &mut [u8]) -> io::Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.read_on(threads as u64, file, first, into)
    }

    /// [`read`](Self::read) on at most `threads` threads.
    fn read_on(&self, threads: u64, file: &File, first: u64, into: &mut [u8]) -> io::Result<()> {
        let records = (into.len() / self.record_len) as u64;
        // Fixed chunks split where they start; variable ones in even parts (each part then
        // decodes the start of its first chunk in vain).
        let chunk = self.chunk_points().unwrap_or(MIN_PART);
        let parts = (records / chunk.max(MIN_PART)).clamp(1, threads);
        if parts < 2 {
            return self.read_one(file, first, into);
        }
        let per_part = records.div_ceil(parts).div_ceil(chunk) * chunk;
        let first_chunk_end = (first / chunk + 1) * chunk - first;
        std::thread::scope(|scope| {
            let mut rest = &mut *into;
            let mut at = first;
            let mut jobs = Vec::new();
            while !rest.is_empty() {
                // The first part ends on a chunk boundary; the others are whole chunks.
                let want = if at == first {
                    first_chunk_end + per_part.saturating_sub(chunk)
                } else {
                    per_part
                };
                let n = (want as usize * self.record_len).min(rest.len());
                let (part, tail) = rest.split_at_mut(n);
                let start = at;
                jobs.push(scope.spawn(move || self.read_one(file, start, part)));
                at += (n / self.record_len) as u64;
                rest = tail;
            }
            jobs.into_iter()
                .map(|j| {
                    j.join()
                        .unwrap_or_else(|_| Err(io::Error::other("a decoder panicked")))
                })
                .collect::<io::Result<Vec<()>>>()
                .map(drop)
        })
    }

    /// Decompresses records `first..` of `file` into `into` on this thread.
    fn read_one(&self, file: &File, first: u64, into: &mut [u8]) -> io::Result<()> {
        if into.is_empty() {
            return Ok(());
        }
        debug_assert_eq!(into.len() % self.record_len, 0);
        if self.vlr.uses_variable_size_chunks() {
            return self.read_variable(file, first, into);
        }
        let mut at = At {
            file,
            pos: self.point_data,
        };
        at.seek(SeekFrom::Start(self.point_data))?;
        // The decoder reads a few bytes at a time: buffer them, or every read is a system call.
        let buffered = BufReader::with_capacity(1 << 16, at);
        let mut decompressor =
            LasZipDecompressor::new(buffered, self.vlr.clone()).map_err(io::Error::other)?;
        if first > 0 {
            decompressor.seek(first).map_err(io::Error::other)?;
        }
        decompressor.decompress_many(into)
    }

    /// [`read_one`](Self::read_one) for variable-sized chunks (COPC's, one per octree node).
    /// `laz` 0.13's seek finds the right chunk but skips `first % chunk points` records into
    /// it, which is right only for chunks of one size; so the decoder is given a stream that
    /// starts at the chunk holding `first` instead (with the rest of the chunk table), and
    /// skips the records before `first` itself.
    fn read_variable(&self, file: &File, first: u64, into: &mut [u8]) -> io::Result<()> {
        let table = self.chunk_table(file)?;
        let (mut start, mut offset) = (0u64, self.point_data + ChunkTable::OFFSET_SIZE as u64);
        let mut k = 0;
        while k < table.len() && start + table[k].point_count <= first {
            start += table[k].point_count;
            offset += table[k].byte_count;
            k += 1;
        }
        if k == table.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("record {first} is past the last LAZ chunk"),
            ));
        }
        let mut rest = ChunkTable::default();
        table[k..].iter().for_each(|&e| rest.push(e));
        let mut encoded = Vec::new();
        rest.write_to(&mut encoded, &self.vlr)?;
        let chunks_len: u64 = table[k..].iter().map(|e| e.byte_count).sum();
        let stream = Spliced {
            head: (ChunkTable::OFFSET_SIZE as u64 + chunks_len).to_le_bytes(),
            body: At { file, pos: 0 },
            body_at: offset,
            body_len: chunks_len,
            tail: encoded,
            pos: 0,
        };
        let buffered = BufReader::with_capacity(1 << 16, stream);
        let mut decompressor =
            LasZipDecompressor::new(buffered, self.vlr.clone()).map_err(io::Error::other)?;
        let mut skipped = vec![0; self.record_len];
        for _ in start..first {
            decompressor.decompress_one(&mut skipped)?;
        }
        decompressor.decompress_many(into)
    }

    /// The chunk table (variable-sized chunks), read once.
    fn chunk_table(&self, file: &File) -> io::Result<&[ChunkTableEntry]> {
        if let Some(table) = self.chunks.get() {
            return Ok(table);
        }
        let mut at = At {
            file,
            pos: self.point_data,
        };
        let table = ChunkTable::read_from(&mut at, &self.vlr).map_err(io::Error::other)?;
        Ok(self.chunks.get_or_init(|| table.as_ref().to_vec()))
    }
}

/// A LAZ point-data stream made up for a decoder: an 8-byte chunk-table offset, some of a file's
/// chunks, and a chunk table for them.
struct Spliced<'a> {
    head: [u8; 8],
    body: At<'a>,
    body_at: u64,
    body_len: u64,
    tail: Vec<u8>,
    pos: u64,
}

impl Read for Spliced<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let head = self.head.len() as u64;
        let tail_at = head + self.body_len;
        let n = if self.pos < head {
            let from = &self.head[self.pos as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            n
        } else if self.pos < tail_at {
            let left = (tail_at - self.pos).min(buf.len() as u64) as usize;
            self.body.pos = self.body_at + (self.pos - head);
            self.body.read(&mut buf[..left])?
        } else {
            let from = self
                .tail
                .get((self.pos - tail_at) as usize..)
                .unwrap_or(&[]);
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Spliced<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let len = self.head.len() as u64 + self.body_len + self.tail.len() as u64;
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => len.checked_add_signed(d),
        };
        self.pos = new
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// The fewest records worth a thread of their own.
const MIN_PART: u64 = 50_000;

/// `Read` and `Seek` over positional reads of a shared file: each reader has its own position.
struct At<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let end = || self.file.metadata().map(|m| m.len());
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => end()?.checked_add_signed(d),
        };
        self.pos = new
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A LAZ file of `n` points in chunks of 50 000, x the point's index.
    fn laz(path: &std::path::Path, n: u32) {
        let mut builder = las::Builder::from((1, 2));
        builder.point_format = las::point::Format::new(1).unwrap();
        builder.point_format.is_compressed = true;
        let header = builder.into_header().unwrap();
        let mut writer = las::Writer::from_path(path, header).unwrap();
        for i in 0..n {
            let point = las::Point {
                x: f64::from(i) * 0.01,
                gps_time: Some(0.0),
                ..Default::default()
            };
            writer.write_point(point).unwrap();
        }
        writer.close().unwrap();
    }

    /// Chunks of 7, 50 000, 1 and 123 456 points (as COPC's nodes are), x the point's index:
    /// any range reads its own records, on one thread or several.
    #[test]
    fn variable_chunks_read_from_anywhere() {
        let sizes = [7u64, 50_000, 1, 123_456];
        let n: u64 = sizes.iter().sum();
        let format = las::point::Format::new(1).unwrap();
        let vlr = laz::LazVlrBuilder::default()
            .with_point_format(1, 0)
            .unwrap()
            .with_variable_chunk_size()
            .build();
        let mut stream = std::io::Cursor::new(vec![0u8; 100]);
        stream.set_position(100);
        let mut compressor = laz::LasZipCompressor::new(stream, vlr.clone()).unwrap();
        let mut i = 0u64;
        for size in sizes {
            for _ in 0..size {
                let mut record = Vec::new();
                let raw = las::raw::Point {
                    x: i as i32,
                    gps_time: Some(0.0),
                    ..Default::default()
                };
                raw.write_to(&mut record, &format).unwrap();
                compressor.compress_one(&record).unwrap();
                i += 1;
            }
            compressor.finish_current_chunk().unwrap();
        }
        compressor.done().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("variable.laz");
        std::fs::write(&path, compressor.into_inner().into_inner()).unwrap();
        let file = File::open(&path).unwrap();
        let mut vlr_bytes = Vec::new();
        vlr.write_to(&mut vlr_bytes).unwrap();
        let records = LazRecords::new(100, &vlr_bytes, 28).unwrap();
        assert_eq!(records.chunk_points(), None);
        let x = |r: &[u8]| u64::from(u32::from_le_bytes([r[0], r[1], r[2], r[3]]));
        for (first, count) in [
            (0, n),
            (3, 10),
            (7, 1),
            (50_006, 3),
            (50_007, 123_456),
            (60_000, 100_000),
        ] {
            for threads in [1, 3] {
                let mut into = vec![0u8; count as usize * 28];
                records.read_on(threads, &file, first, &mut into).unwrap();
                let got: Vec<u64> = into.chunks_exact(28).map(x).collect();
                let want: Vec<u64> = (first..first + count).collect();
                assert!(got == want, "{first}+{count} on {threads}");
            }
        }
        let mut past = vec![0u8; 28];
        assert!(records.read_on(1, &file, n, &mut past).is_err());
    }

    #[test]
    fn reads_split_over_threads_give_the_records_one_thread_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.laz");
        laz(&path, 230_000);
        let file = File::open(&path).unwrap();
        let reader = las::Reader::from_path(&path).unwrap();
        let header = reader.header();
        let vlr = header
            .vlrs()
            .iter()
            .find(|v| v.user_id == "laszip encoded")
            .unwrap();
        let point_data = u64::from(header.clone().into_raw().unwrap().offset_to_point_data);
        let records = LazRecords::new(point_data, &vlr.data, 28).unwrap();
        assert_eq!(records.chunk_points(), Some(50_000));
        for (first, n) in [(0u64, 230_000usize), (12_345, 200_000), (49_999, 100_002)] {
            let mut one = vec![0u8; n * 28];
            let mut many = vec![1u8; n * 28];
            records.read_on(1, &file, first, &mut one).unwrap();
            records.read_on(3, &file, first, &mut many).unwrap();
            assert!(one == many, "{first}+{n}");
            // x of the first and the last record read: 0.01 × their indices, stored in
            // thousandths (the builder's default scale).
            let x = |r: &[u8]| i32::from_le_bytes([r[0], r[1], r[2], r[3]]);
            assert_eq!(x(&one[..28]), 10 * first as i32);
            assert_eq!(
                x(&one[(n - 1) * 28..]),
                10 * (first as usize + n - 1) as i32
            );
        }
    }
}
