//! Deterministic sample vertex files: shapes that look good in a viewer and make good test data.

use std::f32::consts::TAU;
use std::fmt;
use std::io::{self, Write};

use glam::Vec3;

use crate::format::vertex::{Vertex, STRIDE};

/// A sample shape. Every shape fits in the box from −1 to 1, y up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "viewer", derive(clap::ValueEnum))]
pub enum Shape {
    /// A solid cube, coloured by position: the RGB colour cube.
    Cube,
    /// A sphere's surface, evenly covered (Fibonacci lattice), coloured by its normal.
    Sphere,
    /// A double helix with rungs, in rainbow colours along its length.
    Helix,
    /// A torus, hue around the ring, shaded across the tube.
    Torus,
    /// A three-armed spiral galaxy with a warm core and blue arms.
    Galaxy,
    /// A rippled height field, coloured by height.
    Wave,
}

impl Shape {
    /// Every shape, in the order `--help` lists them.
    pub const ALL: [Shape; 6] = [
        Shape::Cube,
        Shape::Sphere,
        Shape::Helix,
        Shape::Torus,
        Shape::Galaxy,
        Shape::Wave,
    ];

    /// The shape's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Cube => "cube",
            Shape::Sphere => "sphere",
            Shape::Helix => "helix",
            Shape::Torus => "torus",
            Shape::Galaxy => "galaxy",
            Shape::Wave => "wave",
        }
    }

    /// The shape called `name`.
    pub fn from_name(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Vertex `index` of `count`. A pure function of its arguments, so files are reproducible and
    /// can be written in pieces.
    pub fn vertex(self, index: u64, count: u64, seed: u64) -> Vertex {
        let mut rng = Rng::new(seed, index);
        let t = if count > 1 {
            index as f32 / (count - 1) as f32
        } else {
            0.5
        };
        match self {
            Shape::Cube => {
                let p = Vec3::new(rng.signed(), rng.signed(), rng.signed());
                Vertex::new(p, rgb(p * 0.5 + 0.5))
            }
            Shape::Sphere => {
                // Golden-angle spiral from pole to pole, nudged by the seed.
                let y = 1.0 - 2.0 * (index as f32 + 0.5) / count.max(1) as f32;
                let r = (1.0 - y * y).max(0.0).sqrt();
                let phi = index as f32 * 2.399_963 + seed as f32;
                let p = Vec3::new(r * phi.cos(), y, r * phi.sin());
                Vertex::new(p, rgb(p * 0.5 + 0.5))
            }
            Shape::Helix => {
                let rung = rng.unit() < 0.15;
                // Rungs sit at 48 fixed heights, like base pairs.
                let t = if rung {
                    ((t * 48.0).floor() + 0.5) / 48.0
                } else {
                    t
                };
                let turn = t * 3.0 * TAU;
                let (s, c) = turn.sin_cos();
                let y = (t * 2.0 - 1.0) * 0.98;
                let strand = if rng.unit() < 0.5 { 1.0 } else { -1.0 };
                let along = if rung { rng.signed() } else { strand };
                let jitter = Vec3::new(rng.signed(), rng.signed(), rng.signed()) * 0.01;
                let p = Vec3::new(0.5 * c * along, y, 0.5 * s * along) + jitter;
                let hue = if rung { t + 0.5 } else { t };
                let value = if rung { 0.7 } else { 1.0 };
                Vertex::new(p, rgb(hsv(hue, 0.9, value)))
            }
            Shape::Torus => {
                let (u, v) = (rng.unit() * TAU, rng.unit() * TAU);
                let ring = 0.7 + 0.28 * v.cos();
                let p = Vec3::new(ring * u.cos(), 0.28 * v.sin(), ring * u.sin());
                let shade = 0.55 + 0.45 * v.cos().max(-0.5);
                Vertex::new(p, rgb(hsv(u / TAU, 0.8, shade)))
            }
            Shape::Galaxy => {
                let core = rng.unit() < 0.2;
                if core {
                    let p = Vec3::new(rng.normal(), rng.normal() * 0.5, rng.normal()) * 0.12;
                    let heat = (1.0 - p.length() * 4.0).clamp(0.0, 1.0);
                    return Vertex::new(
                        p,
                        rgb(Vec3::new(1.0, 0.75 + 0.25 * heat, 0.4 + 0.5 * heat)),
                    );
                }
                let arm = (rng.unit() * 3.0).floor();
                let r = 0.08 + 0.82 * rng.unit().powf(0.8);
                let angle = arm * TAU / 3.0 + 2.2 * r.ln() + rng.normal() * 0.18;
                let spread = 0.025 * rng.normal();
                let p = Vec3::new(
                    r * angle.cos() + spread,
                    rng.normal() * 0.02 * (1.0 - r),
                    r * angle.sin() + spread,
                );
                let blue = Vec3::new(0.45, 0.6, 1.0).lerp(Vec3::new(0.9, 0.85, 1.0), rng.unit());
                Vertex::new(p, rgb(blue * (1.0 - 0.4 * r)))
            }
            Shape::Wave => {
                let side = (count as f64).sqrt().ceil().max(1.0) as u64;
                let (ix, iz) = (index % side, index / side);
                let grid = |i: u64| (i as f32 + 0.5) / side as f32 * 2.0 - 1.0;
                let (x, z) = (grid(ix), grid(iz));
                let d = (x * x + z * z).sqrt();
                let y = 0.25 * (d * 12.0 - seed as f32).cos() * (-d * 1.5).exp();
                let h = (y / 0.25) * 0.5 + 0.5;
                Vertex::new(Vec3::new(x, y, z), rgb(hsv(0.66 - 0.66 * h, 0.85, 1.0)))
            }
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// All `count` vertices of `shape` in memory.
pub fn generate(shape: Shape, count: u64, seed: u64) -> Vec<Vertex> {
    (0..count).map(|i| shape.vertex(i, count, seed)).collect()
}

/// Writes `count` vertices of `shape` to `out` in pieces; with `trailing_pad` false the last
/// vertex is written without its 2 padding bytes.
pub fn write(
    out: &mut impl Write,
    shape: Shape,
    count: u64,
    seed: u64,
    trailing_pad: bool,
) -> io::Result<()> {
    const PIECE: u64 = 1 << 16;
    let mut piece = Vec::with_capacity(PIECE as usize);
    let mut start = 0;
    while start < count {
        let end = (start + PIECE).min(count);
        piece.clear();
        piece.extend((start..end).map(|i| shape.vertex(i, count, seed)));
        let mut bytes: &[u8] = bytemuck::cast_slice(&piece);
        if end == count && !trailing_pad {
            bytes = &bytes[..bytes.len() - (STRIDE - crate::format::vertex::UNPADDED_SIZE)];
        }
        out.write_all(bytes)?;
        start = end;
    }
    Ok(())
}

/// A colour with channels from 0 to 1 as stored 16-bit values.
pub fn rgb(c: Vec3) -> [u16; 3] {
    c.clamp(Vec3::ZERO, Vec3::ONE)
        .to_array()
        .map(|x| (x * 65535.0).round() as u16)
}

fn hsv(h: f32, s: f32, v: f32) -> Vec3 {
    let h = h.rem_euclid(1.0) * 6.0;
    let f = |n: f32| {
        let k = (n + h) % 6.0;
        v - v * s * k.min(4.0 - k).clamp(0.0, 1.0)
    };
    Vec3::new(f(5.0), f(3.0), f(1.0))
}

/// SplitMix64 keyed by (seed, index). Written out rather than taken from `rand` because sample
/// files and golden images must stay bit-identical whatever version of a dependency is in use.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Rng {
        Rng(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [−1, 1).
    fn signed(&mut self) -> f32 {
        self.unit() * 2.0 - 1.0
    }

    /// Standard normal (Box–Muller), cut at ±4 so that shapes keep to their box.
    fn normal(&mut self) -> f32 {
        let u = self.unit().max(f32::MIN_POSITIVE);
        ((-2.0 * u.ln()).sqrt() * (TAU * self.unit()).cos()).clamp(-4.0, 4.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_fits_the_unit_box_and_is_deterministic() {
        for shape in Shape::ALL {
            let a = generate(shape, 100_000, 7);
            assert!(
                a == generate(shape, 100_000, 7),
                "{shape} is not deterministic"
            );
            assert!(a != generate(shape, 100_000, 8), "{shape} ignores the seed");
            for v in &a {
                assert!(v.is_finite(), "{shape}");
                let reach = v.position.abs().max_element();
                assert!(reach <= 1.0, "{shape}: {:?}", v.position);
            }
            assert_eq!(Shape::from_name(shape.name()), Some(shape));
        }
    }

    #[test]
    fn write_drops_two_bytes_without_trailing_pad() {
        let mut padded = Vec::new();
        write(&mut padded, Shape::Helix, 70_000, 1, true).unwrap();
        let mut unpadded = Vec::new();
        write(&mut unpadded, Shape::Helix, 70_000, 1, false).unwrap();
        assert_eq!(padded.len(), 70_000 * 20);
        assert_eq!(&padded[..padded.len() - 2], &unpadded[..]);
        assert_eq!(
            padded,
            bytemuck::cast_slice::<Vertex, u8>(&generate(Shape::Helix, 70_000, 1))
        );
    }

    #[test]
    fn colours_span_the_range() {
        assert_eq!(rgb(Vec3::new(0.0, 1.0, 0.5)), [0, 65535, 32768]);
        assert_eq!(rgb(Vec3::new(-1.0, 2.0, f32::NAN)), [0, 65535, 0]);
    }
}
