//! LAS files (ASPRS lidar), versions 1.0 to 1.4, every point format: read as records of a
//! [`Layout`] whose header, record length and point count come from the file's header (through
//! the `las` crate), never from the bounds it states, which real files get wrong.
//!
//! Positions are scaled integers (`stored · scale + offset`), shifted near the origin so float32
//! keeps their detail (aerial tiles sit at 10⁵–10⁶ m); colours are the 16-bit red, green, blue
//! of the point formats that have them. Several writers store 8-bit values in those 16-bit
//! fields: when every sampled channel is at most 255 the colours are taken as 8-bit (times 257).
//! LAS is z-up.

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use super::error::LoadError;
use super::input::open_file;
use super::laz::LazRecords;
use super::source::{ColorScale, Records, VertexSource};
use crate::format::Up;
use crate::format::{Bits, Code, Column, ColumnKind, Layout, Scale};

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

/// The attributes of a point record of `format` that whole bytes hold, as layout fields.
fn attribute_fields(format: u8) -> &'static str {
    match format {
        0 | 2 => "intensity@12:1H scan_angle@16:1b user_data@17:1B point_source_id@18:1H",
        1 | 3..=5 => "intensity@12:1H scan_angle@16:1b user_data@17:1B point_source_id@18:1H gps_time@20:1d",
        _ => "intensity@12:1H classification@16:1B user_data@17:1B scan_angle@18:1h point_source_id@20:1H gps_time@22:1d",
    }
}

/// The attributes of a point record of `format` that are bit fields: return number, number of
/// returns, and (formats 0 to 5) the classification.
fn bit_columns(format: u8) -> Vec<Column> {
    let bits = |name: &str, offset, shift, width| Column {
        bits: Some(Bits { shift, width }),
        ..Column::scalar(name, Code::U8, offset)
    };
    let mut columns = if format <= 5 {
        vec![
            bits("return_number", 14, 0, 3),
            bits("number_of_returns", 14, 3, 3),
            bits("classification", 15, 0, 5),
        ]
    } else {
        vec![
            bits("return_number", 14, 0, 4),
            bits("number_of_returns", 14, 4, 4),
        ]
    };
    for c in &mut columns {
        if c.name == "classification" {
            c.kind = ColumnKind::Classes;
        }
    }
    columns
}

/// Bytes of the standard part of a point record of `format`, after which extra bytes follow.
fn standard_size(format: u8) -> usize {
    [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67][usize::from(format.min(10))]
}

/// A variable-length record of a LAS header: who defined it, which of theirs, its bytes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Vlr {
    pub user: String,
    pub record: u16,
    pub data: Vec<u8>,
}

/// The `count` VLRs that `bytes`, from the header's end to the point data, hold; as many as
/// read whole.
fn parse_vlrs(bytes: &[u8], count: u32) -> Vec<Vlr> {
    let mut at = 0usize;
    let mut out = Vec::new();
    for _ in 0..count {
        // reserved (2), user id (16), record id (2), length after the header (2), description (32).
        let Some(head) = bytes.get(at..at + 54) else {
            break;
        };
        let len = usize::from(u16::from_le_bytes([head[20], head[21]]));
        let Some(data) = bytes.get(at + 54..at + 54 + len) else {
            break;
        };
        out.push(Vlr {
            user: String::from_utf8_lossy(&head[2..18])
                .trim_end_matches('\0')
                .to_owned(),
            record: u16::from_le_bytes([head[18], head[19]]),
            data: data.to_vec(),
        });
        at += 54 + len;
    }
    out
}

/// The VLR `user`'s record `record`, if `vlrs` has it.
pub(crate) fn find_vlr<'a>(vlrs: &'a [Vlr], user: &str, record: u16) -> Option<&'a [u8]> {
    vlrs.iter()
        .find(|v| v.user == user && v.record == record)
        .map(|v| &v.data[..])
}

/// The extra bytes (LAS 1.4's Extra Bytes VLR, user `LASF_Spec`, record 4) of single numbers:
/// name, type and offset in the record. Their scale and offset, if any, are not applied: a
/// colormap over stored values looks the same. VLRs that do not read give none.
fn extra_bytes(vlrs: &[Vlr], format: u8) -> Vec<(String, Code, usize)> {
    let Some(data) = find_vlr(vlrs, "LASF_Spec", 4) else {
        return Vec::new();
    };
    let mut offset = standard_size(format);
    let mut out = Vec::new();
    for d in data.chunks_exact(192) {
        let (kind, options) = (d[2], d[3]);
        let code = match kind {
            1 => Code::U8,
            2 => Code::I8,
            3 => Code::U16,
            4 => Code::I16,
            5 => Code::U32,
            6 => Code::I32,
            7 => Code::U64,
            8 => Code::I64,
            9 => Code::F32,
            10 => Code::F64,
            _ => Code::Pad,
        };
        let size = match kind {
            0 => usize::from(options),
            1..=10 => code.size(),
            // Deprecated arrays of two or three.
            11..=30 => {
                [1, 1, 2, 2, 4, 4, 8, 8, 4, 8][usize::from((kind - 11) % 10)]
                    * (2 + usize::from(kind > 20))
            }
            _ => return out,
        };
        let name: String = String::from_utf8_lossy(&d[4..36])
            .trim_end_matches('\0')
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        if code != Code::Pad {
            out.push((name, code, offset));
        }
        offset += size;
    }
    out
}

/// Opens a LAS file, and says what kind it is.
pub fn open(path: &Path) -> Result<(VertexSource, LasInfo), LoadError> {
    let file = open_file(path)?;
    let LasRecords {
        mut records,
        mut info,
        point_data,
        vlrs,
    } = read_header(path, &file)?;
    let source = if info.compressed {
        // Decompressed records stand from 0, one after the other.
        records.layout = records.layout.with_header(0);
        let record = records.layout.stride();
        // The `laszip encoded` VLR says how the points were compressed.
        let laz = find_vlr(&vlrs, "laszip encoded", 22204)
            .ok_or("compressed points without the 'laszip encoded' VLR that says how".to_owned())
            .and_then(|vlr| LazRecords::new(point_data, vlr, record))
            .map_err(|message| LoadError::Header {
                path: path.to_owned(),
                message,
            })?;
        VertexSource::from_laz(path, file, laz, records)?
    } else {
        VertexSource::from_open_file(path, file, records)?
    };
    info.eight_bit_color = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    Ok((source, info))
}

/// What a LAS header says of its records: their layout (from the byte after the header, where
/// the point data starts), count and columns; what `inspect` says of the file (its colours'
/// scale not yet known); where the point data starts; and its VLRs.
pub(crate) struct LasRecords {
    pub records: Records,
    pub info: LasInfo,
    pub point_data: u64,
    pub vlrs: Vec<Vlr>,
}

/// Reads the LAS header (and its extra bytes' descriptions) at the start of `input`, a file or
/// a remote one, named `path` in errors.
pub(crate) fn read_header<R: Read + Seek>(
    path: &Path,
    mut input: R,
) -> Result<LasRecords, LoadError> {
    let header_error = |message: String| LoadError::Header {
        path: path.to_owned(),
        message,
    };
    input
        .rewind()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?;
    let header = las::raw::Header::read_from(BufReader::new(&mut input))
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
    let mut spec = String::from("pos:3i ") + attribute_fields(format);
    if let Some(at) = color_offset(format) {
        spec += &format!(" rgb@{at}:3H");
    }
    let vlr_start = u64::from(header.header_size);
    let vlr_len = u64::from(header.offset_to_point_data).saturating_sub(vlr_start);
    let mut vlr_bytes = vec![0u8; vlr_len.min(1 << 24) as usize];
    let read = input
        .seek(std::io::SeekFrom::Start(vlr_start))
        .and_then(|_| input.read_exact(&mut vlr_bytes));
    if read.is_err() {
        vlr_bytes.clear();
    }
    let vlrs = parse_vlrs(&vlr_bytes, header.number_of_variable_length_records);
    for (name, code, offset) in extra_bytes(&vlrs, format) {
        // Names the spec cannot hold, and bytes past the record, are left out rather than
        // refusing the file.
        let fits = offset + code.size() <= record;
        if fits && !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            spec += &format!(" {name}@{offset}:1{}", code.as_char());
        }
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
    let records = Records {
        layout: layout.with_header(point_data),
        count: Some(count),
        up: Up::Z,
        color_scale: ColorScale::EightBitIfSmall,
        columns: bit_columns(format),
    };
    let info = LasInfo {
        version: (header.version.major, header.version.minor),
        point_format: format,
        record_length: header.point_data_record_length,
        eight_bit_color: false,
        compressed,
    };
    Ok(LasRecords {
        records,
        info,
        point_data,
        vlrs,
    })
}
