// The compute rasteriser's resolve (after common.wgsl): one full-screen triangle in the caller's
// render pass that writes each lit pixel's colour and, through frag_depth, its depth, so points
// depth-test against whatever else the pass draws, before or after.

struct Target {
    size: vec2<u32>,
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
