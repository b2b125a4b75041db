//! Summary statistics of a run of vertices, gathered in one pass that keeps up with memory.

use glam::Vec3;

use super::vertex::Vertex;

/// Axis-aligned box around the finite positions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Smallest x, y, z.
    pub min: Vec3,
    /// Largest x, y, z.
    pub max: Vec3,
}

impl Bounds {
    /// The box holding both, either of which may be missing.
    pub fn union(a: Option<Bounds>, b: Option<Bounds>) -> Option<Bounds> {
        match (a, b) {
            (Some(a), Some(b)) => Some(Bounds {
                min: a.min.min(b.min),
                max: a.max.max(b.max),
            }),
            (a, b) => a.or(b),
        }
    }

    /// Middle of the box.
    pub fn center(&self) -> Vec3 {
        // Halve before adding so that boxes near ±f32::MAX do not overflow to infinity.
        self.min * 0.5 + self.max * 0.5
    }

    /// The range of heights: y, or z for a z-up file.
    pub fn height_range(&self, up: crate::format::Up) -> (f32, f32) {
        match up {
            crate::format::Up::Y => (self.min.y, self.max.y),
            crate::format::Up::Z => (self.min.z, self.max.z),
        }
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

    /// The statistics of all of `parts` together (several files drawn as one scene).
    pub fn merge_all(parts: &[VertexStats]) -> VertexStats {
        let mut all = VertexStats::of(&[]);
        for p in parts {
            all.count += p.count;
            all.non_finite += p.non_finite;
            all.bounds = Bounds::union(all.bounds, p.bounds);
            for i in 0..3 {
                all.color_min[i] = all.color_min[i].min(p.color_min[i]);
                all.color_max[i] = all.color_max[i].max(p.color_max[i]);
            }
        }
        all
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

/// Four vertices seen as 20 words: word `j` is field `j % 5` (x, y, z, red|green, blue|pad) of
/// vertex `j / 5`. Elementwise min/max over such blocks compiles to packed SIMD, and a vertex's
/// fields always land in the same lanes, so lanes are folded per field once at the end.
const BLOCK: usize = 4;
const WORDS: usize = BLOCK * 5;

/// Exponent mask on the position lanes, zero on the colour lanes.
const POSITION_EXPONENT: [u32; WORDS] = {
    let mut mask = [0; WORDS];
    let mut j = 0;
    while j < WORDS {
        if j % 5 < 3 {
            mask[j] = EXPONENT;
        }
        j += 1;
    }
    mask
};

/// Per-lane minima and maxima over blocks of four vertices.
struct Lanes {
    min: [f32; WORDS],
    max: [f32; WORDS],
    cmin: [u16; WORDS * 2],
    cmax: [u16; WORDS * 2],
}

impl StatsAccumulator {
    /// Adds `vertices`.
    pub fn add(&mut self, vertices: &[Vertex]) {
        let mut lanes = Lanes {
            min: [f32::INFINITY; WORDS],
            max: [f32::NEG_INFINITY; WORDS],
            cmin: [u16::MAX; WORDS * 2],
            cmax: [0; WORDS * 2],
        };
        let blocks = vertices.chunks_exact(BLOCK);
        let rest = blocks.remainder();
        self.add_blocks_dispatch(&mut lanes, &vertices[..vertices.len() - rest.len()]);
        for lane in (0..WORDS).step_by(5) {
            for axis in 0..3 {
                self.min[axis] = self.min[axis].min(lanes.min[lane + axis]);
                self.max[axis] = self.max[axis].max(lanes.max[lane + axis]);
            }
            for channel in 0..3 {
                // Colours start at byte 12 of a vertex: u16 lane 6 of its 10.
                let at = lane * 2 + 6 + channel;
                self.color_min[channel] = self.color_min[channel].min(lanes.cmin[at]);
                self.color_max[channel] = self.color_max[channel].max(lanes.cmax[at]);
            }
        }
        self.add_each(rest);
    }

    #[cfg(target_arch = "x86_64")]
    fn add_blocks_dispatch(&mut self, lanes: &mut Lanes, vertices: &[Vertex]) {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { self.add_blocks_avx2(lanes, vertices) }
        } else {
            self.add_blocks(lanes, vertices)
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn add_blocks_dispatch(&mut self, lanes: &mut Lanes, vertices: &[Vertex]) {
        self.add_blocks(lanes, vertices)
    }

    /// The block loop compiled for AVX2: its 16 wide registers hold all four accumulators, where
    /// baseline SSE2 spills them to the stack and runs at half the speed.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_blocks_avx2(&mut self, lanes: &mut Lanes, vertices: &[Vertex]) {
        self.add_blocks(lanes, vertices)
    }

    #[inline(always)]
    fn add_blocks(&mut self, lanes: &mut Lanes, vertices: &[Vertex]) {
        let Lanes {
            mut min,
            mut max,
            mut cmin,
            mut cmax,
        } = *lanes;
        for block in vertices.chunks_exact(BLOCK) {
            let Ok(block) = <&[Vertex; BLOCK]>::try_from(block) else {
                continue;
            };
            let words: [u32; WORDS] = bytemuck::cast(*block);
            let halves: [u16; WORDS * 2] = bytemuck::cast(*block);
            let mut non_finite = false;
            for j in 0..WORDS {
                non_finite |= words[j] & POSITION_EXPONENT[j] == EXPONENT;
            }
            if non_finite {
                // Rare: let the one-vertex path sort out which vertices to leave out.
                self.add_each(block);
                self.count -= BLOCK;
            } else {
                for j in 0..WORDS {
                    let v = f32::from_bits(words[j]);
                    min[j] = if v < min[j] { v } else { min[j] };
                    max[j] = if v > max[j] { v } else { max[j] };
                }
            }
            for j in 0..WORDS * 2 {
                cmin[j] = cmin[j].min(halves[j]);
                cmax[j] = cmax[j].max(halves[j]);
            }
        }
        self.count += vertices.len() / BLOCK * BLOCK;
        *lanes = Lanes {
            min,
            max,
            cmin,
            cmax,
        };
    }

    /// Adds vertices one at a time. The block loop above relies on this for blocks with a
    /// non-finite position, and the tests hold the two to the same answers.
    fn add_each(&mut self, vertices: &[Vertex]) {
        for v in vertices {
            let p = v.position.to_array();
            if p.iter().all(|c| c.to_bits() & EXPONENT != EXPONENT) {
                for ((min, max), c) in self.min.iter_mut().zip(&mut self.max).zip(p) {
                    *min = min.min(c);
                    *max = max.max(c);
                }
            } else {
                self.non_finite += 1;
            }
            for channel in 0..3 {
                self.color_min[channel] = self.color_min[channel].min(v.color[channel]);
                self.color_max[channel] = self.color_max[channel].max(v.color[channel]);
            }
            self.count += 1;
        }
    }

    /// Adds what `other` gathered.
    pub fn merge(&mut self, other: &StatsAccumulator) {
        self.count += other.count;
        self.non_finite += other.non_finite;
        for i in 0..3 {
            self.min[i] = self.min[i].min(other.min[i]);
            self.max[i] = self.max[i].max(other.max[i]);
            self.color_min[i] = self.color_min[i].min(other.color_min[i]);
            self.color_max[i] = self.color_max[i].max(other.color_max[i]);
        }
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
        let (mut a, mut b) = (StatsAccumulator::default(), StatsAccumulator::default());
        a.add(&all[..37]);
        b.add(&all[37..]);
        a.merge(&b);
        assert_eq!(a.finish(), VertexStats::of(&all));
    }

    #[test]
    fn block_path_agrees_with_one_at_a_time() {
        let specials = [
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            f32::MAX,
            f32::MIN_POSITIVE,
        ];
        let vertices: Vec<Vertex> = (0..203u32)
            .map(|i| {
                let mut p = [i as f32 * 0.5 - 40.0, (i * 7 % 13) as f32, -(i as f32)];
                if i % 17 == 3 {
                    p[(i % 3) as usize] = specials[(i % 6) as usize];
                }
                v(
                    p,
                    [(i * 311 % 65536) as u16, (i * 7) as u16, 65535 - i as u16],
                )
            })
            .collect();
        for len in [0, 1, 3, 4, 5, 8, 50, 203] {
            let mut blocks = StatsAccumulator::default();
            blocks.add(&vertices[..len]);
            let mut each = StatsAccumulator::default();
            each.add_each(&vertices[..len]);
            assert_eq!(blocks.finish(), each.finish(), "{len} vertices");
        }
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
