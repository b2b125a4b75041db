//! [`diff`]: two sources compared vertex by vertex, streamed in pieces.

use thiserror::Error;

use super::report::{Accumulator, DiffReport, Offender, Side};
use crate::format::vertex::Vertex;
use crate::format::{Code, Role};
use crate::load::{LoadError, VertexSource};

/// How far two vertices may differ and still count as equal.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tolerance {
    /// Largest distance between positions, in the files' coordinates.
    pub position: f64,
    /// Largest difference of a colour channel, in the first file's colour units (1 is one step
    /// of an 8- or 16-bit channel, 1.0 the whole range of a float one).
    pub color: f64,
}

/// How to compare.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiffOptions {
    /// What counts as equal; the default is exact.
    pub tolerance: Tolerance,
    /// How many of the largest offenders the report keeps.
    pub largest: usize,
}

impl Default for DiffOptions {
    fn default() -> DiffOptions {
        DiffOptions {
            tolerance: Tolerance::default(),
            largest: 10,
        }
    }
}

/// Why two files could not be compared.
#[derive(Debug, Error)]
pub enum DiffError {
    /// Matching by index needs as many vertices on both sides.
    #[error("{} holds {a} vertices and {} holds {b}: matching by index needs as many on both sides", a_path.display(), b_path.display())]
    Counts {
        /// The first file.
        a_path: std::path::PathBuf,
        /// Its vertices.
        a: u64,
        /// The second file.
        b_path: std::path::PathBuf,
        /// Its vertices.
        b: u64,
    },
    /// Reading either file failed.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Vertices compared a piece: 1.25 MB of each side.
const PIECE: u64 = 1 << 16;

/// Compares `a` and `b` vertex by vertex (vertex `i` of one with vertex `i` of the other), as
/// decoded values: positions in the files' own coordinates (a shifted source's shift added
/// back), colours as decoded (an 8-bit and a 16-bit copy of the same colours agree), and counts
/// what differs beyond `options.tolerance`. Both are read in pieces, so files of any size work.
/// `progress(compared, total)` is called after each piece. Either file changing meanwhile is an
/// error.
pub fn diff(
    a: &VertexSource,
    b: &VertexSource,
    options: &DiffOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<DiffReport, DiffError> {
    same_counts(a, b)?;
    let tolerance = options.tolerance;
    let mut acc = Accumulator::new(options.largest);
    let total = a.len();
    read_pieces(a, b, &mut |first, piece_a, piece_b, same| {
        if same {
            // Identical pieces (the usual case of a regression check): equal bits are equal
            // vertices, counted without the arithmetic.
            acc.add_equal(piece_a.len() as u64);
        } else {
            for (i, (va, vb)) in piece_a.iter().zip(piece_b).enumerate() {
                let offender = compare_one(first + i as u64, va, vb, shifts_and_unit(a, b));
                acc.add(
                    offender,
                    offender.distance > tolerance.position,
                    offender.color_difference > tolerance.color,
                );
            }
        }
        progress(first + piece_a.len() as u64, total);
    })?;
    Ok(acc.finish())
}

/// The shifts of both sides and one step of `a`'s colour type.
fn shifts_and_unit(a: &VertexSource, b: &VertexSource) -> ([f64; 3], [f64; 3], f64) {
    (a.shift(), b.shift(), color_unit(a))
}

/// How vertex `index` of `a` differs from the same of `b`.
fn compare_one(
    index: u64,
    va: &Vertex,
    vb: &Vertex,
    (shift_a, shift_b, unit): ([f64; 3], [f64; 3], f64),
) -> Offender {
    Offender {
        index,
        side: Side::Both,
        matched: index,
        // Never NaN: non-finite positions are infinitely far or equal.
        distance: distance(va, shift_a, vb, shift_b),
        color_difference: va
            .color
            .iter()
            .zip(vb.color)
            .map(|(&x, y)| f64::from(x.abs_diff(y)) / unit)
            .fold(0.0, f64::max),
    }
}

/// Calls `each(a's vertex, b's vertex, how they differ)` for every pair, in file order.
pub(super) fn read_pairs(
    a: &VertexSource,
    b: &VertexSource,
    mut each: impl FnMut(&Vertex, &Vertex, Offender),
) -> Result<(), DiffError> {
    same_counts(a, b)?;
    let context = shifts_and_unit(a, b);
    read_pieces(a, b, &mut |first, piece_a, piece_b, _| {
        for (i, (va, vb)) in piece_a.iter().zip(piece_b).enumerate() {
            each(va, vb, compare_one(first + i as u64, va, vb, context));
        }
    })
}

pub(super) fn same_counts(a: &VertexSource, b: &VertexSource) -> Result<(), DiffError> {
    if a.len() == b.len() {
        return Ok(());
    }
    Err(DiffError::Counts {
        a_path: a.path().to_owned(),
        a: a.len(),
        b_path: b.path().to_owned(),
        b: b.len(),
    })
}

/// What [`read_pieces`] calls per piece: its first index, both sides' vertices, and whether
/// their bits are the same.
type PieceVisit<'a> = dyn FnMut(u64, &[Vertex], &[Vertex], bool) + 'a;

/// Reads both sources piece by piece, calling `each(first, a's piece, b's piece, same bits)`,
/// and checks afterwards that neither changed meanwhile.
fn read_pieces(
    a: &VertexSource,
    b: &VertexSource,
    each: &mut PieceVisit<'_>,
) -> Result<(), DiffError> {
    let same_shift = a.shift() == b.shift();
    let mut piece_a = vec![Vertex::default(); PIECE as usize];
    let mut piece_b = vec![Vertex::default(); PIECE as usize];
    for range in a.pieces(PIECE) {
        let n = (range.end - range.start) as usize;
        a.read(range.start, &mut piece_a[..n])?;
        b.read(range.start, &mut piece_b[..n])?;
        let same = same_shift
            && bytemuck::cast_slice::<Vertex, u8>(&piece_a[..n])
                == bytemuck::cast_slice::<Vertex, u8>(&piece_b[..n]);
        each(range.start, &piece_a[..n], &piece_b[..n], same);
    }
    a.check_unchanged()?;
    b.check_unchanged()?;
    Ok(())
}

/// The distance between two positions in their files' coordinates; 0 for two non-finite
/// positions that are the same bits, infinite for one that is finite against one that is not.
fn distance(a: &Vertex, shift_a: [f64; 3], b: &Vertex, shift_b: [f64; 3]) -> f64 {
    let (pa, pb) = (a.position.to_array(), b.position.to_array());
    if !(a.is_finite() && b.is_finite()) {
        let same = pa.iter().zip(pb).all(|(x, y)| x.to_bits() == y.to_bits());
        return if same { 0.0 } else { f64::INFINITY };
    }
    (0..3)
        .map(|i| (f64::from(pa[i]) + shift_a[i]) - (f64::from(pb[i]) + shift_b[i]))
        .map(|d| d * d)
        .sum::<f64>()
        .sqrt()
}

/// One step of `source`'s stored colour type in decoded 16-bit units: 257 for 8-bit channels
/// (255 becomes 65535), 1 for 16-bit ones, 65535 for floats (whose range is 0 to 1).
pub(super) fn color_unit(source: &VertexSource) -> f64 {
    let code = source
        .layout()
        .fields()
        .iter()
        .find(|f| f.role == Role::Color)
        .map_or(Code::U16, |f| f.code);
    let step = match code {
        Code::U8 => 257.0,
        Code::F16 | Code::F32 | Code::F64 => 65535.0,
        _ => 1.0,
    };
    // 8-bit values in 16-bit fields (some LAS writers) are decoded times 257.
    step * source.decoder().map_or(1.0, |d| d.color_gain())
}
