// The colour of a point (after common.wgsl, before a program that binds the frame's parameters as
// `frame`): the file's, a colormap over a coordinate, or one tint. It reads `frame` where it is
// bound rather than taking a copy: the colormap's stops make the struct a kilobyte.

// The colormap at `t` (0 to 1, clamped): between its two nearest stops.
fn ramp(t: f32) -> vec3<f32> {
    let x = clamp(t, 0.0, 1.0) * f32(RAMP_STOPS - 1u);
    let k = min(u32(x), RAMP_STOPS - 2u);
    return mix(frame.ramp_colors[k].rgb, frame.ramp_colors[k + 1u].rgb, x - f32(k));
}

// Classes past the table: hues a golden angle apart, so neighbouring values differ.
fn class_color(value: u32) -> vec3<f32> {
    if value < RAMP_STOPS {
        return frame.ramp_colors[value].rgb;
    }
    let h = fract(f32(value) * 0.618034) * 6.0;
    let rgb = clamp(abs(h - vec3<f32>(3.0, 2.0, 4.0)) * vec3<f32>(1.0, -1.0, -1.0) + vec3<f32>(-1.0, 2.0, 2.0), vec3<f32>(0.0), vec3<f32>(1.0));
    return mix(vec3<f32>(0.25), rgb, 0.75);
}

// Colour of the vertex at `position` whose file colour (or vector column) is `stored` (0 to 1
// for integers), whose scalar column reads `scalar`, and whose index in the file is `index`, by
// colour mode `mode` (the frame's, or a ramp for records without a colour).
fn shade(mode: u32, position: vec3<f32>, stored: vec3<f32>, scalar: f32, index: u32) -> vec3<f32> {
    let span = frame.ramp_max - frame.ramp_min;
    if mode == 1u {
        var value = position[min(frame.ramp_axis, 2u)];
        if frame.ramp_axis == 3u {
            value = f32(index);
        } else if frame.ramp_axis == 4u {
            value = frame.field_base + frame.field_scale * scalar;
        }
        // A range of zero width (all values equal) takes the map's middle.
        let t = select(0.5, (value - frame.ramp_min) / span, span != 0.0);
        return ramp(t);
    }
    if mode == 2u {
        return frame.tint.rgb;
    }
    if mode == 3u {
        let value = round(frame.field_base + frame.field_scale * scalar);
        return class_color(u32(max(value, 0.0)));
    }
    if mode == 4u {
        let value = frame.field_base + frame.field_scale * stored;
        return select(vec3<f32>(0.5), (value - frame.ramp_min) / span, span != 0.0);
    }
    return stored;
}

// The draw order of cloud vertex `k`: its index in the file (modulo 2³²), `index_base +
// (k / order_run) * order_gap + (k % order_run) * order_step`, or without runs `index_base + k *
// order_step`.
fn file_order(k: u32) -> u32 {
    if frame.order_run == 0u {
        return frame.index_base + k * frame.order_step;
    }
    return frame.index_base + (k / frame.order_run) * frame.order_gap + (k % frame.order_run) * frame.order_step;
}
