// The colour of a point (after common.wgsl, before a program that binds the frame's parameters as
// `frame`): the file's, a colormap over a coordinate, or one tint. It reads `frame` where it is
// bound rather than taking a copy: the colormap's stops make the struct a kilobyte.

// The colormap at `t` (0 to 1, clamped): between its two nearest stops.
fn ramp(t: f32) -> vec3<f32> {
    let x = clamp(t, 0.0, 1.0) * f32(RAMP_STOPS - 1u);
    let k = min(u32(x), RAMP_STOPS - 2u);
    return mix(frame.ramp_colors[k].rgb, frame.ramp_colors[k + 1u].rgb, x - f32(k));
}

// Colour of a vertex at `position` whose file colour is `stored` (0 to 1), by colour mode `mode`
// (the frame's, or a ramp for records without a colour).
fn shade(mode: u32, position: vec3<f32>, stored: vec3<f32>) -> vec3<f32> {
    if mode == 1u {
        let span = frame.ramp_max - frame.ramp_min;
        let value = position[min(frame.ramp_axis, 2u)];
        // A range of zero width (all values equal) takes the map's middle.
        let t = select(0.5, (value - frame.ramp_min) / span, span != 0.0);
        return ramp(t);
    }
    if mode == 2u {
        return frame.tint.rgb;
    }
    return stored;
}

