//! LAZ records decompressed on demand: a LAZ file's points are LAS records compressed in
//! chunks, and a chunk table says where each starts, so any range of records can be read by
//! seeking to its chunk and decompressing from there. Each read has its own decompressor over
//! positional reads of the one open file, so several threads decode at once.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use laz::{LasZipDecompressor, LazVlr};

use super::reader::read_at;

/// What decompressing a LAZ file's records needs: where its point data starts and how it was
/// compressed (the `laszip encoded` VLR).
#[derive(Clone, Debug)]
pub(crate) struct LazRecords {
    point_data: u64,
    vlr: LazVlr,
    record_len: usize,
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
        })
    }

    /// Records per chunk, where chunks are of one size (LASzip's default 50 000); `None` for
    /// variable-sized chunks.
    pub fn chunk_points(&self) -> Option<u64> {
        (!self.vlr.uses_variable_size_chunks()).then(|| u64::from(self.vlr.chunk_size().max(1)))
    }

    /// Decompresses records `first..` of `file` into `into` (a whole number of records).
    pub fn read(&self, file: &File, first: u64, into: &mut [u8]) -> io::Result<()> {
        if into.is_empty() {
            return Ok(());
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
        debug_assert_eq!(into.len() % self.record_len, 0);
        decompressor.decompress_many(into)
    }
}

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
