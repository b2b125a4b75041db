//! The flags that say how a picture looks, shared by `render` and `view`.

use clap::ValueEnum;
use glam::Vec3;
use vertexview::camera::{CameraMode, OrbitCamera, DEFAULT_PITCH, DEFAULT_YAW};
use vertexview::format::Up;
use vertexview::gpu::{ColorMap, ColorMode, PointShape, Ramp, RampAxis, Raster, RenderSettings};
use vertexview::load::sample::Framing;
use vertexview::Bounds;

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
    /// What colours the points: the file's colours, or a colormap over x, y, z or the height
    /// (the up axis). Default: the file's, or the height for files without colours.
    #[arg(long, value_enum, value_name = "FIELD")]
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
    /// scans read as 3D; an optional strength (default 1). Drawn by the compute rasteriser.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    File,
    X,
    Y,
    Z,
    Height,
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

    /// Exits with a usage error (status 2) where the flags contradict each other.
    pub fn check(&self) {
        if self.edl.is_some() && self.raster == RasterArg::Pipeline {
            use clap::CommandFactory;
            super::Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--edl is drawn by the compute rasteriser: it cannot be used with --raster pipeline",
                )
                .exit();
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
            Some(ColorArg::X) => RampAxis::X,
            Some(ColorArg::Y) => RampAxis::Y,
            Some(ColorArg::Z) => RampAxis::Z,
            _ => RampAxis::Height,
        }
    }

    /// The settings for data framed by `framing` (which only matters when
    /// [`needs_bounds`](Self::needs_bounds)) with `up` its up axis, for a file with colours or
    /// without.
    pub fn settings(&self, framing: Option<&Framing>, up: Up, colored: bool) -> RenderSettings {
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
            color_mode: if self.ramp(colored) {
                ColorMode::Ramp(self.ramp_over(framing, up))
            } else {
                ColorMode::File
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

/// The default range of a ramp over `axis`: its 2nd to 98th percentile over the sample.
pub fn default_range(framing: &Framing, axis: RampAxis, up: Up) -> Option<[f32; 2]> {
    framing.ramp_ranges.map(|r| r[axis.component(up)])
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
