//! Where a COPC file's bytes come from: a file on disk or one at a URL, read by byte ranges
//! from any thread: hierarchy pages and node chunks, many at once.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::load::error::LoadError;
use crate::load::http::{is_url, Ranges, Traffic};
use crate::load::reader::{read_exactly_at, ReadError};

/// Bytes a URL's first request asks for: the header and VLRs every reader reads first, and, in
/// a small file, everything.
const HEAD: u64 = 256 * 1024;

/// A COPC file on disk or at a URL; see the module.
pub enum CopcInput {
    /// On disk: read at offsets, by any thread at once.
    Disk(File, u64),
    /// At a URL: range requests, with the first bytes kept from opening it.
    Remote(Arc<Ranges>, Vec<u8>),
}

impl CopcInput {
    /// Opens `path`, a file or an `http://`/`https://` URL (one request for its first bytes).
    pub fn open(path: &Path) -> Result<CopcInput, LoadError> {
        let io_error = |error| LoadError::Io {
            path: path.to_owned(),
            error,
        };
        if is_url(path) {
            let (ranges, head) = Ranges::open(&path.to_string_lossy(), HEAD).map_err(io_error)?;
            return Ok(CopcInput::Remote(Arc::new(ranges), head));
        }
        let file = crate::load::input::open_file(path)?;
        let len = file.metadata().map_err(io_error)?.len();
        Ok(CopcInput::Disk(file, len))
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            CopcInput::Disk(_, len) => *len,
            CopcInput::Remote(ranges, _) => ranges.len(),
        }
    }

    /// What fetching has cost, for a URL.
    pub fn traffic(&self) -> Option<Arc<Traffic>> {
        match self {
            CopcInput::Disk(..) => None,
            CopcInput::Remote(ranges, _) => Some(ranges.traffic()),
        }
    }

    /// The bytes of each of `ranges` (within the file), in their order: a URL's by coalesced
    /// requests, several in flight (those within its first bytes from them).
    pub fn read_ranges(&self, ranges: &[Range<u64>]) -> io::Result<Vec<Vec<u8>>> {
        let len = self.len();
        if let Some(r) = ranges.iter().find(|r| r.start > r.end || r.end > len) {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "bytes {}..{} are past the end of the file ({len} bytes)",
                    r.start, r.end
                ),
            ));
        }
        match self {
            CopcInput::Disk(file, _) => ranges
                .iter()
                .map(|r| {
                    let mut bytes = vec![0; (r.end - r.start) as usize];
                    read_exactly_at(file, &mut bytes, r.start).map_err(|e| match e {
                        ReadError::Io(e) => e,
                        ReadError::Short(at) => io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("the file ends at byte {at}"),
                        ),
                    })?;
                    Ok(bytes)
                })
                .collect(),
            CopcInput::Remote(remote, head) => {
                let in_head = |r: &Range<u64>| r.end <= head.len() as u64;
                let far: Vec<Range<u64>> = ranges.iter().filter(|r| !in_head(r)).cloned().collect();
                let mut fetched = remote.get_many(&far)?.into_iter();
                Ok(ranges
                    .iter()
                    .map(|r| match in_head(r) {
                        true => head[r.start as usize..r.end as usize].to_vec(),
                        false => fetched.next().unwrap_or_default(),
                    })
                    .collect())
            }
        }
    }

    /// A `Read + Seek` view of the file, for readers that want a stream (the LAS header).
    pub fn stream(&self) -> Stream<'_> {
        Stream {
            input: self,
            pos: 0,
        }
    }
}

/// [`CopcInput::stream`]: each read one range.
pub struct Stream<'a> {
    input: &'a CopcInput,
    pos: u64,
}

impl Read for Stream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = (self.pos + buf.len() as u64).min(self.input.len());
        if end <= self.pos {
            return Ok(0);
        }
        let range = self.pos..end;
        let bytes = self.input.read_ranges(std::slice::from_ref(&range))?;
        let n = bytes[0].len();
        buf[..n].copy_from_slice(&bytes[0]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Stream<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.input.len().checked_add_signed(d),
        };
        self.pos = new
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}
