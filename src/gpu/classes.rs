//! Colours of classes (LAS classification and other categorical columns): the ASPRS standard
//! classes in the colours lidar viewers give them (ground brown, vegetation greens, buildings
//! orange, water blue, noise magenta), and any other value a hue a golden angle from its
//! neighbour's, so that every class present gets a distinct, stable colour.

use super::colormap::RAMP_STOPS;

/// The ASPRS standard classes (LAS 1.4, table 17), 0 to 18, in 8-bit red, green, blue.
const STANDARD: [[u8; 3]; 19] = [
    [96, 96, 96],    // 0 created, never classified
    [170, 170, 170], // 1 unclassified
    [166, 110, 58],  // 2 ground
    [144, 238, 96],  // 3 low vegetation
    [52, 178, 52],   // 4 medium vegetation
    [16, 110, 32],   // 5 high vegetation
    [240, 140, 30],  // 6 building
    [230, 40, 230],  // 7 low point (noise)
    [230, 40, 40],   // 8 model key point (reserved in 1.4)
    [40, 100, 240],  // 9 water
    [120, 60, 150],  // 10 rail
    [70, 70, 80],    // 11 road surface
    [250, 230, 60],  // 12 overlap (reserved in 1.4)
    [250, 250, 190], // 13 wire guard
    [255, 255, 130], // 14 wire conductor
    [200, 170, 120], // 15 transmission tower
    [230, 200, 150], // 16 wire connector
    [140, 90, 200],  // 17 bridge deck
    [255, 60, 160],  // 18 high noise
];

/// The colour of class `class`, 0 to 1 a channel: a standard class's, or beyond them a hue a
/// golden angle (0.618 of the circle) on from the previous class's, at three-quarter
/// saturation. `shaders/shade.wgsl`'s `class_color` computes the same past [`RAMP_STOPS`].
pub fn class_color(class: u32) -> [f32; 3] {
    if let Some(c) = STANDARD.get(class as usize) {
        return c.map(|v| f32::from(v) / 255.0);
    }
    let h = (class as f32 * 0.618_034).fract() * 6.0;
    let channel = |offset: f32, sign: f32, add: f32| {
        let pure = ((h - offset).abs() * sign + add).clamp(0.0, 1.0);
        0.25 + (pure - 0.25) * 0.75
    };
    [
        channel(3.0, 1.0, -1.0),
        channel(2.0, -1.0, 2.0),
        channel(4.0, -1.0, 2.0),
    ]
}

/// Classes 0 to [`RAMP_STOPS`] − 1 as the shaders take them (in place of a colormap's stops).
pub fn class_colors() -> [[f32; 4]; RAMP_STOPS] {
    std::array::from_fn(|k| {
        let [r, g, b] = class_color(k as u32);
        [r, g, b, 1.0]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_256_classes_are_distinct() {
        let colors: Vec<[u8; 3]> = (0..256)
            .map(|c| class_color(c).map(|v| (v * 255.0).round() as u8))
            .collect();
        for (i, a) in colors.iter().enumerate() {
            for (j, b) in colors.iter().enumerate().skip(i + 1).take(12) {
                assert_ne!(a, b, "classes {i} and {j}");
            }
        }
        assert_eq!(colors[2], [166, 110, 58], "ground is brown");
        assert_eq!(colors[9], [40, 100, 240], "water is blue");
    }
}
