//! Which vertex is under the cursor: the readout of index, position and colour.

use glam::{Mat4, Vec2};

use crate::format::vertex::Vertex;

/// Finds the front-most vertex whose projection lies within `radius` pixels of `cursor` on a
/// `viewport`-sized target (pixels, y down). A scan of every vertex: about a millisecond per
/// million vertices.
pub fn pick(
    vertices: &[Vertex],
    view_proj: Mat4,
    cursor: Vec2,
    viewport: Vec2,
    radius: f32,
) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    let r2 = radius * radius;
    for (i, v) in vertices.iter().enumerate() {
        let clip = view_proj * v.position.extend(1.0);
        // Behind the eye, or NaN.
        if clip.w <= 0.0 || clip.w.is_nan() {
            continue;
        }
        let ndc = clip.truncate() / clip.w;
        if !(0.0..=1.0).contains(&ndc.z) {
            continue;
        }
        let pixel = Vec2::new(
            (ndc.x * 0.5 + 0.5) * viewport.x,
            (0.5 - ndc.y * 0.5) * viewport.y,
        );
        if pixel.distance_squared(cursor) <= r2 && best.is_none_or(|(_, z)| ndc.z < z) {
            best = Some((i, ndc.z));
        }
    }
    best.map(|(i, _)| i)
}

/// Of the `size[0]` × `size[1]` window of draw orders (row by row, `None` where nothing shows)
/// around `cursor` (its position in the window, in pixels), the one shown nearest the cursor,
/// within `radius` pixels.
pub fn nearest_lit(
    orders: &[Option<u64>],
    size: [u32; 2],
    cursor: Vec2,
    radius: f32,
) -> Option<u64> {
    let mut best: Option<(f32, u64)> = None;
    for (i, order) in orders.iter().enumerate() {
        let Some(order) = *order else { continue };
        let x = (i as u32 % size[0]) as f32 + 0.5;
        let y = (i as u32 / size[0]) as f32 + 0.5;
        let d = Vec2::new(x, y).distance(cursor);
        if d <= radius && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, order));
        }
    }
    best.map(|(_, order)| order)
}

/// Vertex `index` of `source` as the file holds it, field by field (name, values): a record of
/// another layout as its fields (`pos`, `col`, `intensity`…), LAS and PLY coordinates with their
/// shift added back; a default record as its position and colour.
pub fn fields_of(
    source: &crate::load::source::VertexSource,
    index: u64,
    v: &Vertex,
) -> Vec<(String, String)> {
    let layout = source.layout();
    let list = |values: Vec<String>| format!("({})", values.join(", "));
    if source.decoder().is_some() {
        if let Ok(record) = source.record(index) {
            return layout
                .read_values(&record)
                .iter()
                .map(|(f, values)| {
                    let shown: Vec<String> = if f.role == crate::format::Role::Position {
                        // The file's coordinates (scaled, for LAS), not the shifted ones.
                        layout
                            .read_position(&record)
                            .iter()
                            .map(|c| c.to_string())
                            .collect()
                    } else {
                        values
                            .iter()
                            .map(|x| crate::format::format_value(f.code, *x))
                            .collect()
                    };
                    (f.name.clone(), list(shown))
                })
                .collect();
        }
    }
    let shift = source.shift();
    let position = v
        .position
        .to_array()
        .iter()
        .zip(shift)
        .map(|(&p, s)| (f64::from(p) + s).to_string())
        .collect();
    let color = v.color.iter().map(|c| c.to_string()).collect();
    vec![
        ("position".into(), list(position)),
        ("rgb".into(), list(color)),
    ]
}

/// One line describing vertex `index` of `source` as the file holds it (see [`fields_of`]):
/// `#12 pos=(1, 2, 3) col=(255, 0, 0, 255)` for a record of another layout, a default record
/// as [`describe`] does.
pub fn describe_in(source: &crate::load::source::VertexSource, index: u64, v: &Vertex) -> String {
    if source.decoder().is_none() && source.shift() == [0.0; 3] {
        return describe(index as usize, v);
    }
    let fields = fields_of(source, index, v);
    if source.decoder().is_none() {
        return format!("#{index} {} rgb{}", fields[0].1, fields[1].1);
    }
    let shown: Vec<String> = fields.iter().map(|(n, v)| format!("{n}={v}")).collect();
    format!("#{index} {}", shown.join(" "))
}

/// One line describing vertex `index` as stored: `#12 (1, 2, 3) rgb(65535, 0, 0)`.
pub fn describe(index: usize, v: &Vertex) -> String {
    let [x, y, z] = v.position.to_array();
    let [r, g, b] = v.color;
    format!("#{index} ({x}, {y}, {z}) rgb({r}, {g}, {b})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn picks_the_front_most_vertex_near_the_cursor() {
        let vertices = [
            Vertex::new(Vec3::new(0.0, 0.0, 0.9), [1, 1, 1]),
            Vertex::new(Vec3::new(0.01, 0.0, 0.3), [2, 2, 2]),
            Vertex::new(Vec3::new(0.5, 0.5, 0.1), [3, 3, 3]),
            Vertex::new(Vec3::new(f32::NAN, 0.0, 0.0), [4, 4, 4]),
        ];
        let size = Vec2::new(200.0, 100.0);
        // NDC (0, 0) is pixel (100, 50).
        assert_eq!(
            pick(&vertices, Mat4::IDENTITY, Vec2::new(101.0, 50.0), size, 4.0),
            Some(1)
        );
        // NDC (0.5, 0.5) is pixel (150, 25).
        assert_eq!(
            pick(&vertices, Mat4::IDENTITY, Vec2::new(150.0, 25.0), size, 4.0),
            Some(2)
        );
        assert_eq!(
            pick(&vertices, Mat4::IDENTITY, Vec2::new(10.0, 10.0), size, 4.0),
            None
        );
        assert_eq!(describe(2, &vertices[2]), "#2 (0.5, 0.5, 0.1) rgb(3, 3, 3)");
    }

    #[test]
    fn the_readout_takes_the_lit_pixel_nearest_the_cursor() {
        // A 3 × 2 window: orders 7 at (0, 0) and 9 at (2, 1).
        let orders = [Some(7), None, None, None, None, Some(9)];
        assert_eq!(
            nearest_lit(&orders, [3, 2], Vec2::new(0.6, 0.4), 5.0),
            Some(7)
        );
        assert_eq!(
            nearest_lit(&orders, [3, 2], Vec2::new(2.4, 1.9), 5.0),
            Some(9)
        );
        assert_eq!(nearest_lit(&orders, [3, 2], Vec2::new(2.4, 1.9), 0.2), None);
        assert_eq!(nearest_lit(&[None; 6], [3, 2], Vec2::ZERO, 5.0), None);
    }
}
