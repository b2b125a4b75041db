// The one-pass depth of the 64-bit compute rasteriser (after common.wgsl and raster.wgsl), for
// devices with 64-bit atomic min/max (SHADER_INT64_ATOMIC_MIN_MAX).

@group(1) @binding(1) var<storage, read_write> keys64: array<atomic<u64>>;

@compute @workgroup_size(64)
fn depth64_pass(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
    for (var k = 0u; k < per_thread(); k++) {
        let i = thread_vertex(group, groups, local, k);
        if i >= range.count {
            return;
        }
        let p = point(i);
        if !p.visible {
            continue;
        }
        let key = ~((u64(p.depth_bits) << 32u) | u64(p.order));
        for (var dy = 0u; dy < p.size; dy++) {
            for (var dx = 0u; dx < p.size; dx++) {
                let at = footprint_pixel(p, dx, dy);
                if at >= 0 {
                    atomicMax(&keys64[at], key);
                }
            }
        }
    }
}
