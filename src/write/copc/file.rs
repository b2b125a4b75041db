//! The COPC file itself: a LAS 1.4 header, COPC's info VLR first (at byte 375, as the
//! specification requires), the LAZ VLR for variable-sized chunks, the point data as one LAZ
//! chunk per octree node (in the order they are finished, which need not be the tree's), the
//! LAZ chunk table (so the file also reads as plain LAZ), and the hierarchy as one EVLR. The
//! header and info VLR are written last, once the counts, offsets and bounds are known.

use std::io::{self, Cursor, Seek, SeekFrom, Write};

use las::raw::vlr::RecordLength;
use laz::laszip::{ChunkTable, ChunkTableEntry};
use laz::{LasZipCompressor, LazVlr, LazVlrBuilder};

use super::octree::{Cube, NodeKey};

/// LAS 1.4's header size.
const HEADER_SIZE: u16 = 375;
/// A VLR's header.
const VLR_HEADER: u64 = 54;
/// An EVLR's header (its payload length is 64-bit).
const EVLR_HEADER: u64 = 60;
/// COPC's info VLR's payload.
const INFO_SIZE: u64 = 160;
/// A hierarchy entry: key (4 × i32), offset (u64), bytes (i32), points (i32).
const ENTRY_SIZE: usize = 32;

/// How the points are stored: LAS point format 7 (with colour) or 6, and the coordinates' scale
/// and offset, with the bounds for the header.
pub struct PointFormat {
    pub format: las::point::Format,
    pub transforms: las::Vector<las::Transform>,
    /// Smallest and largest coordinates, in the file's own units.
    pub min: [f64; 3],
    pub max: [f64; 3],
}

/// The octree's cube for the info VLR, in the file's own coordinates.
pub struct Octree {
    pub cube: Cube,
}

/// One node's points as LAS records, compressed into one LAZ chunk: what a writing thread
/// hands the file.
pub struct Chunk {
    pub key: NodeKey,
    pub points: u64,
    pub bytes: Vec<u8>,
}

/// The LAZ VLR for `format`: the point format's standard items, chunks of any size.
pub fn laz_vlr(format: &las::point::Format) -> io::Result<LazVlr> {
    let id = format.to_u8().map_err(io::Error::other)?;
    Ok(LazVlrBuilder::default()
        .with_point_format(id, format.extra_bytes)
        .map_err(io::Error::other)?
        .with_variable_chunk_size()
        .build())
}

/// `records` (LAS point records of `vlr`'s format, back to back) compressed as one LAZ chunk.
pub fn compress(vlr: &LazVlr, records: &[u8]) -> io::Result<Vec<u8>> {
    let mut compressor = LasZipCompressor::new(
        Cursor::new(Vec::with_capacity(records.len() / 4)),
        vlr.clone(),
    )
    .map_err(io::Error::other)?;
    compressor.compress_many(records)?;
    compressor.finish_current_chunk()?;
    let stream = compressor.into_inner().into_inner();
    // The stream starts with the (unwritten) offset of its chunk table; the chunk follows.
    Ok(stream[ChunkTable::OFFSET_SIZE..].to_vec())
}

/// A COPC file being written.
pub struct CopcWriter<W: Write + Seek> {
    out: W,
    format: PointFormat,
    vlr: LazVlr,
    table: ChunkTable,
    /// (key, offset, bytes, points) of each node.
    entries: Vec<(NodeKey, u64, u64, u64)>,
    /// Where the next chunk goes.
    end: u64,
    point_data: u64,
}

impl<W: Write + Seek> CopcWriter<W> {
    /// Starts the file: room for the header and VLRs, and for the chunk table's offset.
    pub fn new(mut out: W, format: PointFormat) -> io::Result<Self> {
        let vlr = laz_vlr(&format.format)?;
        let point_data =
            u64::from(HEADER_SIZE) + VLR_HEADER + INFO_SIZE + VLR_HEADER + laz_len(&vlr)?;
        out.seek(SeekFrom::Start(0))?;
        out.write_all(&vec![0; point_data as usize + ChunkTable::OFFSET_SIZE])?;
        Ok(CopcWriter {
            out,
            format,
            vlr,
            table: ChunkTable::default(),
            entries: Vec::new(),
            end: point_data + ChunkTable::OFFSET_SIZE as u64,
            point_data,
        })
    }

    /// The LAZ VLR the chunks must be compressed with.
    pub fn vlr(&self) -> &LazVlr {
        &self.vlr
    }

    /// Appends one node's chunk.
    pub fn append(&mut self, chunk: &Chunk) -> io::Result<()> {
        if chunk.points == 0 {
            return Ok(());
        }
        self.out.write_all(&chunk.bytes)?;
        let size = chunk.bytes.len() as u64;
        self.table.push(ChunkTableEntry {
            point_count: chunk.points,
            byte_count: size,
        });
        self.entries.push((chunk.key, self.end, size, chunk.points));
        self.end += size;
        Ok(())
    }

    /// Ends the file: the chunk table, the hierarchy, then the header and VLRs in front.
    pub fn finish(mut self, octree: &Octree) -> io::Result<W> {
        let table_at = self.end;
        self.table.write_to(&mut self.out, &self.vlr)?;
        let hierarchy_at = self.out.stream_position()?;
        // Parents before children, as readers that walk the tree expect to meet them.
        self.entries.sort_by_key(|e| e.0);
        let mut hierarchy = Vec::with_capacity(self.entries.len() * ENTRY_SIZE);
        for &(key, offset, bytes, points) in &self.entries {
            for v in [key.level, key.x, key.y, key.z] {
                hierarchy.extend_from_slice(&v.to_le_bytes());
            }
            hierarchy.extend_from_slice(&offset.to_le_bytes());
            hierarchy.extend_from_slice(&int(bytes)?.to_le_bytes());
            hierarchy.extend_from_slice(&int(points)?.to_le_bytes());
        }
        let page = (hierarchy_at + EVLR_HEADER, hierarchy.len() as u64);
        vlr(1000, "EPT hierarchy", RecordLength::Evlr(page.1), hierarchy)
            .write_to(&mut self.out)
            .map_err(io::Error::other)?;
        let points: u64 = self.entries.iter().map(|e| e.3).sum();

        self.out.seek(SeekFrom::Start(0))?;
        self.header(points, hierarchy_at)
            .write_to(&mut self.out)
            .map_err(io::Error::other)?;
        let info = info(octree, page);
        vlr(
            1,
            "COPC info VLR",
            RecordLength::Vlr(INFO_SIZE as u16),
            info,
        )
        .write_to(&mut self.out)
        .map_err(io::Error::other)?;
        let mut laz = Vec::new();
        self.vlr.write_to(&mut laz)?;
        let laz = las::raw::Vlr {
            user_id: name(LazVlr::USER_ID),
            record_id: LazVlr::RECORD_ID,
            record_length_after_header: RecordLength::Vlr(laz.len() as u16),
            description: name(LazVlr::DESCRIPTION),
            data: laz,
            ..Default::default()
        };
        laz.write_to(&mut self.out).map_err(io::Error::other)?;
        debug_assert_eq!(self.out.stream_position()?, self.point_data);
        self.out.write_all(&table_at.to_le_bytes())?;
        self.out.seek(SeekFrom::End(0))?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn header(&self, points: u64, evlr_at: u64) -> las::raw::Header {
        let f = &self.format;
        let t = &f.transforms;
        let mut by_return = [0; 15];
        by_return[0] = points;
        las::raw::Header {
            // WKT, as LAS 1.4 requires of point formats 6 and above.
            global_encoding: 1 << 4,
            version: las::Version::new(1, 4),
            system_identifier: name("vertexview"),
            generating_software: name(&format!("vertexview {}", env!("CARGO_PKG_VERSION"))),
            header_size: HEADER_SIZE,
            offset_to_point_data: self.point_data as u32,
            number_of_variable_length_records: 2,
            point_data_record_format: f.format.to_u8().unwrap_or(7) | 0x80,
            point_data_record_length: f.format.len(),
            // Formats 6 and above leave the legacy counts at zero.
            number_of_point_records: 0,
            number_of_points_by_return: [0; 5],
            x_scale_factor: t.x.scale,
            y_scale_factor: t.y.scale,
            z_scale_factor: t.z.scale,
            x_offset: t.x.offset,
            y_offset: t.y.offset,
            z_offset: t.z.offset,
            max_x: f.max[0],
            min_x: f.min[0],
            max_y: f.max[1],
            min_y: f.min[1],
            max_z: f.max[2],
            min_z: f.min[2],
            start_of_waveform_data_packet_record: Some(0),
            evlr: Some(las::raw::header::Evlr {
                start_of_first_evlr: evlr_at,
                number_of_evlrs: 1,
            }),
            large_file: Some(las::raw::header::LargeFile {
                number_of_point_records: points,
                number_of_points_by_return: by_return,
            }),
            ..Default::default()
        }
    }
}

/// The LAZ VLR's payload length.
fn laz_len(vlr: &LazVlr) -> io::Result<u64> {
    let mut bytes = Vec::new();
    vlr.write_to(&mut bytes)?;
    Ok(bytes.len() as u64)
}

/// COPC's info VLR payload: the cube, the root's spacing, the hierarchy's root page, GPS time
/// (none: zero), and reserved zeros.
fn info(octree: &Octree, (page_at, page_len): (u64, u64)) -> Vec<u8> {
    let c = &octree.cube;
    let mut bytes = Vec::with_capacity(INFO_SIZE as usize);
    for v in [c.center[0], c.center[1], c.center[2], c.half, c.spacing()] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes.extend_from_slice(&page_at.to_le_bytes());
    bytes.extend_from_slice(&page_len.to_le_bytes());
    bytes.resize(INFO_SIZE as usize, 0);
    bytes
}

fn vlr(record_id: u16, description: &str, length: RecordLength, data: Vec<u8>) -> las::raw::Vlr {
    las::raw::Vlr {
        user_id: name("copc"),
        record_id,
        record_length_after_header: length,
        description: name(description),
        data,
        ..Default::default()
    }
}

/// `s` in a fixed-size, zero-padded LAS text field.
fn name<const N: usize>(s: &str) -> [u8; N] {
    let mut field = [0; N];
    let n = s.len().min(N);
    field[..n].copy_from_slice(&s.as_bytes()[..n]);
    field
}

fn int(n: u64) -> io::Result<i32> {
    i32::try_from(n).map_err(|_| io::Error::other("an octree node is larger than COPC allows"))
}
