// The compute rasteriser (after common.wgsl): points drawn by compute threads with atomics on
// per-pixel buffers, then resolved into the caller's render pass by resolve.wgsl.
//
// Every pixel ends up with the nearest point, and of points at equal depth the one drawn first
// (the lowest draw order: file order, then cloud order), as a `Less` depth test gives in draw
// order. Depth bits and draw order are stored inverted so that buffers cleared to zero are empty
// and atomicMax keeps the winner. Two ways, chosen by the device's features:
// - 64-bit atomics (raster64.wgsl): `depth64` keeps max(~(depth << 32 | order)) per pixel in one
//   pass; then the one winner's colour is written.
// - 32-bit atomics: `depth32` keeps the nearest depth, `index32` the first order at that depth,
//   then the winner's colour is written.
// The colour is written by a pass over the points (`color*_pass`: the point whose key is the
// pixel's), or by a pass over the pixels (`color*_pixels`: the pixel fetches its winner's colour
// when the winner is in the range bound), whichever has less to do.
// A raster target accumulates over several dispatches (streamed pieces, progressive frames), in
// any order: what a pixel shows depends only on which points have been drawn.

// One binding range of a cloud's vertex buffer: `count` vertices, the first of which is vertex
// `first` of the cloud.
struct Range {
    first: u32,
    count: u32,
    _padding: vec2<u32>,
}

struct Target {
    size: vec2<u32>,
}

// Group 0: this view of the cloud (its parameters this frame); group 1: the target's pixels;
// group 2: one binding range of the cloud's vertices, made once with the cloud.
@group(0) @binding(0) var<uniform> frame: Frame;
@group(2) @binding(0) var<uniform> range: Range;
// The vertex bytes, unchanged, as 32-bit words.
@group(2) @binding(1) var<storage, read> words: array<u32>;

@group(1) @binding(0) var<uniform> pixels: Target;
@group(1) @binding(2) var<storage, read> keys: array<vec2<u32>>;
@group(1) @binding(3) var<storage, read_write> depth32: array<atomic<u32>>;
@group(1) @binding(4) var<storage, read_write> index32: array<atomic<u32>>;
@group(1) @binding(5) var<storage, read> depth32_read: array<u32>;
@group(1) @binding(6) var<storage, read> index32_read: array<u32>;
@group(1) @binding(7) var<storage, read_write> colors: array<vec2<u32>>;

// The record layout, as the GPU reads it in place: words from one record to the next; the
// position's byte offset and type (float32, or half when POS_HALF); the colour's byte offset and
// type (COLOR_KIND 0: none, the height ramp colours the point; 1: 8-bit; 2: 16-bit unsigned;
// 3: half; 4: float32).
override STRIDE_WORDS: u32 = 5u;
override POS_OFFSET: u32 = 0u;
override POS_HALF: bool = false;
override COLOR_KIND: u32 = 2u;
override COLOR_OFFSET: u32 = 12u;
// The scalar column a ramp may follow (SCALAR_KIND 0: none; 1: u8; 2: i8; 3: u16; 4: i16;
// 5: half; 6: float32), read normalised as the pipeline path's vertex formats read it.
override SCALAR_KIND: u32 = 0u;
override SCALAR_OFFSET: u32 = 0u;
// Without a depth attachment the pipeline path lets the last point drawn win; so does this.
override DEPTH_TEST: bool = true;
// Points larger than one pixel: each thread splats one footprint. One-pixel points: each
// thread draws several points, which lavapipe runs much faster than one point a thread.
override SPLAT: bool = false;

const WORKGROUP: u32 = 64u;
// Points a thread draws when they are one pixel each.
const POINTS_PER_THREAD: u32 = 8u;

fn per_thread() -> u32 {
    return select(POINTS_PER_THREAD, 1u, SPLAT);
}

// A vertex as the passes need it: where its footprint starts, how deep it is, its draw order.
struct Point {
    visible: bool,
    // Centre of the footprint's top-left pixel, in pixels (y down).
    origin: vec2<f32>,
    size: u32,
    depth_bits: u32,
    order: u32,
}

// The `k`-th vertex this thread draws (an index within the range; past `range.count` when there
// is none). A workgroup draws a run of samples; consecutive threads take consecutive samples.
// Dispatches wider than 65535 workgroups continue in y.
fn thread_vertex(group: vec3<u32>, groups: vec3<u32>, local: u32, k: u32) -> u32 {
    let run = (group.y * groups.x + group.x) * per_thread() + k;
    let sample = run * WORKGROUP + local;
    let first_sampled = (frame.phase + frame.step - range.first % frame.step) % frame.step;
    return first_sampled + sample * frame.step;
}

// The 16 bits at byte `at` of the vertex data (2-aligned).
fn half_word(at: u32) -> u32 {
    return (words[at >> 2u] >> ((at & 2u) * 8u)) & 0xffffu;
}

fn byte(at: u32) -> u32 {
    return (words[at >> 2u] >> ((at & 3u) * 8u)) & 0xffu;
}

// The half float at byte `at`, widened by hand: unpack2x16float needs a capability not every
// device has.
fn half_float(at: u32) -> f32 {
    let h = half_word(at);
    let sign = (h >> 15u) << 31u;
    let exponent = (h >> 10u) & 0x1fu;
    let mantissa = h & 0x3ffu;
    if exponent == 0u {
        // Zero and subnormals: mantissa · 2⁻²⁴.
        let magnitude = f32(mantissa) * 5.9604645e-8;
        return select(magnitude, -magnitude, sign != 0u);
    }
    if exponent == 31u {
        return bitcast<f32>(sign | 0x7f800000u | (mantissa << 13u));
    }
    return bitcast<f32>(sign | ((exponent + 112u) << 23u) | (mantissa << 13u));
}

fn position_of(i: u32) -> vec3<f32> {
    let at = i * STRIDE_WORDS * 4u + POS_OFFSET;
    if POS_HALF {
        return vec3<f32>(half_float(at), half_float(at + 2u), half_float(at + 4u));
    }
    let w = at >> 2u;
    return vec3<f32>(bitcast<f32>(words[w]), bitcast<f32>(words[w + 1u]), bitcast<f32>(words[w + 2u]));
}

// The file's colour of record `i`, 0 to 1.
fn color_of(i: u32) -> vec3<f32> {
    let at = i * STRIDE_WORDS * 4u + COLOR_OFFSET;
    switch COLOR_KIND {
        case 1u: {
            return vec3<f32>(f32(byte(at)), f32(byte(at + 1u)), f32(byte(at + 2u))) / 255.0;
        }
        case 2u: {
            return vec3<f32>(f32(half_word(at)), f32(half_word(at + 2u)), f32(half_word(at + 4u))) / 65535.0;
        }
        case 3u: {
            return vec3<f32>(half_float(at), half_float(at + 2u), half_float(at + 4u));
        }
        case 4u: {
            let w = at >> 2u;
            return vec3<f32>(bitcast<f32>(words[w]), bitcast<f32>(words[w + 1u]), bitcast<f32>(words[w + 2u]));
        }
        default: {
            return vec3<f32>(0.0);
        }
    }
}

// The scalar column of record `i`, as a vertex format reads it: integers normalised (Unorm,
// Snorm: the most negative value reads as -1, like the one above it).
fn scalar_of(i: u32) -> f32 {
    let at = i * STRIDE_WORDS * 4u + SCALAR_OFFSET;
    switch SCALAR_KIND {
        case 1u: {
            return f32(byte(at)) / 255.0;
        }
        case 2u: {
            let b = byte(at);
            return max(f32(i32(b) - select(0, 256, b >= 128u)) / 127.0, -1.0);
        }
        case 3u: {
            return f32(half_word(at)) / 65535.0;
        }
        case 4u: {
            let h = half_word(at);
            return max(f32(i32(h) - select(0, 65536, h >= 32768u)) / 32767.0, -1.0);
        }
        case 5u: {
            return half_float(at);
        }
        case 6u: {
            return bitcast<f32>(words[at >> 2u]);
        }
        default: {
            return 0.0;
        }
    }
}

fn point(i: u32) -> Point {
    var p: Point;
    let clip = frame.view_proj * vec4<f32>(position_of(i), 1.0);
    p.visible = visible(clip);
    let viewport = vec2<f32>(pixels.size);
    var depth: f32;
    if SPLAT {
        p.size = u32(max(round(frame.point_size), 1.0));
        let ndc = clip.xyz / clip.w;
        p.origin = footprint_origin(ndc.xy, viewport, f32(p.size));
        // The quad's depth, as its vertex shader computes it.
        depth = ndc.z;
    } else {
        // Where a fixed-function rasteriser puts a point: the perspective divide as a multiply
        // by 1/w, the viewport transform, a snap to 1/256 of a pixel (the 8 bits of sub-pixel
        // precision D3D requires and Vulkan drivers use), and the pixel whose centre the point
        // covers, the one to the left (above) when it sits exactly on a pixel edge.
        p.size = 1u;
        let inverse = 1.0 / clip.w;
        let half = viewport * vec2<f32>(0.5, -0.5);
        let window = clip.xy * inverse * half + abs(half);
        p.origin = ceil(floor(window * 256.0 + 0.5) / 256.0) - 0.5;
        depth = clip.z * inverse;
    }
    // +0 for -0, whose bits would sort it behind everything.
    let z = select(depth, 0.0, depth == 0.0);
    p.depth_bits = select(0u, bitcast<u32>(z), DEPTH_TEST);
    let order = file_order(range.first + i);
    p.order = select(~order, order, DEPTH_TEST);
    return p;
}

// The pixel (row-major index) that footprint pixel (dx, dy) of `p` lands on, or -1 where it is off
// the target or, for discs, outside the circle (pixels whose centres lie within it are kept).
fn footprint_pixel(p: Point, dx: u32, dy: u32) -> i32 {
    let centre = p.origin + vec2<f32>(f32(dx), f32(dy));
    let pixel = floor(centre);
    if any(pixel < vec2<f32>(0.0)) || any(pixel >= vec2<f32>(pixels.size)) {
        return -1;
    }
    if SPLAT && frame.round_points == 1u {
        let half = f32(p.size) * 0.5;
        let local = (vec2<f32>(f32(dx), f32(dy)) + 0.5 - half) / half;
        if dot(local, local) > 1.0 {
            return -1;
        }
    }
    return i32(u32(pixel.y) * pixels.size.x + u32(pixel.x));
}

// The stored colour of vertex `i` of the range: 16 bits a channel, as the file holds them or as
// the ramp gives.
fn packed_color(i: u32) -> vec2<u32> {
    // Without a colour in the records, the file's colours are the height ramp's.
    let mode = select(frame.color_mode, 1u, COLOR_KIND == 0u && frame.color_mode == 0u);
    let c = shade(mode, position_of(i), color_of(i), scalar_of(i), file_order(range.first + i));
    let q = vec3<u32>(round(clamp(c, vec3<f32>(0.0), vec3<f32>(1.0)) * 65535.0));
    return vec2<u32>(q.x | (q.y << 16u), q.z);
}

@compute @workgroup_size(64)
fn depth32_pass(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    for (var k = 0u; k < per_thread(); k++) {
        let i = thread_vertex(group, groups, local, k);
        if i >= range.count {
            return;
        }
        let p = point(i);
        if !p.visible {
            continue;
        }
        for (var dy = 0u; dy < p.size; dy++) {
            for (var dx = 0u; dx < p.size; dx++) {
                let at = footprint_pixel(p, dx, dy);
                if at >= 0 {
                    let old = atomicMax(&depth32[at], ~p.depth_bits);
                    // Nearer than whatever was there before this dispatch began: an order
                    // stored by an earlier dispatch belongs to a point that lost, so forget it.
                    if ~p.depth_bits > old {
                        atomicStore(&index32[at], 0u);
                    }
                }
            }
        }
    }
}

@compute @workgroup_size(64)
fn index32_pass(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    for (var k = 0u; k < per_thread(); k++) {
        let i = thread_vertex(group, groups, local, k);
        if i >= range.count {
            return;
        }
        let p = point(i);
        if !p.visible {
            continue;
        }
        for (var dy = 0u; dy < p.size; dy++) {
            for (var dx = 0u; dx < p.size; dx++) {
                let at = footprint_pixel(p, dx, dy);
                if at >= 0 && depth32_read[at] == ~p.depth_bits {
                    atomicMax(&index32[at], ~p.order);
                }
            }
        }
    }
}

@compute @workgroup_size(64)
fn color32_pass(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    for (var k = 0u; k < per_thread(); k++) {
        let i = thread_vertex(group, groups, local, k);
        if i >= range.count {
            return;
        }
        let p = point(i);
        if !p.visible {
            continue;
        }
        for (var dy = 0u; dy < p.size; dy++) {
            for (var dx = 0u; dx < p.size; dx++) {
                let at = footprint_pixel(p, dx, dy);
                if at >= 0 && depth32_read[at] == ~p.depth_bits && index32_read[at] == ~p.order {
                    colors[at] = packed_color(i);
                }
            }
        }
    }
}

@compute @workgroup_size(64)
fn color64_pass(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    for (var k = 0u; k < per_thread(); k++) {
        let i = thread_vertex(group, groups, local, k);
        if i >= range.count {
            return;
        }
        let p = point(i);
        if !p.visible {
            continue;
        }
        // The key as stored: low word ~order, high word ~depth.
        let key = vec2<u32>(~p.order, ~p.depth_bits);
        for (var dy = 0u; dy < p.size; dy++) {
            for (var dx = 0u; dx < p.size; dx++) {
                let at = footprint_pixel(p, dx, dy);
                if at >= 0 && all(keys[at] == key) {
                    colors[at] = packed_color(i);
                }
            }
        }
    }
}

const NOT_HERE: u32 = 0xffffffffu;

// The cloud vertex whose draw order is `order`, or NOT_HERE when no vertex of this cloud has it.
fn cloud_vertex(order: u32) -> u32 {
    let local = order - frame.index_base;
    if frame.order_run == 0u {
        if local % frame.order_step != 0u {
            return NOT_HERE;
        }
        return local / frame.order_step;
    }
    let within = local % frame.order_gap;
    if within % frame.order_step != 0u || within / frame.order_step >= frame.order_run {
        return NOT_HERE;
    }
    return (local / frame.order_gap) * frame.order_run + within / frame.order_step;
}

// The colour pass the other way round: one thread per pixel (several pixels a thread) looks up
// the winner's order and, when the winner is in this range, fetches its colour. Cheaper than a
// pass over the points when the pixels times the ranges are fewer than the points.
fn color_pixel(at: u32, stored_order: u32, lit: bool) {
    if !lit {
        return;
    }
    let order = select(stored_order, ~stored_order, DEPTH_TEST);
    let k = cloud_vertex(order);
    if k == NOT_HERE {
        return;
    }
    let i = k - range.first;
    if i < range.count {
        colors[at] = packed_color(i);
    }
}

@compute @workgroup_size(64)
fn color64_pixels(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    let total = pixels.size.x * pixels.size.y;
    for (var k = 0u; k < POINTS_PER_THREAD; k++) {
        let at = ((group.y * groups.x + group.x) * POINTS_PER_THREAD + k) * WORKGROUP + local;
        if at >= total {
            return;
        }
        let key = keys[at];
        color_pixel(at, key.x, key.y != 0u);
    }
}

@compute @workgroup_size(64)
fn color32_pixels(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    let total = pixels.size.x * pixels.size.y;
    for (var k = 0u; k < POINTS_PER_THREAD; k++) {
        let at = ((group.y * groups.x + group.x) * POINTS_PER_THREAD + k) * WORKGROUP + local;
        if at >= total {
            return;
        }
        color_pixel(at, index32_read[at], depth32_read[at] != 0u);
    }
}
