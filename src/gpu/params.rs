//! What one cloud's draw looks like this frame: transform, point size and shape, colouring,
//! subsample, and which rasteriser draws it.

use bytemuck::{Pod, Zeroable};
use glam::Mat4;

use super::classes::class_colors;
use super::colormap::{ColorMap, RAMP_STOPS};
use super::layout::stored_per_read;
pub use crate::format::ColumnRead;
use crate::format::{ColumnKind, Up};

/// Drawing points larger than one pixel: squares or discs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PointShape {
    /// Screen-aligned squares.
    #[default]
    Square,
    /// Round discs.
    Round,
}

/// How points are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum ColorMode {
    /// The colours stored in the file, value / 65535.
    #[default]
    File,
    /// A colormap over one coordinate of the positions: for files without colours, or to see
    /// their shape.
    Ramp(Ramp),
    /// One colour for every point, red, green and blue from 0 to 1: to tell apart several files
    /// shown together.
    Tint([f32; 3]),
    /// A column of the records (intensity, classification, a normal…), read where it lies.
    Column(ColumnColors),
}

/// Colours from a column of the records: a colormap over a scalar, a distinct colour per
/// class, or a vector's components as red, green, blue. A cloud drawn with these reads the
/// column through [`GpuLayout::with_column`](crate::format::GpuLayout::with_column), so
/// colouring one cloud by another column uploads nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnColors {
    /// Where the GPU reads the column, and what it reads means.
    pub read: ColumnRead,
    /// Scalar (the colormap), classes or vector (red, green, blue).
    pub kind: ColumnKind,
    /// The value at the map's start (for a vector: each component's value at 0).
    pub min: f32,
    /// The value at the map's end (each component's at 1).
    pub max: f32,
    /// The map of a scalar.
    pub map: ColorMap,
}

/// A colormap over one coordinate: `min` takes the map's first colour, `max` its last, values
/// beyond them the end colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ramp {
    /// The coordinate.
    pub axis: RampAxis,
    /// Its value at the map's start.
    pub min: f32,
    /// Its value at the map's end.
    pub max: f32,
    /// The map.
    pub map: ColorMap,
}

/// The coordinate a [`Ramp`] follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RampAxis {
    /// x.
    X,
    /// y.
    Y,
    /// z.
    Z,
    /// The up axis (y, or z for a z-up file: see [`FrameParams::up`]).
    #[default]
    Height,
    /// The vertex's index in the file (its position in it, 0 first).
    Index,
}

impl RampAxis {
    /// Every axis, in the order `--help` lists them.
    pub const ALL: [RampAxis; 5] = [
        RampAxis::X,
        RampAxis::Y,
        RampAxis::Z,
        RampAxis::Height,
        RampAxis::Index,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            RampAxis::X => "x",
            RampAxis::Y => "y",
            RampAxis::Z => "z",
            RampAxis::Height => "height",
            RampAxis::Index => "index",
        }
    }

    /// Which component of the position it is (0 to 2), for a file whose up axis is `up`;
    /// `None` for the index.
    pub fn component(self, up: Up) -> Option<usize> {
        match (self, up) {
            (RampAxis::X, _) => Some(0),
            (RampAxis::Y, _) | (RampAxis::Height, Up::Y) => Some(1),
            (RampAxis::Z, _) | (RampAxis::Height, Up::Z) => Some(2),
            (RampAxis::Index, _) => None,
        }
    }
}

impl ColorMode {
    /// The default ramp: viridis over the height, from `min` to `max`.
    pub fn height(min: f32, max: f32) -> ColorMode {
        ColorMode::Ramp(Ramp {
            axis: RampAxis::Height,
            min,
            max,
            map: ColorMap::default(),
        })
    }
}

/// Which rasteriser draws a cloud.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Raster {
    /// The compute rasteriser where the device supports it and it is faster (enough points,
    /// points no larger than [`MAX_COMPUTE_POINT_SIZE`]); otherwise the pipeline.
    #[default]
    Auto,
    /// The compute rasteriser (falls back to the pipeline where the device cannot; see
    /// [`PointRenderer::compute_support`](super::PointRenderer::compute_support)).
    Compute,
    /// The fixed-function point list, or instanced quads for larger points.
    Pipeline,
}

impl Raster {
    /// The name on the command line: `auto`, `compute`, `pipeline`.
    pub fn name(self) -> &'static str {
        match self {
            Raster::Auto => "auto",
            Raster::Compute => "compute",
            Raster::Pipeline => "pipeline",
        }
    }
}

/// The rasteriser a draw actually takes once [`Raster`] is decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RasterPath {
    /// Fixed-function points or quads, in the render pass.
    #[default]
    Pipeline,
    /// Compute passes before the render pass, and a resolve in it.
    Compute,
}

/// `Raster::Auto` takes the compute path for clouds of at least one point per this many pixels
/// of the target. The compute path has a fixed cost per pixel (clearing its per-pixel buffers and
/// resolving them) and a smaller cost per point than the pipeline; the two meet at about one
/// point per 14 pixels, both at 1920×1080 (145 000 points) and at 1280×720 (68 000). Measured
/// with `cargo bench --bench gpu` (group `crossover`) on lavapipe; see the README.
pub const AUTO_COMPUTE_PIXELS_PER_POINT: u64 = 14;

/// The largest point size `Raster::Auto` draws by the compute path, which writes size² pixels a
/// point from one thread: at 8 pixels it still wins from 100 000 points at 1920×1080, at 16 the
/// pipeline wins at every count measured (up to 300 000). Measured as for
/// [`AUTO_COMPUTE_PIXELS_PER_POINT`].
pub const MAX_COMPUTE_POINT_SIZE: u32 = 8;

/// Which vertices of a cloud a frame draws: every `step`-th, starting at `phase`. Drawing the
/// `step` phases one after another into one raster target draws every vertex once, which is how
/// the viewer fills in a picture progressively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subsample {
    /// Distance between drawn vertices; 1 draws all.
    pub step: u32,
    /// Index of the first drawn vertex, below `step`.
    pub phase: u32,
}

impl Subsample {
    /// Every vertex.
    pub const ALL: Subsample = Subsample { step: 1, phase: 0 };
}

impl Default for Subsample {
    fn default() -> Self {
        Subsample::ALL
    }
}

/// How one cloud is drawn this frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameParams {
    /// World (or file) positions to clip space.
    pub view_proj: Mat4,
    /// Size of the render target in pixels.
    pub viewport: [u32; 2],
    /// Width of a point in pixels; 1 draws one pixel per vertex.
    pub point_size: f32,
    /// Shape of points larger than one pixel.
    pub shape: PointShape,
    /// Colouring.
    pub color_mode: ColorMode,
    /// Which rasteriser draws the cloud.
    pub raster: Raster,
    /// Which vertices are drawn.
    pub subsample: Subsample,
    /// Which axis of the positions is up: the height the ramp follows. (Turning the data is
    /// `view_proj`'s business.)
    pub up: Up,
}

impl Default for FrameParams {
    /// Identity transform (positions in clip space), a 1×1 viewport, one-pixel points, file
    /// colours, the rasteriser chosen automatically, every vertex.
    fn default() -> Self {
        FrameParams {
            view_proj: Mat4::IDENTITY,
            viewport: [1, 1],
            point_size: 1.0,
            shape: PointShape::Square,
            color_mode: ColorMode::File,
            raster: Raster::Auto,
            subsample: Subsample::ALL,
            up: Up::Y,
        }
    }
}

impl FrameParams {
    /// The point size as drawn: a whole number of pixels, at least 1.
    pub fn pixel_size(&self) -> u32 {
        if self.point_size.is_finite() {
            self.point_size.round().clamp(1.0, 4096.0) as u32
        } else {
            1
        }
    }
}

/// `shaders/common.wgsl`'s `Frame`.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(super) struct FrameUniform {
    pub view_proj: [[f32; 4]; 4],
    pub viewport: [f32; 2],
    pub point_size: f32,
    pub round_points: u32,
    pub color_mode: u32,
    pub step: u32,
    pub ramp_min: f32,
    pub ramp_max: f32,
    pub phase: u32,
    pub index_base: u32,
    pub order_step: u32,
    pub ramp_axis: u32,
    pub order_run: u32,
    pub order_gap: u32,
    pub field_base: f32,
    pub field_scale: f32,
    pub tint: [f32; 4],
    pub ramp_colors: [[f32; 4]; RAMP_STOPS],
}

/// Size of [`FrameUniform`] in bytes.
pub(super) const FRAME_UNIFORM_SIZE: u64 = std::mem::size_of::<FrameUniform>() as u64;

impl FrameUniform {
    pub fn new(params: &FrameParams) -> FrameUniform {
        // A file without colours is drawn with a ramp whatever the mode says: the height, unless
        // the mode is a ramp of its own.
        let ramp = match params.color_mode {
            ColorMode::Ramp(ramp) => ramp,
            _ => Ramp {
                axis: RampAxis::Height,
                min: 0.0,
                max: 1.0,
                map: ColorMap::default(),
            },
        };
        let (color_mode, ramp_axis) = match params.color_mode {
            ColorMode::File => (0, 0),
            ColorMode::Ramp(_) => (1, ramp.axis.component(params.up).map_or(3, |c| c as u32)),
            ColorMode::Tint(_) => (2, 0),
            ColorMode::Column(c) => match c.kind {
                ColumnKind::Scalar => (1, 4),
                ColumnKind::Classes => (3, 0),
                ColumnKind::Vector => (4, 0),
            },
        };
        let (mut ramp_min, mut ramp_max) = (ramp.min, ramp.max);
        let (mut field_base, mut field_scale) = (0.0, 1.0);
        let mut ramp_colors = ramp.map.stops();
        if let ColorMode::Column(c) = params.color_mode {
            (ramp_min, ramp_max) = (c.min, c.max);
            field_base = c.read.base;
            // Vectors are read as colours are: integers normalised, the same factor.
            field_scale = c.read.step * stored_per_read(c.read.column.code);
            ramp_colors = match c.kind {
                ColumnKind::Classes => class_colors(),
                _ => c.map.stops(),
            };
        }
        let tint = match params.color_mode {
            ColorMode::Tint([r, g, b]) => [r, g, b, 1.0],
            _ => [0.0; 4],
        };
        let step = params.subsample.step.max(1);
        FrameUniform {
            view_proj: params.view_proj.to_cols_array_2d(),
            viewport: [
                params.viewport[0].max(1) as f32,
                params.viewport[1].max(1) as f32,
            ],
            point_size: params.pixel_size() as f32,
            round_points: u32::from(params.shape == PointShape::Round),
            color_mode,
            step,
            ramp_min,
            ramp_max,
            phase: params.subsample.phase % step,
            index_base: 0,
            order_step: 1,
            ramp_axis,
            order_run: 0,
            order_gap: 0,
            field_base,
            field_scale,
            tint,
            ramp_colors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uniform_matches_the_wgsl_struct() {
        // mat4 (64) + vec2 (8) + 12 scalars (48), padded to 16-byte alignment for the vec4
        // (16) and the ramp's stops (64 × 16), as WGSL lays out `Frame`.
        assert_eq!(FRAME_UNIFORM_SIZE, 144 + 1024);
        let source = super::super::shaders::COMMON_SOURCE;
        let fields: Vec<&str> = source
            .split("struct Frame {")
            .nth(1)
            .unwrap()
            .split('}')
            .next()
            .unwrap()
            .lines()
            .filter_map(|l| l.trim().split_once(':').map(|(name, _)| name))
            .filter(|n| !n.starts_with("//"))
            .collect();
        assert_eq!(
            fields,
            [
                "view_proj",
                "viewport",
                "point_size",
                "round_points",
                "color_mode",
                "step",
                "ramp_min",
                "ramp_max",
                "phase",
                "index_base",
                "order_step",
                "ramp_axis",
                "order_run",
                "order_gap",
                "field_base",
                "field_scale",
                "tint",
                "ramp_colors"
            ]
        );
    }

    #[test]
    fn point_sizes_are_whole_pixels() {
        let size = |point_size| {
            FrameParams {
                point_size,
                ..Default::default()
            }
            .pixel_size()
        };
        assert_eq!(
            [size(0.2), size(1.4), size(2.5), size(f32::NAN), size(1e9)],
            [1, 1, 3, 1, 4096]
        );
    }
}
