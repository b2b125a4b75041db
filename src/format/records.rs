//! Records of any [`Layout`] as default vertices: what statistics, the readout's neighbours and
//! the CPU see, and what is uploaded when the GPU cannot read the records in place.
//!
//! Positions far from the origin (LAS tiles at 10⁵–10⁶ m, `d` positions in scans) would lose
//! their detail in float32; they are shifted by a whole-number [`Decoder::shift`] first, and the
//! shift is said wherever coordinates are shown.

use super::code::Code;
use super::column::Column;
use super::layout::{Endian, Layout};
use super::vertex::{Vertex, STRIDE};

/// A column a decoder writes into every vertex besides its position and colour, so that the
/// GPU can colour converted records by it.
#[derive(Clone, Debug, PartialEq)]
pub enum Carried {
    /// A scalar, into the two padding bytes (at byte 18) as a half float of
    /// `(value − base) / step`: whole numbers exactly up to 2048 steps, others to one part in
    /// 2048 of `step · 2048`, and values far outside that range still finite.
    Scalar {
        /// The column.
        column: Column,
        /// The value stored as 0.
        base: f64,
        /// The value of one stored unit.
        step: f64,
    },
    /// A vector, into the colour: each component's `(value − lo) / (hi − lo)`, clamped to 0 to
    /// 1, in 16 bits.
    Vector {
        /// The column.
        column: Column,
        /// The value stored as 0.
        lo: f64,
        /// The value stored as 65535.
        hi: f64,
    },
}

/// Byte offset of the padding in a vertex, where [`Carried::Scalar`] goes.
pub const CARRIED_OFFSET: u32 = (STRIDE - 2) as u32;

/// Turns records of one layout into vertices.
#[derive(Clone, Debug)]
pub struct Decoder {
    layout: Layout,
    shift: [f64; 3],
    color_gain: f64,
    carried: Option<Carried>,
}

impl Decoder {
    /// A decoder for `layout` subtracting `shift` from positions and multiplying colours (from 0
    /// to 1) by `color_gain` (257 for 8-bit values stored in 16-bit fields).
    pub fn new(layout: Layout, shift: [f64; 3], color_gain: f64) -> Decoder {
        Decoder {
            layout,
            shift,
            color_gain,
            carried: None,
        }
    }

    /// This decoder, writing `carried` into every vertex too.
    pub fn carrying(self, carried: Option<Carried>) -> Decoder {
        Decoder { carried, ..self }
    }

    /// The column written besides position and colour, if any.
    pub fn carried(&self) -> Option<&Carried> {
        self.carried.as_ref()
    }

    /// The layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// What is subtracted from every position before it becomes float32.
    pub fn shift(&self) -> [f64; 3] {
        self.shift
    }

    /// What colours are multiplied by.
    pub fn color_gain(&self) -> f64 {
        self.color_gain
    }

    /// Decodes the records in `bytes` (whole records; the last may lack its trailing padding)
    /// into `out`, one vertex a record.
    pub fn decode(&self, bytes: &[u8], out: &mut [Vertex]) {
        let stride = self.layout.stride();
        let fast = self.shift == [0.0; 3]
            && self.color_gain == 1.0
            && self.layout.endian() == Endian::Little
            && self.layout.scale().is_none()
            && self.layout.position().code == Code::F32;
        // Whole records in one tight loop where the layout allows; a short last record (and
        // every record of other layouts) one at a time.
        let whole = (bytes.len() / stride).min(out.len());
        let done = if fast && self.decode_common(&bytes[..whole * stride], &mut out[..whole]) {
            whole
        } else {
            0
        };
        for (i, v) in out.iter_mut().enumerate().skip(done) {
            let start = i * stride;
            let record = &bytes[start.min(bytes.len())..(start + stride).min(bytes.len())];
            *v = if fast {
                self.decode_fast(record)
            } else {
                self.decode_one(record)
            };
        }
        if let Some(carried) = &self.carried {
            self.carry(carried, bytes, out);
        }
    }

    /// Writes `carried` of each record into its vertex.
    fn carry(&self, carried: &Carried, bytes: &[u8], out: &mut [Vertex]) {
        let stride = self.layout.stride();
        for (i, v) in out.iter_mut().enumerate() {
            let start = (i * stride).min(bytes.len());
            let record = &bytes[start..(start + stride).min(bytes.len())];
            match carried {
                Carried::Scalar { column, base, step } => {
                    let value = column.value(&self.layout, record, 0);
                    let stored = half::f16::from_f64((value - base) / step);
                    v.set_padding(stored.to_bits());
                }
                Carried::Vector { column, lo, hi } => {
                    let span = hi - lo;
                    v.color = std::array::from_fn(|c| {
                        let t = (column.value(&self.layout, record, c) - lo) / span;
                        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
                        (t * 65535.0).round() as u16
                    });
                }
            }
        }
    }

    /// The commonest records (float32 position, 8- or 16-bit colour or none), whole ones, in
    /// one tight loop; `false` for others.
    fn decode_common(&self, bytes: &[u8], out: &mut [Vertex]) -> bool {
        let stride = self.layout.stride();
        let p = self.layout.position().offset;
        let f = |r: &[u8], at: usize| f32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
        let records = bytes.chunks_exact(stride).zip(out.iter_mut());
        match self.layout.color().map(|c| (c.code, c.offset)) {
            Some((Code::U8, c)) => {
                for (r, v) in records {
                    let rgb = [
                        u16::from(r[c]) * 257,
                        u16::from(r[c + 1]) * 257,
                        u16::from(r[c + 2]) * 257,
                    ];
                    *v = Vertex::new(glam::Vec3::new(f(r, p), f(r, p + 4), f(r, p + 8)), rgb);
                }
            }
            Some((Code::U16, c)) => {
                for (r, v) in records {
                    let h = |at: usize| u16::from_le_bytes([r[at], r[at + 1]]);
                    let rgb = [h(c), h(c + 2), h(c + 4)];
                    *v = Vertex::new(glam::Vec3::new(f(r, p), f(r, p + 4), f(r, p + 8)), rgb);
                }
            }
            None => {
                for (r, v) in records {
                    *v = Vertex::new(glam::Vec3::new(f(r, p), f(r, p + 4), f(r, p + 8)), [0; 3]);
                }
            }
            Some(_) => return false,
        }
        true
    }

    /// The common case: little-endian float32 positions, colours of any kind.
    fn decode_fast(&self, record: &[u8]) -> Vertex {
        let p = self.layout.position().offset;
        let f32_at = |at: usize| {
            record
                .get(at..at + 4)
                .map_or(0.0, |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let position = glam::Vec3::new(f32_at(p), f32_at(p + 4), f32_at(p + 8));
        let color = match self.layout.color() {
            Some(c) if c.code == Code::U8 => {
                let at = |i: usize| u16::from(record.get(c.offset + i).copied().unwrap_or(0)) * 257;
                [at(0), at(1), at(2)]
            }
            Some(c) if c.code == Code::U16 => {
                let at = |i: usize| {
                    record
                        .get(c.offset + 2 * i..c.offset + 2 * i + 2)
                        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
                };
                [at(0), at(1), at(2)]
            }
            _ => self.color_of(record),
        };
        Vertex::new(position, color)
    }

    fn decode_one(&self, record: &[u8]) -> Vertex {
        let p = self.layout.read_position(record);
        let position = glam::Vec3::new(
            (p[0] - self.shift[0]) as f32,
            (p[1] - self.shift[1]) as f32,
            (p[2] - self.shift[2]) as f32,
        );
        Vertex::new(position, self.color_of(record))
    }

    fn color_of(&self, record: &[u8]) -> [u16; 3] {
        match self.layout.read_color(record) {
            Some(c) => c.map(|v| ((v * self.color_gain).clamp(0.0, 1.0) * 65535.0).round() as u16),
            None => [0; 3],
        }
    }
}

/// Coordinates beyond this are shifted: float32's step there is about a millimetre.
pub const SHIFT_BEYOND: f64 = 10_000.0;

/// A whole-number shift that keeps positions near `first` (the file's first finite position)
/// within float32's detail: zero for data near the origin, and for layouts whose positions are
/// float32 or half already (their detail is already what it is).
pub fn shift_for(layout: &Layout, first: Option<[f64; 3]>) -> [f64; 3] {
    let wide = layout.scale().is_some() || !matches!(layout.position().code, Code::F32 | Code::F16);
    match first {
        Some(p) if wide && p.iter().any(|v| v.abs() > SHIFT_BEYOND) => {
            p.map(|v| if v.is_finite() { v.round() } else { 0.0 })
        }
        _ => [0.0; 3],
    }
}

/// Positions in a file's coordinates, with their colours, as default records: shifted first
/// where they are `wide` (float64 or scaled, not float32 already) and beyond [`SHIFT_BEYOND`]
/// (by the first finite one, rounded), as a decoder shifts them. Returns the shift too.
pub fn shifted_vertices(
    positions: &[[f64; 3]],
    colors: &[[u16; 3]],
    wide: bool,
) -> (Vec<Vertex>, [f64; 3]) {
    let first = positions.iter().find(|p| p.iter().all(|v| v.is_finite()));
    let shift = match first {
        Some(p) if wide && p.iter().any(|v| v.abs() > SHIFT_BEYOND) => p.map(f64::round),
        _ => [0.0; 3],
    };
    let vertices = positions
        .iter()
        .zip(colors)
        .map(|(p, c)| {
            let p = glam::Vec3::new(
                (p[0] - shift[0]) as f32,
                (p[1] - shift[1]) as f32,
                (p[2] - shift[2]) as f32,
            );
            Vertex::new(p, *c)
        })
        .collect();
    (vertices, shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(layout: &str, bytes: &[u8]) -> Vertex {
        let layout = Layout::parse(layout).unwrap();
        let mut out = [Vertex::default()];
        Decoder::new(layout, [0.0; 3], 1.0).decode(bytes, &mut out);
        out[0]
    }

    #[test]
    fn colours_scale_by_their_type() {
        let mut b: Vec<u8> = [1.0f32, 2.0, 3.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        b.extend([255, 128, 0, 7]);
        let v = record("pos:3f col:4B", &b);
        assert_eq!(v.position, glam::Vec3::new(1.0, 2.0, 3.0));
        assert_eq!(v.color, [65535, 128 * 257, 0]);
        let mut f: Vec<u8> = [1.0f32, 2.0, 3.0, 1.0, 0.5, -1.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(record("pos:3f col:3f", &f).color, [65535, 32768, 0]);
        f.truncate(12);
        assert_eq!(record("pos:3f", &f).color, [0, 0, 0]);
    }

    #[test]
    fn a_short_last_record_decodes_after_whole_ones() {
        let layout = Layout::parse("pos:3f col:4B")
            .unwrap()
            .with_stride(20)
            .unwrap();
        let mut bytes = Vec::new();
        for i in 0..3u8 {
            bytes.extend(
                [f32::from(i), 0.0, 1.0]
                    .iter()
                    .flat_map(|v| v.to_le_bytes()),
            );
            bytes.extend([i, 2, 3, 4, 9, 9, 9, 9]);
        }
        bytes.truncate(bytes.len() - 4);
        let mut out = [Vertex::default(); 3];
        Decoder::new(layout, [0.0; 3], 1.0).decode(&bytes, &mut out);
        assert_eq!(out[2].position, glam::Vec3::new(2.0, 0.0, 1.0));
        assert_eq!(out[2].color, [2 * 257, 2 * 257, 3 * 257]);
        assert_eq!(out[0].color, [0, 2 * 257, 3 * 257]);
    }

    #[test]
    fn far_positions_are_shifted_before_they_become_float32() {
        let layout = Layout::parse("pos:3d").unwrap();
        let p = [512_345.678_9f64, 5_401_234.25, 12.5];
        let bytes: Vec<u8> = p.iter().flat_map(|v| v.to_le_bytes()).collect();
        let shift = shift_for(&layout, Some(p));
        assert_eq!(shift, [512_346.0, 5_401_234.0, 13.0]);
        let mut out = [Vertex::default()];
        Decoder::new(layout, shift, 1.0).decode(&bytes, &mut out);
        // Millimetres survive: float32 of the raw coordinate would be off by a quarter metre.
        assert!((f64::from(out[0].position.x) - (p[0] - shift[0])).abs() < 1e-6);
        assert!((f64::from(out[0].position.y) - 0.25).abs() < 1e-6);
        assert_eq!(shift_for(&Layout::default_layout(), Some(p)), [0.0; 3]);
        assert_eq!(
            shift_for(&Layout::parse("pos:3d").unwrap(), Some([0.6, -0.4, 2.0])),
            [0.0; 3]
        );
    }
}
