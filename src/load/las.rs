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
use super::file::VertexFile;
use super::source::{ColorScale, Converted, Records, VertexSource};
use crate::format::records::shifted_vertices;
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
    /// For a LAZ (compressed) file, how long decoding every point took: it is read whole, and
    /// converted, when it is opened.
    pub decoded_in: Option<std::time::Duration>,
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
    let file = File::open(path).map_err(|error| LoadError::Io {
        path: path.to_owned(),
        error,
    })?;
    let header = las::raw::Header::read_from(BufReader::new(&file))
        .map_err(|e| header_error(format!("not a readable LAS header: {e}")))?;
    if header.point_data_record_format & 0xc0 != 0 {
        return open_compressed(path, file, &header);
    }
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
        .with_header(u64::from(header.offset_to_point_data))
        .with_scale(scale);
    let records = Records {
        layout,
        count: Some(count),
        up: Up::Z,
        color_scale: ColorScale::EightBitIfSmall,
    };
    let source = VertexSource::from_open_file(path, file, records)?;
    let eight_bit = source.decoder().is_some_and(|d| d.color_gain() != 1.0);
    let info = LasInfo {
        version: (header.version.major, header.version.minor),
        point_format: format,
        record_length: header.point_data_record_length,
        eight_bit_color: eight_bit,
        decoded_in: None,
    };
    Ok((source, info))
}

/// Points decoded a step: LASzip's default chunk.
const DECODE_POINTS: u64 = 50_000;

/// A LAZ file: every point decoded (by the `laz` crate, through `las`'s reader) and converted
/// into memory, positions shifted as LAS positions are, colours scaled by 257 where they are
/// 8-bit values in 16-bit fields.
fn open_compressed(
    path: &Path,
    file: File,
    raw: &las::raw::Header,
) -> Result<(VertexSource, LasInfo), LoadError> {
    let failed = |e: las::Error| LoadError::Header {
        path: path.to_owned(),
        message: format!("cannot decode the LAZ points: {e}"),
    };
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    // The header was read through another buffer: start again from the top.
    let mut file = file;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).map_err(|error| LoadError::Io {
        path: path.to_owned(),
        error,
    })?;
    let started = std::time::Instant::now();
    let mut reader = las::Reader::new(BufReader::new(file)).map_err(failed)?;
    let format = raw.point_data_record_format & 0x3f;
    let colored = color_offset(format).is_some();
    let mut positions: Vec<[f64; 3]> = Vec::new();
    let mut colors: Vec<[u16; 3]> = Vec::new();
    let mut data = las::PointDataBuilder::new()
        .for_header(reader.header())
        .build();
    loop {
        let n = reader
            .fill_points(DECODE_POINTS, &mut data)
            .map_err(failed)?;
        if n == 0 {
            break;
        }
        for p in data.points() {
            let p = p.map_err(failed)?;
            positions.push([p.x, p.y, p.z]);
            colors.push(p.color.map_or([0; 3], |c| [c.red, c.green, c.blue]));
        }
    }
    let decoded_in = started.elapsed();
    let eight_bit = colored && {
        let max = colors
            .iter()
            .fold([0u16; 3], |m, c| std::array::from_fn(|i| m[i].max(c[i])));
        max.iter().all(|&c| c <= 255) && max != [0; 3]
    };
    if eight_bit {
        for c in &mut colors {
            *c = c.map(|v| v * 257);
        }
    }
    // Scaled integers: shifted as a LAS file's decoder shifts them.
    let (vertices, shift) = shifted_vertices(&positions, &colors, true);
    let converted = Converted {
        file_len,
        shift,
        colored,
        up: Up::Z,
    };
    let source = VertexSource::converted(VertexFile::from_vertices(path, vertices), converted);
    let info = LasInfo {
        version: (raw.version.major, raw.version.minor),
        point_format: format,
        record_length: raw.point_data_record_length,
        eight_bit_color: eight_bit,
        decoded_in: Some(decoded_in),
    };
    Ok((source, info))
}
