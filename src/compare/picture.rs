//! The vertices of a difference picture: the second file's points, each coloured by how much it
//! differs from the first.

use super::by_index::{read_pairs, DiffError, Tolerance};
use super::report::DiffReport;
use crate::format::vertex::Vertex;
use crate::load::VertexSource;

/// `b`'s vertices, each coloured by how far it is from vertex `i` of `a` through the turbo
/// colormap (dark blue for differences just over the tolerances, red for the largest of the
/// report), or kept at a quarter of its own colour where it is the same within `tolerance`: draw
/// them and what changed shows at once. The larger of a vertex's distance and colour difference,
/// each relative to the report's largest, picks its colour. Holds all of `b`'s vertices in
/// memory.
pub fn colored_by_difference(
    a: &VertexSource,
    b: &VertexSource,
    report: &DiffReport,
    tolerance: Tolerance,
) -> Result<Vec<Vertex>, DiffError> {
    let mut out = Vec::with_capacity(usize::try_from(b.len()).unwrap_or(0));
    // An infinite distance (a position that is not a number) takes the top of the map; the
    // others are relative to the largest finite one.
    let max_distance = if report.max_distance.is_finite() {
        report.max_distance
    } else {
        report
            .largest
            .iter()
            .map(|o| o.distance)
            .filter(|d| d.is_finite())
            .fold(0.0, f64::max)
    };
    read_pairs(a, b, |_, vb, difference| {
        let over = difference.distance > tolerance.position
            || difference.color_difference > tolerance.color;
        let color = if over {
            let relative = |x: f64, max: f64| match (x.is_finite(), max > 0.0) {
                (false, _) => 1.0,
                (true, true) => (x / max).min(1.0),
                (true, false) => 0.0,
            };
            let t = relative(difference.distance, max_distance).max(relative(
                difference.color_difference,
                report.max_color_difference,
            ));
            let c = colorous::TURBO.eval_continuous(t);
            [c.r, c.g, c.b].map(|v| u16::from(v) * 257)
        } else {
            vb.color.map(|v| v / 4)
        };
        out.push(Vertex::new(vb.position, color));
    })?;
    Ok(out)
}
