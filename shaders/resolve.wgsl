// The compute rasteriser's resolve (after common.wgsl): one full-screen triangle in the caller's
// render pass that writes each lit pixel's colour and, through frag_depth, its depth, so points
// depth-test against whatever else the pass draws, before or after. With eye-dome lighting, each
// lit pixel is darkened where its neighbours' points are nearer (Boucheny's screen-space shading,
// as CloudCompare and Potree draw colourless scans), so silhouettes and steps read as 3D; the
// depth written stays the point's own.

struct Target {
    size: vec2<u32>,
    // Eye-dome lighting's strength: 0 is off.
    edl: f32,
}

@group(0) @binding(0) var<uniform> pixels: Target;
// Per pixel, the word holding ~depth (zero where nothing was drawn) is word
// `pixel * DEPTH_WORDS + DEPTH_WORDS - 1`: the high word of a 64-bit key, or a 32-bit depth.
@group(0) @binding(1) var<storage, read> depths: array<u32>;
@group(0) @binding(2) var<storage, read> colors: array<vec2<u32>>;

override DEPTH_WORDS: u32 = 2u;
override SRGB_TARGET: bool = false;

@vertex
fn vs_resolve(@builtin(vertex_index) corner: u32) -> @builtin(position) vec4<f32> {
    // A triangle that covers the whole target.
    let uv = vec2<f32>(f32((corner << 1u) & 2u), f32(corner & 2u));
    return vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
}

// The stored depth word of pixel `p`, 0 where nothing was drawn or off the target.
fn depth_word(p: vec2<i32>) -> u32 {
    if any(p < vec2<i32>(0)) || any(vec2<u32>(p) >= pixels.size) {
        return 0u;
    }
    let at = u32(p.y) * pixels.size.x + u32(p.x);
    return depths[at * DEPTH_WORDS + DEPTH_WORDS - 1u];
}

// The eye-dome shade of pixel `p`, whose depth word is `word` (see `eye_dome_shade`).
fn eye_dome(p: vec2<i32>, word: u32) -> f32 {
    var around: array<f32, 8>;
    for (var i = 0u; i < 8u; i++) {
        let w = depth_word(p + NEIGHBOURS[i]);
        around[i] = select(2.0, bitcast<f32>(~w), w != 0u);
    }
    return eye_dome_shade(bitcast<f32>(~word), around, pixels.edl);
}

struct Lit {
    color: vec4<f32>,
    depth: f32,
}

fn lit(position: vec4<f32>) -> Lit {
    let pixel = vec2<u32>(position.xy);
    if any(pixel >= pixels.size) {
        discard;
    }
    let at = pixel.y * pixels.size.x + pixel.x;
    let depth = depths[at * DEPTH_WORDS + DEPTH_WORDS - 1u];
    if depth == 0u {
        discard;
    }
    let packed = colors[at];
    var c = vec3<f32>(vec3<u32>(packed.x & 0xffffu, packed.x >> 16u, packed.y & 0xffffu)) / 65535.0;
    if pixels.edl > 0.0 {
        c *= eye_dome(vec2<i32>(pixel), depth);
    }
    if SRGB_TARGET {
        c = srgb_to_linear(c);
    }
    return Lit(vec4<f32>(c, 1.0), bitcast<f32>(~depth));
}

struct WithDepth {
    @location(0) color: vec4<f32>,
    @builtin(frag_depth) depth: f32,
}

@fragment
fn fs_resolve(@builtin(position) position: vec4<f32>) -> WithDepth {
    let l = lit(position);
    return WithDepth(l.color, l.depth);
}

// For targets without a depth attachment.
@fragment
fn fs_resolve_color(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    return lit(position).color;
}
