//! The colormaps a ramp colours points by: the perceptually uniform maps scientists expect
//! (matplotlib's viridis, magma, inferno, plasma and cividis, Google's turbo), a grey ramp and a
//! diverging map for signed values, all from the published tables through the `colorous` crate.
//! The shaders get each map as [`RAMP_STOPS`] evenly spaced colours of its table and interpolate
//! between them.

use std::fmt;

/// Colours of a map the shaders interpolate between: 64 of the tables' 256, so that nowhere
/// does the interpolated colour stray more than a unit or two of 8 bits from the table's.
pub const RAMP_STOPS: usize = 64;

/// A colormap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColorMap {
    /// Dark blue to yellow, perceptually uniform (matplotlib's default).
    #[default]
    Viridis,
    /// Black through purple to pale yellow.
    Magma,
    /// Black through red to pale yellow.
    Inferno,
    /// Dark blue through magenta to yellow.
    Plasma,
    /// Blue to yellow, uniform also for red-green colour blindness.
    Cividis,
    /// Dark blue through green to dark red: a rainbow with even steps.
    Turbo,
    /// Black to white.
    Grey,
    /// Red through white to blue, for signed values (white at the middle of the range).
    RedBlue,
}

impl ColorMap {
    /// Every map, in the order `--help` lists them.
    pub const ALL: [ColorMap; 8] = [
        ColorMap::Viridis,
        ColorMap::Magma,
        ColorMap::Inferno,
        ColorMap::Plasma,
        ColorMap::Cividis,
        ColorMap::Turbo,
        ColorMap::Grey,
        ColorMap::RedBlue,
    ];

    /// The map's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ColorMap::Viridis => "viridis",
            ColorMap::Magma => "magma",
            ColorMap::Inferno => "inferno",
            ColorMap::Plasma => "plasma",
            ColorMap::Cividis => "cividis",
            ColorMap::Turbo => "turbo",
            ColorMap::Grey => "grey",
            ColorMap::RedBlue => "red-blue",
        }
    }

    /// The map called `name`.
    pub fn from_name(name: &str) -> Option<ColorMap> {
        ColorMap::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The next map (the viewer's M key).
    pub fn next(self) -> ColorMap {
        let at = ColorMap::ALL.iter().position(|&m| m == self).unwrap_or(0);
        ColorMap::ALL[(at + 1) % ColorMap::ALL.len()]
    }

    /// The map's colour at `t` from 0 to 1, as its table gives it.
    pub fn color(self, t: f64) -> [u8; 3] {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let c = match self {
            ColorMap::Viridis => colorous::VIRIDIS.eval_continuous(t),
            ColorMap::Magma => colorous::MAGMA.eval_continuous(t),
            ColorMap::Inferno => colorous::INFERNO.eval_continuous(t),
            ColorMap::Plasma => colorous::PLASMA.eval_continuous(t),
            ColorMap::Cividis => colorous::CIVIDIS.eval_continuous(t),
            ColorMap::Turbo => colorous::TURBO.eval_continuous(t),
            // colorous's greys run from white to black.
            ColorMap::Grey => colorous::GREYS.eval_continuous(1.0 - t),
            ColorMap::RedBlue => colorous::RED_BLUE.eval_continuous(t),
        };
        [c.r, c.g, c.b]
    }

    /// The stops the shaders interpolate between: stop `k` is [`color`](Self::color) at
    /// `k / (RAMP_STOPS - 1)`, from 0 to 1 a channel.
    pub fn stops(self) -> [[f32; 4]; RAMP_STOPS] {
        std::array::from_fn(|k| {
            let [r, g, b] = self.color(k as f64 / (RAMP_STOPS - 1) as f64);
            [r, g, b, 255].map(|c| f32::from(c) / 255.0)
        })
    }
}

impl fmt::Display for ColorMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_maps_are_their_tables() {
        for map in ColorMap::ALL {
            assert_eq!(ColorMap::from_name(map.name()), Some(map));
        }
        assert_eq!(ColorMap::from_name("rainbow"), None);
        // Published end points: viridis #440154 to #fde725, turbo from #23171b.
        assert_eq!(ColorMap::Viridis.color(0.0), [0x44, 0x01, 0x54]);
        assert_eq!(ColorMap::Viridis.color(1.0), [0xfd, 0xe7, 0x25]);
        assert_eq!(ColorMap::Grey.color(0.0), [0, 0, 0]);
        assert_eq!(ColorMap::Grey.color(1.0), [255, 255, 255]);
        assert_eq!(
            ColorMap::Viridis.color(f64::NAN),
            ColorMap::Viridis.color(0.0)
        );
        let stops = ColorMap::Magma.stops();
        assert_eq!(
            stops[0][..3],
            ColorMap::Magma.color(0.0).map(|c| f32::from(c) / 255.0)
        );
        assert_eq!(ColorMap::Viridis.next(), ColorMap::Magma);
        assert_eq!(ColorMap::RedBlue.next(), ColorMap::Viridis);
    }

    #[test]
    fn the_stops_stay_within_two_units_of_the_table_between_them() {
        for map in ColorMap::ALL {
            let stops = map.stops();
            for i in 0..=1000 {
                let t = i as f64 / 1000.0;
                let x = t * (RAMP_STOPS - 1) as f64;
                let k = (x as usize).min(RAMP_STOPS - 2);
                let f = (x - k as f64) as f32;
                let table = map.color(t);
                for c in 0..3 {
                    let mixed = stops[k][c] * (1.0 - f) + stops[k + 1][c] * f;
                    let diff = (mixed * 255.0 - f32::from(table[c])).abs();
                    assert!(diff <= 2.5, "{map} at {t}: channel {c} off by {diff}");
                }
            }
        }
    }
}
