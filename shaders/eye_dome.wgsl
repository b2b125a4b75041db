// Eye-dome lighting over a depth texture (after common.wgsl): one full-screen triangle drawn
// into the colour target with a multiplying blend (destination · source), so each pixel where
// something was drawn keeps its colour times its shade and nothing else is touched. The shade is
// the compute path's (`eye_dome_shade`), from the same NDC depths, so both paths light alike.

struct EyeDome {
    size: vec2<u32>,
    strength: f32,
}

@group(0) @binding(0) var<uniform> params: EyeDome;
// True when the target re-encodes to sRGB on write: the blend then multiplies linear values,
// and the shade is given in linear terms too (close to what shading the stored value gives).
override SRGB_TARGET: bool = false;
// The depth buffer, bound as unfilterable floats: GL has no texel fetch from depth textures.
@group(0) @binding(1) var depth: texture_2d<f32>;

@vertex
fn vs_eye_dome(@builtin(vertex_index) corner: u32) -> @builtin(position) vec4<f32> {
    let uv = vec2<f32>(f32((corner << 1u) & 2u), f32(corner & 2u));
    return vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
}

// The depth at `p`: 2 off the target or where nothing was drawn (the far plane, 1).
fn depth_at(p: vec2<i32>) -> f32 {
    if any(p < vec2<i32>(0)) || any(vec2<u32>(p) >= params.size) {
        return 2.0;
    }
    let d = textureLoad(depth, p, 0).r;
    return select(2.0, d, d < 1.0);
}

@fragment
fn fs_eye_dome(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    let p = vec2<i32>(position.xy);
    let here = depth_at(p);
    if here >= 2.0 {
        discard;
    }
    var around: array<f32, 8>;
    for (var i = 0u; i < 8u; i++) {
        around[i] = depth_at(p + NEIGHBOURS[i]);
    }
    var shade = vec3<f32>(eye_dome_shade(here, around, params.strength));
    if SRGB_TARGET {
        shade = srgb_to_linear(shade);
    }
    return vec4<f32>(shade, 1.0);
}
