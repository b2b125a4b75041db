//! The GPU vertex layout, derived from [`crate::vertex::ATTRIBUTES`].

use crate::format::Code;
use crate::vertex::{Attribute, ATTRIBUTES, STRIDE};

const fn vertex_format(a: &Attribute) -> wgpu::VertexFormat {
    match (a.code, a.components) {
        (Code::F32, 3) => wgpu::VertexFormat::Float32x3,
        (Code::U16, 2) => wgpu::VertexFormat::Uint16x2,
        (Code::U16, 1) => wgpu::VertexFormat::Uint16,
        // A layout nobody has written a mapping for fails the build, not a user's run.
        _ => panic!("vertex attribute without a wgpu vertex format"),
    }
}

const fn attribute(a: &Attribute) -> wgpu::VertexAttribute {
    wgpu::VertexAttribute {
        format: vertex_format(a),
        offset: a.offset as u64,
        shader_location: a.shader_location,
    }
}

/// The vertex attributes of the file layout: `Float32x3` position at 0 (location 0), `Uint16x2`
/// red and green at 12 (location 1), `Uint16` blue at 16 (location 2).
pub const VERTEX_ATTRIBUTES: [wgpu::VertexAttribute; 3] = [
    attribute(&ATTRIBUTES[0]),
    attribute(&ATTRIBUTES[1]),
    attribute(&ATTRIBUTES[2]),
];

/// The file layout as a vertex buffer layout (stepped per vertex), for engines that bring their
/// own pipeline and shaders: bind a buffer from [`VertexBuffers`](super::VertexBuffers) with it.
pub const VERTEX_BUFFER_LAYOUT: wgpu::VertexBufferLayout<'static> = wgpu::VertexBufferLayout {
    array_stride: STRIDE as u64,
    step_mode: wgpu::VertexStepMode::Vertex,
    attributes: &VERTEX_ATTRIBUTES,
};

/// The same layout stepped per instance, as the quad pipeline for large points reads it.
pub const INSTANCE_BUFFER_LAYOUT: wgpu::VertexBufferLayout<'static> = wgpu::VertexBufferLayout {
    step_mode: wgpu::VertexStepMode::Instance,
    ..VERTEX_BUFFER_LAYOUT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_the_file_layout() {
        assert_eq!(VERTEX_BUFFER_LAYOUT.array_stride, 20);
        let got: Vec<_> = VERTEX_ATTRIBUTES
            .iter()
            .map(|a| (a.format, a.offset, a.shader_location))
            .collect();
        assert_eq!(
            got,
            [
                (wgpu::VertexFormat::Float32x3, 0, 0),
                (wgpu::VertexFormat::Uint16x2, 12, 1),
                (wgpu::VertexFormat::Uint16, 16, 2),
            ]
        );
        let end = VERTEX_ATTRIBUTES[2].offset + VERTEX_ATTRIBUTES[2].format.size();
        assert_eq!(end, 18, "the last 2 bytes are padding");
    }
}
