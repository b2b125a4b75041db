//! GPU vertex layouts: the default record's (derived from [`crate::vertex::ATTRIBUTES`]), for
//! engines' own shaders, and any [`GpuLayout`]'s as vertexview's shaders read it.

use crate::format::{Code, GpuLayout};
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

/// The vertex attributes vertexview's point shader reads `layout` through: position xy at
/// location 0 and z at 3, colour red-green at 1 and blue at 2, 0 to 1 (a layout without a
/// colour repeats the position there, and is coloured by the ramp).
pub fn point_attributes(layout: GpuLayout) -> [wgpu::VertexAttribute; 4] {
    use wgpu::VertexFormat as F;
    let pair = |code: Code, offset: u32| match code {
        Code::F16 => (F::Float16x2, F::Float16, offset, offset + 4),
        Code::U8 => (F::Unorm8x2, F::Unorm8, offset, offset + 2),
        Code::U16 => (F::Unorm16x2, F::Unorm16, offset, offset + 4),
        _ => (F::Float32x2, F::Float32, offset, offset + 8),
    };
    let (xy, z, xy_at, z_at) = pair(layout.position.0, layout.position.1);
    let (rg, b, rg_at, b_at) = match layout.color {
        Some((code, offset)) => pair(code, offset),
        None => (xy, z, xy_at, z_at),
    };
    let attribute = |format, offset: u32, shader_location| wgpu::VertexAttribute {
        format,
        offset: u64::from(offset),
        shader_location,
    };
    [
        attribute(xy, xy_at, 0),
        attribute(z, z_at, 3),
        attribute(rg, rg_at, 1),
        attribute(b, b_at, 2),
    ]
}

/// The pipeline constants that tell the compute rasteriser how to read `layout` in place.
pub fn raster_constants(layout: GpuLayout) -> [(&'static str, f64); 5] {
    let color_kind = match layout.color {
        None => 0.0,
        Some((Code::U8, _)) => 1.0,
        Some((Code::U16, _)) => 2.0,
        Some((Code::F16, _)) => 3.0,
        Some(_) => 4.0,
    };
    [
        ("STRIDE_WORDS", f64::from(layout.stride / 4)),
        ("POS_OFFSET", f64::from(layout.position.1)),
        (
            "POS_HALF",
            f64::from(u8::from(layout.position.0 == Code::F16)),
        ),
        ("COLOR_KIND", color_kind),
        (
            "COLOR_OFFSET",
            f64::from(layout.color.map_or(0, |(_, o)| o)),
        ),
    ]
}

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

    #[test]
    fn the_point_shader_reads_the_default_record_where_it_lies() {
        let got: Vec<_> = point_attributes(GpuLayout::DEFAULT)
            .iter()
            .map(|a| (a.format, a.offset, a.shader_location))
            .collect();
        assert_eq!(
            got,
            [
                (wgpu::VertexFormat::Float32x2, 0, 0),
                (wgpu::VertexFormat::Float32, 8, 3),
                (wgpu::VertexFormat::Unorm16x2, 12, 1),
                (wgpu::VertexFormat::Unorm16, 16, 2),
            ]
        );
        assert_eq!(
            raster_constants(GpuLayout::DEFAULT),
            [
                ("STRIDE_WORDS", 5.0),
                ("POS_OFFSET", 0.0),
                ("POS_HALF", 0.0),
                ("COLOR_KIND", 2.0),
                ("COLOR_OFFSET", 12.0)
            ]
        );
    }
}
