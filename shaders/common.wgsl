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
    // 0: the file's colours; 1: the colormap `ramp_colors` over `ramp_min..ramp_max` of
    // `ramp_axis`; 2: `tint`; 3: classes, a colour per whole value of the scalar column
    // (`ramp_colors` for 0 to 63); 4: a vector column as red, green, blue, each component over
    // `ramp_min..ramp_max`.
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
    // What the ramp follows: 0 x, 1 y, 2 z, 3 the vertex's index in the file, 4 the scalar
    // column.
    ramp_axis: u32,
    // Vertices in a run of the cloud (0: the whole cloud is one run), and the file distance
    // between runs: an evenly spread sample is runs of consecutive vertices.
    order_run: u32,
    order_gap: u32,
    // A column's value is `field_base + field_scale · read`, `read` being what its vertex
    // format gives (integers normalised): the stored value, or one encoded in converted records.
    field_base: f32,
    field_scale: f32,
    // One colour for every point (color_mode 2), as stored colours are (0 to 1).
    tint: vec4<f32>,
    // The colormap (color_mode 1): RAMP_STOPS colours of its table, evenly spaced from 0 to 1.
    ramp_colors: array<vec4<f32>, 64>,
}

const RAMP_STOPS: u32 = 64u;

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

// Eye-dome lighting (Boucheny), shared by the compute path's resolve and the pass over a depth
// texture: log2 of the eye distance, but for a constant, of a point at NDC depth `d` (d = 1 -
// near/e for a perspective projection with a far plane far beyond, linear for clip-space data).
fn log_distance(d: f32) -> f32 {
    return -log2(max(1.0 - d, 1e-7));
}

// The shade (0 to 1) of a pixel at NDC depth `here` whose 8 neighbours are at `around` (a value
// of 2 or more where nothing was drawn): the mean of how much nearer they are, in log distance,
// through exp(-45 · strength · x). Potree weighs it by 300, but its points are several pixels
// wide; here neighbours are mostly other points, and 45 keeps the steps within a surface from
// drowning its silhouettes.
fn eye_dome_shade(here: f32, around: array<f32, 8>, strength: f32) -> f32 {
    let mine = log_distance(here);
    var nearer = 0.0;
    for (var i = 0u; i < 8u; i++) {
        if around[i] < 2.0 {
            nearer += max(0.0, mine - log_distance(around[i]));
        }
    }
    return exp(-45.0 * strength * nearer / 8.0);
}

// The 8 neighbours of a pixel, in the order `eye_dome_shade` takes them.
const NEIGHBOURS = array<vec2<i32>, 8>(
    vec2<i32>(-1, -1), vec2<i32>(0, -1), vec2<i32>(1, -1), vec2<i32>(-1, 0),
    vec2<i32>(1, 0), vec2<i32>(-1, 1), vec2<i32>(0, 1), vec2<i32>(1, 1),
);
