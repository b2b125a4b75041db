// The plainest pipeline that draws a vertex file: transform, decode the colour, write it.
// benches/gpu.rs draws the same points with it to show vertexview's own overhead as a ratio.

@group(0) @binding(0) var<uniform> view_proj: mat4x4<f32>;

struct Out {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec3<f32>,
}

@vertex
fn vs(@location(0) p: vec3<f32>, @location(1) rg: vec2<u32>, @location(2) b: u32) -> Out {
    return Out(view_proj * vec4<f32>(p, 1.0), vec3<f32>(vec3<u32>(rg, b)) / 65535.0);
}

@fragment
fn fs(i: Out) -> @location(0) vec4<f32> {
    return vec4<f32>(i.color, 1.0);
}
