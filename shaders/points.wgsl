// The pipeline path (after common.wgsl): points of a vertex file drawn by the fixed-function
// rasteriser, straight from the file's bytes.
//
// The vertex buffer is the file itself, read through vertex formats chosen for its layout (the
// default record: Float32x2 + Float32 position at 0, Unorm16x2 + Unorm16 colour at 12): the
// position as xy and z, the colour as red-green and blue, already 0 to 1. A layout without a
// colour binds the position there too, and the ramp colours it. `vs_point` draws a point list
// (one pixel each); `vs_quad` draws one screen-aligned quad per vertex (the buffer stepped per
// instance) for larger points.
//
// The index of a vertex within its cloud (to draw a subsample, and to colour by the index in the
// file) arrives as the first instance of a point-list draw plus the vertex index, and as
// vertex_index / 6 plus the instance index of a quad draw: the piece's first vertex, or that
// modulo the subsample's step where it does not fit.

@group(0) @binding(0) var<uniform> frame: Frame;

// True when the target re-encodes to sRGB on write: the shader undoes it, so stored values reach
// the screen as they are. Fixed per pipeline, as the target format is.
override SRGB_TARGET: bool = false;
// False for layouts without a colour: the height ramp then colours every point.
override HAS_COLOR: bool = true;

struct VertexIn {
    @location(0) xy: vec2<f32>,
    @location(3) z: f32,
    @location(1) red_green: vec2<f32>,
    @location(2) blue: f32,
    // The scalar column (the position's x when the frame colours by none).
    @location(4) scalar: f32,
}

struct PointOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec3<f32>,
}

struct QuadOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec3<f32>,
    // Position within the quad, -1 to 1 on both axes.
    @location(1) local: vec2<f32>,
}

// Far outside the clip volume: the rasteriser drops whatever uses it.
const CULLED = vec4<f32>(0.0, 0.0, -2.0, 1.0);

fn position(v: VertexIn) -> vec3<f32> {
    return vec3<f32>(v.xy, v.z);
}

// The colour of `v`, the `k`-th vertex of its cloud.
fn point_color(v: VertexIn, k: u32) -> vec3<f32> {
    // Without a colour in the records, the file's colours are the height ramp's.
    let mode = select(frame.color_mode, 1u, !HAS_COLOR && frame.color_mode == 0u);
    return shade(mode, position(v), vec3<f32>(v.red_green, v.blue), v.scalar, file_order(k));
}

@vertex
fn vs_point(@builtin(vertex_index) index: u32, @builtin(instance_index) start: u32, v: VertexIn) -> PointOut {
    var out: PointOut;
    let clip = frame.view_proj * vec4<f32>(position(v), 1.0);
    out.clip = select(CULLED, clip, visible(clip) && sampled(frame, start + index));
    out.color = point_color(v, start + index);
    return out;
}

@vertex
fn vs_quad(@builtin(vertex_index) corner: u32, @builtin(instance_index) index: u32, v: VertexIn) -> QuadOut {
    var out: QuadOut;
    out.color = point_color(v, corner / 6u + index);
    let clip = frame.view_proj * vec4<f32>(position(v), 1.0);
    if !visible(clip) || !sampled(frame, corner / 6u + index) {
        out.clip = CULLED;
        out.local = vec2<f32>(0.0);
        return out;
    }
    let ndc = clip.xyz / clip.w;
    // Work in pixels (y down) so the quad covers whole pixels.
    let size = max(round(frame.point_size), 1.0);
    let top_left = footprint_origin(ndc.xy, frame.viewport, size) - 0.5;
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, -1.0), vec2<f32>(-1.0, 1.0),
        vec2<f32>(-1.0, 1.0), vec2<f32>(1.0, -1.0), vec2<f32>(1.0, 1.0),
    );
    let local = corners[corner % 6u];
    let pixel = top_left + (local * 0.5 + 0.5) * size;
    let xy = (pixel / frame.viewport - 0.5) * vec2<f32>(2.0, -2.0);
    out.clip = vec4<f32>(xy, ndc.z, 1.0);
    out.local = local;
    return out;
}

fn output(color: vec3<f32>) -> vec4<f32> {
    if SRGB_TARGET {
        return vec4<f32>(srgb_to_linear(color), 1.0);
    }
    return vec4<f32>(color, 1.0);
}

@fragment
fn fs_point(in: PointOut) -> @location(0) vec4<f32> {
    return output(in.color);
}

@fragment
fn fs_quad(in: QuadOut) -> @location(0) vec4<f32> {
    // Discs: keep the pixels whose centres lie within the circle.
    if frame.round_points == 1u && dot(in.local, in.local) > 1.0 {
        discard;
    }
    return output(in.color);
}
