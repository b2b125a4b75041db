//! GPU vertex layouts: the default record's (derived from [`crate::format::vertex::ATTRIBUTES`]), for
//! engines' own shaders, and any [`GpuLayout`]'s as vertexview's shaders read it.

use crate::format::vertex::{Attribute, ATTRIBUTES, STRIDE};
use crate::format::{Code, GpuAttribute, GpuLayout};

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

/// The wgpu format of one of a [`GpuLayout`]'s attributes; `None` for a type the point shader
/// cannot read (which [`GpuLayout::is_readable`] refuses).
pub fn vertex_format_of(attribute: &GpuAttribute) -> Option<wgpu::VertexFormat> {
    use wgpu::VertexFormat as F;
    Some(match (attribute.code, attribute.components) {
        (Code::F32, 2) => F::Float32x2,
        (Code::F32, 1) => F::Float32,
        (Code::F16, 2) => F::Float16x2,
        (Code::F16, 1) => F::Float16,
        (Code::U16, 2) => F::Unorm16x2,
        (Code::U16, 1) => F::Unorm16,
        (Code::U8, 2) => F::Unorm8x2,
        (Code::U8, 1) => F::Unorm8,
        (Code::I16, 1) => F::Snorm16,
        (Code::I8, 1) => F::Snorm8,
        _ => return None,
    })
}

/// The vertex attributes vertexview's point shader reads `layout` through (see
/// [`GpuLayout::attributes`]): position xy at location 0 and z at 3, colour red-green at 1 and
/// blue at 2, 0 to 1, the scalar column at 4 (normalised as its format says: see
/// [`stored_per_read`]). `None` when the layout is not [readable in place](GpuLayout::is_readable).
pub fn point_attributes(layout: GpuLayout) -> Option<[wgpu::VertexAttribute; 5]> {
    if !layout.is_readable() {
        return None;
    }
    let mut out = [VERTEX_ATTRIBUTES[0]; 5];
    for (slot, a) in out.iter_mut().zip(layout.attributes()) {
        *slot = wgpu::VertexAttribute {
            format: vertex_format_of(&a)?,
            offset: u64::from(a.offset),
            shader_location: a.location,
        };
    }
    Some(out)
}

/// What one unit of a scalar column as the shaders read it is in stored values: integers
/// arrive normalised (`Unorm16` reads 65535 as 1, `Snorm8` -127 as -1), by both paths alike.
pub fn stored_per_read(code: Code) -> f32 {
    match code {
        Code::U8 => 255.0,
        Code::I8 => 127.0,
        Code::U16 => 65535.0,
        Code::I16 => 32767.0,
        _ => 1.0,
    }
}

/// The pipeline constants that tell the compute rasteriser how to read `layout` in place.
pub fn raster_constants(layout: GpuLayout) -> [(&'static str, f64); 7] {
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
        (
            "SCALAR_KIND",
            match layout.scalar {
                None => 0.0,
                Some((Code::U8, _)) => 1.0,
                Some((Code::I8, _)) => 2.0,
                Some((Code::U16, _)) => 3.0,
                Some((Code::I16, _)) => 4.0,
                Some((Code::F16, _)) => 5.0,
                Some(_) => 6.0,
            },
        ),
        (
            "SCALAR_OFFSET",
            f64::from(layout.scalar.map_or(0, |(_, o)| o)),
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
            .unwrap()
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
                (wgpu::VertexFormat::Float32, 0, 4),
            ]
        );
        assert_eq!(
            raster_constants(GpuLayout::DEFAULT),
            [
                ("STRIDE_WORDS", 5.0),
                ("POS_OFFSET", 0.0),
                ("POS_HALF", 0.0),
                ("COLOR_KIND", 2.0),
                ("COLOR_OFFSET", 12.0),
                ("SCALAR_KIND", 0.0),
                ("SCALAR_OFFSET", 0.0)
            ]
        );
    }

    #[test]
    fn every_attribute_maps_to_a_format_of_its_size() {
        for (code, components) in [Code::F32, Code::F16, Code::U16, Code::U8]
            .into_iter()
            .flat_map(|code| [(code, 1), (code, 2)])
            .chain([(Code::I16, 1), (Code::I8, 1)])
        {
            {
                let a = GpuAttribute {
                    code,
                    components,
                    offset: 0,
                    location: 0,
                };
                let format = vertex_format_of(&a).unwrap();
                assert_eq!(format.size(), u64::from(a.size()), "{format:?}");
                // The rule `is_aligned` applies is WebGPU's: a multiple of min(4, size).
                for offset in 0..8 {
                    let at = GpuAttribute { offset, ..a };
                    assert_eq!(
                        at.is_aligned(),
                        u64::from(offset) % format.size().min(4) == 0,
                        "{format:?} at {offset}"
                    );
                }
            }
        }
    }
}
