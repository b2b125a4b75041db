//! [`diff_nearest`]: two clouds compared point by point where the order is not the same (a
//! reordered, resampled or remeshed dump): each vertex against its nearest in the other file.

use kiddo::{ImmutableKdTree, SquaredEuclidean};

use super::by_index::{color_unit, DiffError, DiffOptions};
use super::report::{Accumulator, DiffReport, Offender, Side};
use crate::format::vertex::Vertex;
use crate::load::VertexSource;

/// Vertices read a piece while loading a side.
const PIECE: u64 = 1 << 16;

/// Compares each vertex of `b` with its nearest in `a`, and each of `a` with its nearest in `b`
/// (so that a point missing from either side is found), by distance in the files' coordinates
/// and by colour against the one matched. The report counts both directions
/// (`compared` = both counts), and each offender says which file its index is in. Both files'
/// positions and colours are held in memory (16 bytes a vertex, and a k-d tree of each), and the
/// queries run on all cores. `progress(done, total)` counts queries.
pub fn diff_nearest(
    a: &VertexSource,
    b: &VertexSource,
    options: &DiffOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<DiffReport, DiffError> {
    // Positions in `a`'s frame: float32 relative to its shift, `b`'s moved by the difference of
    // the two shifts, so that far-away coordinates keep their detail.
    let shift_a = a.shift();
    let offset: [f64; 3] = std::array::from_fn(|i| b.shift()[i] - shift_a[i]);
    let (points_a, colors_a) = load(a, [0.0; 3])?;
    let (points_b, colors_b) = load(b, offset)?;
    let unit = color_unit(a);
    let total = (points_a.len() + points_b.len()) as u64;
    let mut acc = Accumulator::new(options.largest);
    let mut done = 0;
    for (side, queries, query_colors, targets, target_colors) in [
        (Side::B, &points_b, &colors_b, &points_a, &colors_a),
        (Side::A, &points_a, &colors_a, &points_b, &colors_b),
    ] {
        acc.merge(match_all(
            side,
            queries,
            query_colors,
            targets,
            target_colors,
            unit,
            options,
        ));
        done += queries.len() as u64;
        progress(done, total);
    }
    a.check_unchanged()?;
    b.check_unchanged()?;
    Ok(acc.finish())
}

/// A side's positions (moved by `offset`) and colours.
#[allow(clippy::type_complexity)]
fn load(
    source: &VertexSource,
    offset: [f64; 3],
) -> Result<(Vec<[f32; 3]>, Vec<[u16; 3]>), DiffError> {
    let n = usize::try_from(source.len()).unwrap_or(usize::MAX);
    let (mut points, mut colors) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut piece = vec![Vertex::default(); PIECE as usize];
    for range in source.pieces(PIECE) {
        let count = (range.end - range.start) as usize;
        source.read(range.start, &mut piece[..count])?;
        for v in &piece[..count] {
            let p = v.position.to_array();
            points.push(std::array::from_fn(|i| {
                (f64::from(p[i]) + offset[i]) as f32
            }));
            colors.push(v.color);
        }
    }
    Ok((points, colors))
}

/// Each of `queries` against its nearest of `targets`, on all cores.
fn match_all(
    side: Side,
    queries: &[[f32; 3]],
    query_colors: &[[u16; 3]],
    targets: &[[f32; 3]],
    target_colors: &[[u16; 3]],
    unit: f64,
    options: &DiffOptions,
) -> Accumulator {
    let mut acc = Accumulator::new(options.largest);
    if queries.is_empty() {
        return acc;
    }
    if targets.is_empty() {
        // Nothing to match: every query is infinitely far from the other side.
        for index in 0..queries.len() as u64 {
            let o = Offender {
                index,
                side,
                matched: 0,
                distance: f64::INFINITY,
                color_difference: 0.0,
            };
            acc.add(o, true, false);
        }
        return acc;
    }
    // Non-finite positions cannot be placed in the tree: they match nothing.
    let finite: Vec<[f32; 3]> = targets
        .iter()
        .map(|p| {
            if p.iter().all(|v| v.is_finite()) {
                *p
            } else {
                [f32::MAX; 3]
            }
        })
        .collect();
    let tree: ImmutableKdTree<f32, 3> = ImmutableKdTree::new_from_slice(&finite);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let share = queries.len().div_ceil(threads);
    let tolerance = options.tolerance;
    std::thread::scope(|scope| {
        let workers: Vec<_> = queries
            .chunks(share)
            .enumerate()
            .map(|(t, chunk)| {
                let tree = &tree;
                scope.spawn(move || {
                    let mut acc = Accumulator::new(options.largest);
                    for (i, q) in chunk.iter().enumerate() {
                        let index = (t * share + i) as u64;
                        let finite = q.iter().all(|v| v.is_finite());
                        let (matched, distance) = if finite {
                            let nearest = tree.nearest_one::<SquaredEuclidean>(q);
                            (nearest.item, f64::from(nearest.distance).sqrt())
                        } else {
                            (0, f64::INFINITY)
                        };
                        let qc = query_colors[index as usize];
                        let tc = target_colors[matched as usize];
                        let color_difference = qc
                            .iter()
                            .zip(tc)
                            .map(|(&x, y)| f64::from(x.abs_diff(y)) / unit)
                            .fold(0.0, f64::max);
                        let o = Offender {
                            index,
                            side,
                            matched,
                            distance,
                            color_difference,
                        };
                        acc.add(
                            o,
                            distance > tolerance.position,
                            color_difference > tolerance.color,
                        );
                    }
                    acc
                })
            })
            .collect();
        for worker in workers {
            // A worker can only panic by a bug; a report without its share would be wrong.
            let theirs = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            acc.merge(theirs);
        }
    });
    acc
}
