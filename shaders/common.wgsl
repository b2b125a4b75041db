// Shared by every point shader (prepended to points.wgsl, raster*.wgsl and resolve.wgsl when they
// are built): one cloud's parameters for this frame, colours, and the clip-volume test.

struct Frame {
    view_proj: mat4x4<f32>,
    // Render target size in pixels.
    viewport: vec2<f32>,
    // Width of a point in pixels.
    point_size: f32,
    // 1: round discs, 0: squares.
    round_points: u32,
    // 0: the file's colours; 1: a ramp over `ramp_min..ramp_max` of the height; 2: `tint`.
    color_mode: u32,
    // Vertices drawn: every `step`-th, starting at `phase` (1 and 0 draw all).
    step: u32,
    ramp_min: f32,
    ramp_max: f32,
    phase: u32,
    // Compute path: the draw order of vertex k is its position in the file (see `file_order`);
    // ties at equal depth go to the lower.
    index_base: u32,
    order_step: u32,
    // The height the ramp follows: 1 for y, 2 for z (the up axis of the file).
    ramp_axis: u32,
    // Vertices in a run of the cloud (0: the whole cloud is one run), and the file distance
    // between runs: an evenly spread sample is runs of consecutive vertices.
    order_run: u32,
    order_gap: u32,
    // One colour for every point (color_mode 2), as stored colours are (0 to 1).
    tint: vec4<f32>,
}

fn ramp(t: f32) -> vec3<f32> {
    let x = clamp(t, 0.0, 1.0);
    let low = mix(vec3<f32>(0.18, 0.0, 0.45), vec3<f32>(0.0, 0.55, 0.75), smoothstep(0.0, 0.35, x));
    let mid = mix(low, vec3<f32>(0.2, 0.8, 0.3), smoothstep(0.3, 0.65, x));
    return mix(mid, vec3<f32>(1.0, 0.85, 0.1), smoothstep(0.6, 1.0, x));
}

// Colour of a vertex at `position` whose file colour is `stored` (0 to 1).
fn shade(frame: Frame, position: vec3<f32>, stored: vec3<f32>) -> vec3<f32> {
    if frame.color_mode == 1u {
        let span = max(frame.ramp_max - frame.ramp_min, 1e-30);
        let height = select(position.y, position.z, frame.ramp_axis == 2u);
        return ramp((height - frame.ramp_min) / span);
    }
    if frame.color_mode == 2u {
        return frame.tint.rgb;
    }
    return stored;
}

// Inside the clip volume, tested in clip space (no division). Written so that NaN anywhere fails
// every comparison and is culled, which the rasteriser alone does not promise.
fn visible(clip: vec4<f32>) -> bool {
    return clip.w > 0.0 && all(abs(clip.xy) <= vec2<f32>(clip.w)) && clip.z >= 0.0 && clip.z <= clip.w;
}

// Whether vertex `index` of a draw is in this frame's subsample.
fn sampled(frame: Frame, index: u32) -> bool {
    return index >= frame.phase && (index - frame.phase) % frame.step == 0u;
}

// Pixels (y down) of the square a point of `size` pixels covers: an odd size centres on the pixel
// the point falls in, an even size on the nearest pixel corner, so it covers exactly size × size
// pixels. Returns the top-left pixel's centre.
fn footprint_origin(ndc: vec2<f32>, viewport: vec2<f32>, size: f32) -> vec2<f32> {
    let centre = (ndc * vec2<f32>(0.5, -0.5) + 0.5) * viewport;
    let even = (u32(size) % 2u) == 0u;
    let snapped = select(floor(centre) + 0.5, round(centre), even);
    return snapped - vec2<f32>(size * 0.5) + 0.5;
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let low = c / 12.92;
    let high = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(high, low, c <= vec3<f32>(0.04045));
}
