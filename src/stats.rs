//! Summary statistics of a run of vertices, gathered in one pass that keeps up with memory.

use glam::Vec3;

use crate::vertex::Vertex;

/// Axis-aligned box around the finite positions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Smallest x, y, z.
    pub min: Vec3,
    /// Largest x, y, z.
    pub max: Vec3,
}

impl Bounds {
    /// Middle of the box.
    pub fn center(&self) -> Vec3 {
        // Halve before adding so that boxes near ±f32::MAX do not overflow to infinity.
        self.min * 0.5 + self.max * 0.5
    }

    /// Edge lengths of the box (may be infinite when the box spans more than f32 can hold).
    pub fn size(&self) -> Vec3 {
        self.max - self.min
    }
}

/// What one pass over the vertices learns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VertexStats {
    /// Number of vertices.
    pub count: usize,
    /// Box around the vertices whose three coordinates are all finite; `None` when there are none.
    pub bounds: Option<Bounds>,
    /// Vertices with a NaN or infinite coordinate. They are kept and drawn where they land (usually
    /// nowhere), never refused.
    pub non_finite: usize,
    /// Smallest red, green, blue; `[u16::MAX; 3]` when there are no vertices.
    pub color_min: [u16; 3],
    /// Largest red, green, blue; `[0; 3]` when there are no vertices.
    pub color_max: [u16; 3],
}

impl VertexStats {
    /// Statistics of `vertices`.
    pub fn of(vertices: &[Vertex]) -> VertexStats {
        let mut acc = StatsAccumulator::default();
        acc.add(vertices);
        acc.finish()
    }
}

/// Gathers [`VertexStats`] over vertices fed in pieces, so a loader can add each piece while it is
/// still in cache.
#[derive(Clone, Debug)]
pub struct StatsAccumulator {
    count: usize,
    non_finite: usize,
    min: [f32; 3],
    max: [f32; 3],
    color_min: [u16; 3],
    color_max: [u16; 3],
}

impl Default for StatsAccumulator {
    fn default() -> Self {
        StatsAccumulator {
            count: 0,
            non_finite: 0,
            min: [f32::INFINITY; 3],
            max: [f32::NEG_INFINITY; 3],
            color_min: [u16::MAX; 3],
            color_max: [0; 3],
        }
    }
}

const EXPONENT: u32 = 0x7f80_0000;

impl StatsAccumulator {
    /// Adds `vertices`.
    pub fn add(&mut self, vertices: &[Vertex]) {
        // Branch-free on purpose: a non-finite position swaps in ±infinity, which leaves min and max
        // untouched, so the loop has no data-dependent jumps and compiles to packed min/max.
        let (mut min, mut max) = (self.min, self.max);
        let (mut cmin, mut cmax) = (self.color_min, self.color_max);
        let mut non_finite = 0usize;
        for v in vertices {
            let p = v.position.to_array();
            let finite = p.iter().all(|c| c.to_bits() & EXPONENT != EXPONENT);
            non_finite += usize::from(!finite);
            for axis in 0..3 {
                let lo = if finite { p[axis] } else { f32::INFINITY };
                let hi = if finite { p[axis] } else { f32::NEG_INFINITY };
                min[axis] = if lo < min[axis] { lo } else { min[axis] };
                max[axis] = if hi > max[axis] { hi } else { max[axis] };
                cmin[axis] = cmin[axis].min(v.color[axis]);
                cmax[axis] = cmax[axis].max(v.color[axis]);
            }
        }
        self.min = min;
        self.max = max;
        self.color_min = cmin;
        self.color_max = cmax;
        self.non_finite += non_finite;
        self.count += vertices.len();
    }

    /// The statistics of everything added.
    pub fn finish(&self) -> VertexStats {
        let bounds = (self.non_finite < self.count).then(|| Bounds {
            min: Vec3::from_array(self.min),
            max: Vec3::from_array(self.max),
        });
        VertexStats {
            count: self.count,
            bounds,
            non_finite: self.non_finite,
            color_min: self.color_min,
            color_max: self.color_max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(p: [f32; 3], c: [u16; 3]) -> Vertex {
        Vertex::new(Vec3::from_array(p), c)
    }

    #[test]
    fn bounds_skip_non_finite_positions_but_count_them() {
        let stats = VertexStats::of(&[
            v([1.0, -2.0, 3.0], [5, 6, 7]),
            v([f32::NAN, 100.0, 100.0], [0, 65535, 9]),
            v([-1.0, 4.0, 0.5], [10, 1, 8]),
            v([1.0, f32::INFINITY, 0.0], [7, 7, 7]),
            v([f32::NEG_INFINITY, 0.0, 0.0], [7, 7, 7]),
        ]);
        assert_eq!(stats.count, 5);
        assert_eq!(stats.non_finite, 3);
        let b = stats.bounds.unwrap();
        assert_eq!(b.min, Vec3::new(-1.0, -2.0, 0.5));
        assert_eq!(b.max, Vec3::new(1.0, 4.0, 3.0));
        assert_eq!(stats.color_min, [0, 1, 7]);
        assert_eq!(stats.color_max, [10, 65535, 9]);
    }

    #[test]
    fn empty_and_all_non_finite_have_no_bounds() {
        let empty = VertexStats::of(&[]);
        assert_eq!((empty.count, empty.bounds, empty.non_finite), (0, None, 0));
        let nan = VertexStats::of(&[v([f32::NAN; 3], [1, 2, 3])]);
        assert_eq!((nan.count, nan.bounds, nan.non_finite), (1, None, 1));
        assert_eq!((nan.color_min, nan.color_max), ([1, 2, 3], [1, 2, 3]));
    }

    #[test]
    fn pieces_add_up_to_the_whole() {
        let all: Vec<Vertex> = (0..100)
            .map(|i| v([i as f32, -(i as f32), (i % 7) as f32], [i, 100 - i, i * 3]))
            .collect();
        let mut acc = StatsAccumulator::default();
        for piece in all.chunks(13) {
            acc.add(piece);
        }
        assert_eq!(acc.finish(), VertexStats::of(&all));
    }

    #[test]
    fn center_of_huge_box_is_finite() {
        let b = Bounds {
            min: Vec3::splat(-f32::MAX),
            max: Vec3::splat(f32::MAX),
        };
        assert_eq!(b.center(), Vec3::ZERO);
    }
}
