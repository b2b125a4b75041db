//! Writing LAS and LAZ: what `vertexview convert OUT.las` and `OUT.laz` write, from any source,
//! in bounded memory, through the `las` crate's writer (and its `laz` feature's compressor).

use std::io::{self, BufWriter, Seek, Write};

use crate::format::stats::VertexStats;
use crate::format::vertex::Vertex;
use crate::load::VertexSource;

/// LAS 1.4 with point format 7 (coordinates, time, RGB) for a source with colours, 6 without:
/// the formats every current reader takes, compressed or not, and with 64-bit point counts.
const VERSION: (u8, u8) = (1, 4);

/// Steps of a coordinate over half its extent: 2³⁰ of them, so the 32-bit integers LAS stores
/// are finer than float32's steps for every value within a 256th of the largest (see
/// [`transform`]).
const STEPS: f64 = (1u64 << 30) as f64;

/// Vertices read and written at a time.
const PIECE: u64 = 1 << 16;

/// Writes `source`'s vertices to `file` (seekable: the header is completed last) as LAS, or LAZ
/// when `compressed`, with `stats` (exact: the header's scale and offset come from its bounds)
/// and `progress` told the vertices written. Positions are written in the file's own
/// coordinates (what was subtracted on reading added back), on a grid finer than float32's for
/// all but the smallest values; colours as they are, 16 bits a channel.
pub fn write<W: Write + Seek + Send + Sync + 'static>(
    source: &VertexSource,
    stats: &VertexStats,
    file: W,
    compressed: bool,
    mut progress: impl FnMut(u64),
) -> io::Result<()> {
    let shift = source.shift();
    let mut builder = las::Builder::from(VERSION);
    let format = if source.has_color() { 7 } else { 6 };
    builder.point_format = las::point::Format::new(format).map_err(io::Error::other)?;
    builder.point_format.is_compressed = compressed;
    builder.generating_software = format!("vertexview {}", env!("CARGO_PKG_VERSION"));
    builder.transforms = transforms(stats, shift);
    let header = builder.into_header().map_err(io::Error::other)?;
    let mut writer = las::Writer::new(BufWriter::with_capacity(1 << 20, file), header)
        .map_err(io::Error::other)?;
    let mut piece = vec![Vertex::default(); PIECE as usize];
    for range in source.pieces(PIECE) {
        let vertices = &mut piece[..(range.end - range.start) as usize];
        source
            .read(range.start, vertices)
            .map_err(io::Error::other)?;
        for v in vertices.iter() {
            writer
                .write_point(point(v, shift, format == 7))
                .map_err(io::Error::other)?;
        }
        progress(range.end);
    }
    writer.close().map_err(io::Error::other)
}

/// The scale and offset of each coordinate for vertices within `stats`' bounds, in the file's
/// own coordinates (`shift` added back).
pub(crate) fn transforms(stats: &VertexStats, shift: [f64; 3]) -> las::Vector<las::Transform> {
    let [x, y, z]: [las::Transform; 3] = std::array::from_fn(|axis| {
        let (low, high) = match stats.bounds {
            Some(b) => (f64::from(b.min[axis]), f64::from(b.max[axis])),
            None => (0.0, 0.0),
        };
        transform(low + shift[axis], high + shift[axis])
    });
    las::Vector { x, y, z }
}

/// The LAS point for `v`: at its position in the file's coordinates, a first and only return,
/// with its colour when `color`.
pub(crate) fn point(v: &Vertex, shift: [f64; 3], color: bool) -> las::Point {
    let [red, green, blue] = v.color;
    las::Point {
        x: f64::from(v.position.x) + shift[0],
        y: f64::from(v.position.y) + shift[1],
        z: f64::from(v.position.z) + shift[2],
        return_number: 1,
        number_of_returns: 1,
        gps_time: Some(0.0),
        color: color.then_some(las::Color { red, green, blue }),
        ..Default::default()
    }
}

/// The scale and offset of a coordinate from `low` to `high`: centred, [`STEPS`] steps over
/// half the extent, the step a power of two so that values on float32's grid land on it.
fn transform(low: f64, high: f64) -> las::Transform {
    let (low, high) = if low.is_finite() && high.is_finite() {
        (low, high)
    } else {
        (0.0, 0.0)
    };
    let offset = ((low + high) / 2.0).round();
    let half = (high - offset).abs().max((low - offset).abs()).max(1e-9);
    las::Transform {
        scale: 2f64.powi((half / STEPS).log2().ceil() as i32),
        offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_covers_the_extent_in_powers_of_two() {
        let t = transform(-1.0, 1.0);
        assert_eq!(t.offset, 0.0);
        assert_eq!(t.scale, 2f64.powi(-30));
        let t = transform(635_616.31, 638_864.3);
        assert_eq!(t.offset, 637_240.0);
        assert!(t.scale.log2().fract() == 0.0);
        // Every value of the range fits a 32-bit integer.
        for x in [635_616.31, 638_864.3] {
            let i = ((x - t.offset) / t.scale).round();
            assert!(i.abs() < f64::from(i32::MAX), "{x}: {i}");
        }
        assert_eq!(transform(f64::NAN, 1.0).offset, 0.0);
        assert_eq!(transform(5.0, 5.0).offset, 5.0);
    }
}
