// Points of a vertex file, drawn straight from the file's bytes.
//
// The vertex buffer is the file itself: 20-byte stride, Float32x3 position at 0, Uint16x2 red and
// green at 12, Uint16 blue at 16. `vs_point` draws a point list (one pixel each); `vs_quad` draws
// one screen-aligned quad per vertex (the buffer stepped per instance) for larger points.

struct Frame {
    view_proj: mat4x4<f32>,
    // Render target size in pixels.
    viewport: vec2<f32>,
    // Width of a point in pixels (vs_quad only).
    point_size: f32,
    // 1: round discs, 0: squares (vs_quad only).
    round_points: u32,
    // 0: the file's colours; 1: a ramp over `ramp_min..ramp_max` of the height (y).
    color_mode: u32,
    _padding: u32,
    ramp_min: f32,
    ramp_max: f32,
}

@group(0) @binding(0) var<uniform> frame: Frame;

// True when the target re-encodes to sRGB on write: the shader undoes it, so stored values reach
// the screen as they are. Fixed per pipeline, as the target format is.
override SRGB_TARGET: bool = false;

struct VertexIn {
    @location(0) position: vec3<f32>,
    @location(1) red_green: vec2<u32>,
    @location(2) blue: u32,
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

fn ramp(t: f32) -> vec3<f32> {
    let x = clamp(t, 0.0, 1.0);
    let low = mix(vec3<f32>(0.18, 0.0, 0.45), vec3<f32>(0.0, 0.55, 0.75), smoothstep(0.0, 0.35, x));
    let mid = mix(low, vec3<f32>(0.2, 0.8, 0.3), smoothstep(0.3, 0.65, x));
    return mix(mid, vec3<f32>(1.0, 0.85, 0.1), smoothstep(0.6, 1.0, x));
}

fn point_color(v: VertexIn) -> vec3<f32> {
    if frame.color_mode == 1u {
        let span = max(frame.ramp_max - frame.ramp_min, 1e-30);
        return ramp((v.position.y - frame.ramp_min) / span);
    }
    return vec3<f32>(vec3<u32>(v.red_green, v.blue)) / 65535.0;
}

// Inside the clip volume, tested in clip space (no division). Written so that NaN anywhere fails
// every comparison and is culled, which the rasteriser alone does not promise.
fn visible(clip: vec4<f32>) -> bool {
    return clip.w > 0.0 && all(abs(clip.xy) <= vec2<f32>(clip.w)) && clip.z >= 0.0 && clip.z <= clip.w;
}

@vertex
fn vs_point(v: VertexIn) -> PointOut {
    var out: PointOut;
    let clip = frame.view_proj * vec4<f32>(v.position, 1.0);
    out.clip = select(CULLED, clip, visible(clip));
    out.color = point_color(v);
    return out;
}

@vertex
fn vs_quad(@builtin(vertex_index) corner: u32, v: VertexIn) -> QuadOut {
    var out: QuadOut;
    out.color = point_color(v);
    let clip = frame.view_proj * vec4<f32>(v.position, 1.0);
    if !visible(clip) {
        out.clip = CULLED;
        out.local = vec2<f32>(0.0);
        return out;
    }
    let ndc = clip.xyz / clip.w;
    // Work in pixels (y down) so the quad covers whole pixels: an odd size centres on the pixel
    // the point falls in, an even size on the nearest pixel corner.
    let centre = (ndc.xy * vec2<f32>(0.5, -0.5) + 0.5) * frame.viewport;
    let size = max(round(frame.point_size), 1.0);
    let even = (u32(size) % 2u) == 0u;
    let snapped = select(floor(centre) + 0.5, round(centre), even);
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, -1.0), vec2<f32>(-1.0, 1.0),
        vec2<f32>(-1.0, 1.0), vec2<f32>(1.0, -1.0), vec2<f32>(1.0, 1.0),
    );
    let local = corners[corner % 6u];
    let pixel = snapped + local * (size * 0.5);
    let xy = (pixel / frame.viewport - 0.5) * vec2<f32>(2.0, -2.0);
    out.clip = vec4<f32>(xy, ndc.z, 1.0);
    out.local = local;
    return out;
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let low = c / 12.92;
    let high = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(high, low, c <= vec3<f32>(0.04045));
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
