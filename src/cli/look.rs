//! The flags that say how a picture looks, shared by `render` and `view`.

use clap::ValueEnum;
use glam::Vec3;
use vertexview::camera::{CameraMode, OrbitCamera, DEFAULT_PITCH, DEFAULT_YAW};
use vertexview::format::ColumnKind;
use vertexview::format::Up;
use vertexview::gpu::{
    ColorMap, ColorMode, ColumnColors, PointShape, Ramp, RampAxis, Raster, RenderSettings,
};
use vertexview::load::sample::Framing;
use vertexview::load::{ColumnSample, VertexSource};
use vertexview::viewer::ColumnChoice;
use vertexview::Bounds;
use vertexview::LoadError;

#[derive(Debug, Clone, clap::Args)]
pub struct LookArgs {
    /// Image size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: [u32; 2],
    /// fit: perspective view of the whole data; ndc: positions are clip-space coordinates.
    #[arg(long, value_enum, default_value_t = CameraArg::Fit)]
    pub camera: CameraArg,
    /// Degrees around the vertical axis (fit camera); 0 looks from +z.
    #[arg(long, default_value_t = DEFAULT_YAW, allow_hyphen_values = true, value_parser = parse_finite)]
    pub yaw: f32,
    /// Degrees above the horizon (fit camera), -89 to 89.
    #[arg(long, default_value_t = DEFAULT_PITCH, allow_hyphen_values = true, value_parser = parse_pitch)]
    pub pitch: f32,
    /// Point width in pixels; 1 draws one pixel per vertex.
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true, value_parser = parse_point_size)]
    pub point_size: f32,
    /// Draw points wider than 1 pixel as round discs instead of squares.
    #[arg(long)]
    pub round: bool,
    /// What colours the points: `file` (the file's colours), a colormap over `x`, `y`, `z`,
    /// `height` (the up axis) or `index` (the position in the file), or any column of the
    /// records by name: a raw layout's field, a PLY property, a LAS attribute (intensity,
    /// classification, return_number, gps_time…). Classes get one colour each, vectors
    /// (normal) show as red, green, blue. Default: the file's, or the height without colours.
    #[arg(long, value_name = "FIELD", value_parser = parse_color_arg)]
    pub color: Option<ColorArg>,
    /// The same as `--color height`.
    #[arg(long)]
    pub height_colors: bool,
    /// The colormap of `--color x|y|z|height`: perceptually uniform maps (viridis, magma,
    /// inferno, plasma, cividis), turbo, grey, or red-blue for signed values.
    #[arg(long, default_value = "viridis", value_name = "NAME", value_parser = colormap_parser())]
    pub colormap: ColorMap,
    /// The values at the colormap's two ends, LO,HI (default: the 2nd and the 98th percentile
    /// of the coordinate over an evenly spread sample of the file).
    #[arg(long, value_parser = parse_range, allow_hyphen_values = true, value_name = "LO,HI")]
    pub range: Option<[f32; 2]>,
    /// Look at this point instead of the data's centre (fit camera), X,Y,Z.
    #[arg(long, value_parser = parse_vec3, allow_hyphen_values = true)]
    pub target: Option<Vec3>,
    /// Eye distance from the target instead of the fitted one (fit camera).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_distance)]
    pub distance: Option<f32>,
    /// Eye-dome lighting: darken pixels where nearer points stand beside them, so colourless
    /// scans read as 3D; an optional strength (default 1). Both rasterisers draw it alike.
    #[arg(long, value_name = "STRENGTH", num_args = 0..=1, default_missing_value = "1", value_parser = parse_strength)]
    pub edl: Option<f32>,
    /// Background colour, '#RRGGBB'.
    #[arg(long, default_value = "#000000", value_parser = parse_color)]
    pub background: [u8; 3],
    /// Rasteriser: compute (compute shaders), pipeline (fixed-function points), or auto (compute
    /// where the GPU supports it and it is faster).
    #[arg(long, value_enum, default_value_t = RasterArg::Auto)]
    pub raster: RasterArg,
    /// Which axis of the file is up (default: z for LAS files, y for others).
    #[arg(long, value_enum)]
    pub up: Option<UpArg>,
}

/// `--color`: the file's colours, a coordinate (or the index), or a column by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColorArg {
    File,
    Axis(RampAxis),
    Column(String),
}

fn parse_color_arg(s: &str) -> Result<ColorArg, String> {
    if s == "file" {
        return Ok(ColorArg::File);
    }
    if let Some(axis) = RampAxis::ALL.into_iter().find(|a| a.name() == s) {
        return Ok(ColorArg::Axis(axis));
    }
    if s.is_empty() || s.chars().any(char::is_whitespace) {
        return Err(format!(
            "'{s}' is not file, x, y, z, height, index or a column's name"
        ));
    }
    Ok(ColorArg::Column(s.to_owned()))
}

/// `--colormap`: the library's map names, listed in `--help` and in the error for another.
fn colormap_parser() -> impl clap::builder::TypedValueParser<Value = ColorMap> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(ColorMap::ALL.map(ColorMap::name))
        .map(|name| ColorMap::from_name(&name).unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpArg {
    Y,
    Z,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RasterArg {
    Auto,
    Compute,
    Pipeline,
}

impl From<RasterArg> for Raster {
    fn from(arg: RasterArg) -> Raster {
        match arg {
            RasterArg::Auto => Raster::Auto,
            RasterArg::Compute => Raster::Compute,
            RasterArg::Pipeline => Raster::Pipeline,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CameraArg {
    Fit,
    Ndc,
}

impl LookArgs {
    pub fn camera_mode(&self, bounds: Option<Bounds>) -> CameraMode {
        match (self.camera, self.target, self.distance) {
            (CameraArg::Ndc, _, _) => CameraMode::Ndc,
            (CameraArg::Fit, None, None) => CameraMode::Fit {
                yaw: self.yaw,
                pitch: self.pitch,
            },
            (CameraArg::Fit, target, distance) => {
                let aspect = self.size[0] as f32 / self.size[1] as f32;
                let fit = OrbitCamera::fit(bounds, self.yaw, self.pitch, aspect);
                CameraMode::Orbit {
                    target: target.unwrap_or(fit.target),
                    distance: distance.unwrap_or(fit.distance),
                    yaw: self.yaw,
                    pitch: self.pitch,
                }
            }
        }
    }

    /// Whether these flags draw a picture that depends on the data's bounding box.
    pub fn needs_bounds(&self, colored: bool) -> bool {
        self.camera == CameraArg::Fit || self.ramp(colored)
    }

    /// The up axis: the flag's, or the file's.
    pub fn up(&self, file: Up) -> Up {
        match self.up {
            Some(UpArg::Y) => Up::Y,
            Some(UpArg::Z) => Up::Z,
            None => file,
        }
    }

    /// Whether a ramp colours the points: asked for, or the file has no colours.
    pub fn ramp(&self, colored: bool) -> bool {
        match self.color {
            Some(ColorArg::File) => false,
            Some(_) => true,
            None => self.height_colors || !colored,
        }
    }

    /// The coordinate a ramp follows.
    pub fn ramp_axis(&self) -> RampAxis {
        match self.color {
            Some(ColorArg::Axis(axis)) => axis,
            _ => RampAxis::Height,
        }
    }

    /// The settings for data framed by `framing` (which only matters when
    /// [`needs_bounds`](Self::needs_bounds)) with `up` its up axis, for a file with colours or
    /// without, coloured by `column` where `--color` names one ([`column_colors`](Self::column_colors)).
    pub fn settings(
        &self,
        framing: Option<&Framing>,
        up: Up,
        colored: bool,
        column: Option<ColumnColors>,
    ) -> RenderSettings {
        let bounds = framing.and_then(|f| f.stats.bounds);
        let turned = vertexview::camera::turned_bounds(bounds, up);
        RenderSettings {
            size: self.size,
            camera: self.camera_mode(turned),
            point_size: self.point_size,
            shape: if self.round {
                PointShape::Round
            } else {
                PointShape::Square
            },
            color_mode: match (column, self.ramp(colored)) {
                (Some(column), _) => ColorMode::Column(column),
                (None, true) => ColorMode::Ramp(self.ramp_over(framing, up)),
                (None, false) => ColorMode::File,
            },
            background: self.background,
            raster: self.raster.into(),
            up,
            edl: self.edl.unwrap_or(0.0),
        }
    }
}

impl LookArgs {
    /// The ramp these flags ask for, over `--range` or the default range of its coordinate.
    pub fn ramp_over(&self, framing: Option<&Framing>, up: Up) -> Ramp {
        let axis = self.ramp_axis();
        let [min, max] = self
            .range
            .or_else(|| framing.and_then(|f| default_range(f, axis, up)))
            .unwrap_or([0.0, 1.0]);
        Ramp {
            axis,
            min,
            max,
            map: self.colormap,
        }
    }
}

/// The default range of a ramp over `axis`: its 2nd to 98th percentile over the sample, or
/// every index.
pub fn default_range(framing: &Framing, axis: RampAxis, up: Up) -> Option<[f32; 2]> {
    match axis.component(up) {
        Some(c) => framing.ramp_ranges.map(|r| r[c]),
        None => Some([0.0, framing.vertices.saturating_sub(1) as f32]),
    }
}

impl LookArgs {
    /// The files' framing (each file's evenly spread sample, merged) and, for `--color
    /// COLUMN`, the column in every file, read in the same pass over the same sample: its
    /// colours over `--range` or the 2nd to 98th percentile, each source set to carry it where
    /// its records are converted (one encoding for all, so one frame reads them all alike). A
    /// file without the column is an error naming those it has.
    pub fn frame(
        &self,
        sources: &mut [VertexSource],
    ) -> Result<(Framing, Option<ColumnChoice>), LoadError> {
        let name = match &self.color {
            Some(ColorArg::Column(name)) => Some(name),
            _ => None,
        };
        let columns = match name {
            Some(name) => Some(
                sources
                    .iter()
                    .map(|s| s.column(name))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let mut framings = Vec::new();
        let mut samples = Vec::new();
        for (i, source) in sources.iter().enumerate() {
            let column = columns.as_ref().map(|c| &c[i]);
            let (framing, sample) = source.framing_with(column)?;
            framings.push(framing);
            samples.extend(sample);
        }
        let framing = Framing::merge(&framings);
        let (Some(name), Some(columns)) = (name, columns) else {
            return Ok((framing, None));
        };
        let sample = merge_samples(&samples);
        let kind = columns[0].kind;
        let [min, max] = self
            .range
            .unwrap_or_else(|| default_column_range(&sample, kind));
        let range = [f64::from(min), f64::from(max)];
        let mut reads: Vec<_> = sources
            .iter_mut()
            .zip(&columns)
            .map(|(s, c)| s.column_read(c, &sample, range))
            .collect();
        if reads.windows(2).any(|w| w[0] != w[1]) {
            reads = sources
                .iter_mut()
                .zip(&columns)
                .map(|(s, c)| s.carry_column(c, &sample, range))
                .collect();
        }
        let colors = ColumnColors {
            read: reads[0],
            kind,
            min,
            max,
            map: self.colormap,
        };
        let classes = (kind == ColumnKind::Classes)
            .then_some(sample.classes)
            .flatten();
        let choice = ColumnChoice {
            name: name.clone(),
            colors,
            classes,
        };
        Ok((framing, Some(choice)))
    }
}

/// Several files' samples of a column as one: the widest extremes and percentiles, all
/// classes (none if any file has too many).
fn merge_samples(all: &[ColumnSample]) -> ColumnSample {
    let widest = |pick: fn(&ColumnSample) -> Option<[f64; 2]>| {
        all.iter()
            .filter_map(pick)
            .reduce(|a, b| [a[0].min(b[0]), a[1].max(b[1])])
    };
    let classes = all
        .iter()
        .map(|s| s.classes.clone())
        .collect::<Option<Vec<_>>>()
        .map(|c| {
            let mut c: Vec<i64> = c.concat();
            c.sort_unstable();
            c.dedup();
            c
        });
    ColumnSample {
        extremes: widest(|s| s.extremes),
        range: widest(|s| s.range),
        classes,
    }
}

/// A column's default range: the sample's 2nd to 98th percentile, symmetric about 0 for a
/// vector with components of both signs (a normal's run from −1 to 1).
fn default_column_range(sample: &ColumnSample, kind: ColumnKind) -> [f32; 2] {
    let Some([lo, hi]) = sample.range.or(sample.extremes) else {
        return [0.0, 1.0];
    };
    let [lo, hi] = if kind == ColumnKind::Vector && lo < 0.0 && hi > 0.0 {
        let m = lo.abs().max(hi);
        [-m, m]
    } else {
        [lo, hi]
    };
    [lo as f32, hi as f32]
}

fn parse_strength(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a strength (a number, 0 or more, such as 1)"
        )),
    }
}

fn parse_range(s: &str) -> Result<[f32; 2], String> {
    let bad = || format!("'{s}' is not LO,HI with two finite numbers, such as 0,100");
    let (lo, hi) = s.split_once(',').ok_or_else(bad)?;
    let value = |v: &str| v.trim().parse::<f32>().ok().filter(|x| x.is_finite());
    match (value(lo), value(hi)) {
        (Some(lo), Some(hi)) => Ok([lo, hi]),
        _ => Err(bad()),
    }
}

fn parse_size(s: &str) -> Result<[u32; 2], String> {
    let bad = || format!("'{s}' is not WIDTHxHEIGHT, such as 1920x1080");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|&n| (1..=16384).contains(&n))
    };
    Ok([side(w).ok_or_else(bad)?, side(h).ok_or_else(bad)?])
}

/// Every float flag goes through here: NaN and infinities are usage errors, whichever flag.
pub fn parse_finite(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("'{s}' is not a finite number")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

fn parse_pitch(s: &str) -> Result<f32, String> {
    parse_finite(s)?;
    s.trim()
        .parse::<f32>()
        .ok()
        .filter(|v| (-90.0..=90.0).contains(v))
        .ok_or_else(|| format!("'{s}' is not a pitch from -90 to 90 degrees"))
}

fn parse_point_size(s: &str) -> Result<f32, String> {
    parse_finite(s)?;
    s.trim()
        .parse::<f32>()
        .ok()
        .filter(|v| (1.0..=256.0).contains(v))
        .ok_or_else(|| format!("'{s}' is not a point size from 1 to 256"))
}

fn parse_color(s: &str) -> Result<[u8; 3], String> {
    let hex = s.strip_prefix('#').unwrap_or(s);
    let bad = || format!("'{s}' is not a colour like '#1e1e2e'");
    if hex.len() != 6 || !hex.is_ascii() {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok([byte(0)?, byte(2)?, byte(4)?])
}

fn parse_vec3(s: &str) -> Result<Vec3, String> {
    let parts: Vec<f32> = s.split(',').filter_map(|p| parse_finite(p).ok()).collect();
    match parts[..] {
        [x, y, z] if s.split(',').count() == 3 => Ok(Vec3::new(x, y, z)),
        _ => Err(format!("'{s}' is not three finite numbers X,Y,Z")),
    }
}

fn parse_distance(s: &str) -> Result<f32, String> {
    parse_finite(s)?;
    s.trim()
        .parse::<f32>()
        .ok()
        .filter(|d| *d > 0.0)
        .ok_or_else(|| format!("'{s}' is not a positive distance"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_parsers() {
        assert_eq!(parse_size("1920x1080"), Ok([1920, 1080]));
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("wide").is_err());
        assert_eq!(parse_color("#1E1e2e"), Ok([0x1e, 0x1e, 0x2e]));
        assert!(parse_color("#12345").is_err());
        assert!(parse_color("#ééé").is_err());
        assert!(parse_point_size("0.5").is_err());
        assert!(parse_point_size("NaN").is_err());
        assert_eq!(parse_vec3("1,-2.5,3"), Ok(Vec3::new(1.0, -2.5, 3.0)));
        assert!(parse_vec3("1,2").is_err());
        assert!(parse_vec3("1,2,inf").is_err());
        assert!(parse_distance("-1").is_err());
        for bad in ["nan", "NaN", "inf", "-inf", "infinity", "1e39"] {
            assert!(parse_finite(bad).is_err(), "{bad}");
            assert!(parse_pitch(bad).is_err(), "{bad}");
            assert!(parse_distance(bad).is_err(), "{bad}");
            assert!(parse_point_size(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_finite("-12.5"), Ok(-12.5));
        assert!(parse_pitch("91").is_err());
    }
}
