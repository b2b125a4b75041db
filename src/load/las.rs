//! LAS files (ASPRS lidar), versions 1.0 to 1.4, every point format: read as records of a
//! [`Layout`] whose header, record length and point count come from the file's header (through
//! the `las` crate), never from the bounds it states, which real files get wrong.
//!
//! Positions are scaled integers (`stored · scale + offset`), shifted near the origin so float32
//! keeps their detail (aerial tiles sit at 10⁵–10⁶ m); colours are the 16-bit red, green, blue
//! of the point formats that have them. Several writers store 8-bit values in those 16-bit
//! fields: when every sampled channel is at most 255 the colours are taken as 8-bit (times 257).
//! LAS is z-up.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::error::LoadError;
use super::input::open_file;
use super::laz::LazRecords;
use super::source::{ColorScale, Records, VertexSource};
use crate::format::Up;
use crate::format::{Layout, Scale};

/// What `inspect` says of a LAS file beyond what every file has.
#[derive(Clone, Debug, PartialEq)]
pub struct LasInfo {
    /// `major.minor`.
    pub version: (u8, u8),
    /// Point data record format, 0 to 10.
    pub point_format: u8,
    /// Bytes per point record, extra bytes included.
    pub record_length: u16,
    /// Whether the colours were found to be 8-bit values in 16-bit fields.
    pub eight_bit_color: bool,
    /// Whether the points are compressed (LAZ): decompressed, a chunk at a time, as they are
    /// read.
    pub compressed: bool,
}

/// Offset of red, green, blue within a point record of `format`, for formats that have them.
fn color_offset(format: u8) -> Option<usize> {
    match format {
        2 => Some(20),
        3 | 5 => Some(28),
        7 | 8 | 10 => Some(30),
        _ => None,
    }
}

/// Opens a LAS file, and says what kind it is.
pub fn open(path: &Path) -> Result<(VertexSource, LasInfo), LoadError> {
    let header_error = |message: String| LoadError::Header {
        path: path.to_owned(),
        message,
    };
    let file = open_file(path)?;
    let header = las::raw::Header::read_from(BufReader::new(&file))
        .map_err(|e| header_error(format!("not a readable LAS header: {e}")))?;
    // Bits 6 and 7 of the point format say the points are compressed (LAZ).
    let compressed = header.point_data_record_format & 0xc0 != 0;
    let format = header.point_data_record_format & 0x3f;
    if format > 10 {
        return Err(header_error(format!(
            "point format {format} at byte 104 is not one of LAS's 0 to 10"
        )));
    }
    let count = header
        .large_file
        .map(|l| l.number_of_point_records)
        .filter(|&n| n > 0)
        .unwrap_or(u64::from(header.number_of_point_records));
    let record = usize::from(header.point_data_record_length);
    let mut spec = String::from("pos:3i");
    if let Some(at) = color_offset(format) {
        spec += &format!(" rgb@{at}:3H");
    }
    let scale = Scale {
        scale: [
            header.x_scale_factor,
            header.y_scale_factor,
            header.z_scale_factor,
        ],
        offset: [header.x_offset, header.y_offset, header.z_offset],
    };
    if scale
        .scale
        .iter()
        .chain(&scale.offset)
        .any(|v| !v.is_finite())
    {
        return Err(header_error(
            "the header's scale or offset is not finite".into(),
        ));
    }
    let layout = Layout::parse(&spec)
        .and_then(|l| l.with_stride(record))
        .map_err(|e| {
            header_error(format!(
                "point records of {record} bytes (byte 105) are too short for point format {format}: {e}"
            ))
        })?
        .with_scale(scale);
    let point_data = u64::from(header.offset_to_point_data);
    let mut records = Records {
        layout: layout.with_header(point_data),
        count: Some(count),
        up: Up::Z,
        color_scale: ColorScale::EightBitIfSmall,
    };
    let source = if compressed {
        // Decompressed records stand from 0, one after the other.
        records.layout = records.layout.with_header(0);
        let laz = laz_records(&file, point_data, record).map_err(header_error)?;
        VertexSource::from_laz(path, file, laz, records)?
    } else {
        VertexSource::from_open_file(path, file, records)?
    };
    let eight_bit = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    let info = LasInfo {
        version: (header.version.major, header.version.minor),
        point_format: format,
        record_length: header.point_data_record_length,
        eight_bit_color: eight_bit,
        compressed,
    };
    Ok((source, info))
}

/// How a LAZ file's points were compressed: the `laszip encoded` VLR (record 22204), read from
/// the file already open (later reads are positional, so its offset is free to move).
fn laz_records(file: &File, point_data: u64, record_len: usize) -> Result<LazRecords, String> {
    let mut handle = file
        .try_clone()
        .map_err(|e| format!("cannot read the VLRs: {e}"))?;
    std::io::Seek::rewind(&mut handle).map_err(|e| format!("cannot read the VLRs: {e}"))?;
    let reader = las::Reader::new(BufReader::new(handle))
        .map_err(|e| format!("not a readable LAZ file: {e}"))?;
    let vlr = reader
        .header()
        .vlrs()
        .iter()
        .find(|v| v.user_id == "laszip encoded" && v.record_id == 22204)
        .ok_or("compressed points without the 'laszip encoded' VLR that says how")?;
    LazRecords::new(point_data, &vlr.data, record_len)
}
