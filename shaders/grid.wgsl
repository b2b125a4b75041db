// A ground grid for the `embed` example: the engine's own geometry, drawn in the same pass and
// depth buffer as vertexview's points.

@group(0) @binding(0) var<uniform> view_proj: mat4x4<f32>;

struct Out {
    @builtin(position) clip: vec4<f32>,
    @location(0) shade: f32,
}

@vertex
fn vs_main(@location(0) position: vec3<f32>, @location(1) shade: f32) -> Out {
    return Out(view_proj * vec4<f32>(position, 1.0), shade);
}

@fragment
fn fs_main(in: Out) -> @location(0) vec4<f32> {
    return vec4<f32>(vec3<f32>(in.shade), 1.0);
}
