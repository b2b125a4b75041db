//! What a renderer is built for: the target's formats, the depth test, the width of atomics.

/// The render targets a [`PointRenderer`](super::PointRenderer) draws into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetFormat {
    /// Format of the colour attachment. With an sRGB format the shaders undo the encoding, so
    /// the stored colour values reach the screen unchanged.
    pub color: wgpu::TextureFormat,
    /// Format of the depth attachment, if the pass has one (the depth test then runs, `Less`).
    pub depth: Option<wgpu::TextureFormat>,
    /// MSAA sample count of the pass (1 for none). The compute path fills every sample of a
    /// pixel alike.
    pub sample_count: u32,
}

/// The depth comparison the renderer uses: the nearer point wins; of two at the same depth the
/// first drawn stays.
pub const DEPTH_COMPARE: wgpu::CompareFunction = wgpu::CompareFunction::Less;

/// How wide the compute path's atomics may be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AtomicWidth {
    /// 64-bit where the device has `SHADER_INT64_ATOMIC_MIN_MAX` (two passes), else 32-bit.
    #[default]
    Widest,
    /// 32-bit only (three passes), as on devices without 64-bit atomics; for tests and
    /// comparisons.
    Bits32,
}

/// The depth test of both paths: `Less`, writing depth.
pub(super) fn depth_state(target: TargetFormat) -> Option<wgpu::DepthStencilState> {
    target.depth.map(|format| wgpu::DepthStencilState {
        format,
        depth_write_enabled: Some(true),
        depth_compare: Some(DEPTH_COMPARE),
        stencil: Default::default(),
        bias: Default::default(),
    })
}
