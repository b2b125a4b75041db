//! [`GpuLayout`]: how the GPU reads a layout's records in place, and the one rule for whether it
//! can ([`GpuLayout::is_readable`]), checked against WebGPU's vertex attribute rules.

use super::code::Code;
use super::vertex::{ATTRIBUTES, STRIDE};

/// How the GPU reads a layout's records in place, where WebGPU has vertex formats for them:
/// little-endian, a stride that is a multiple of 4 and at most [`MAX_VERTEX_STRIDE`], a `f` or
/// `e` position and a `B`, `H`, `e` or `f` colour, every [attribute](GpuLayout::attributes) at an
/// offset WebGPU accepts for its format. Other layouts are converted on reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GpuLayout {
    /// Bytes from one record to the next.
    pub stride: u32,
    /// Type (`F32` or `F16`) and offset of the position.
    pub position: (Code, u32),
    /// Type (`U8`, `U16`, `F16` or `F32`) and offset of the colour, if any.
    pub color: Option<(Code, u32)>,
    /// Type (`U8`, `I8`, `U16`, `I16`, `F16` or `F32`) and offset of the number a colormap
    /// follows, if the frame colours by one ([`with_column`](GpuLayout::with_column)).
    pub scalar: Option<(Code, u32)>,
}

/// Where the GPU finds the column a frame is coloured by, in records of a [`GpuLayout`]: its
/// type and byte offset, and whether it is a vector of three (read as the colour is) or one
/// number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GpuColumn {
    /// Type of each component.
    pub code: Code,
    /// Byte offset within the record.
    pub offset: u32,
    /// Three components (shown as red, green, blue) rather than one.
    pub vector: bool,
}

/// The largest vertex buffer stride every WebGPU device accepts (`max_vertex_buffer_array_stride`
/// is at least this on all of them).
pub const MAX_VERTEX_STRIDE: u32 = 2048;

/// One vertex attribute through which vertexview's point shader reads a [`GpuLayout`]:
/// `components` numbers of type `code` (1 or 2) at byte `offset` of the record, at shader
/// `location`. The `gpu` feature maps each to a `wgpu::VertexFormat` of the same size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GpuAttribute {
    /// The type of each number.
    pub code: Code,
    /// How many numbers: 2 (`…x2` formats) or 1.
    pub components: u32,
    /// Byte offset within the record.
    pub offset: u32,
    /// The shader location: 0 position x, y; 3 position z; 1 colour red, green; 2 colour blue;
    /// 4 the scalar column.
    pub location: u32,
}

impl GpuAttribute {
    /// Bytes the attribute reads.
    pub fn size(&self) -> u32 {
        self.code.size() as u32 * self.components
    }

    /// WebGPU's rule for vertex attributes: the offset is a multiple of min(4, the format's
    /// size). A 4-byte `Unorm16x2` at byte 14 is refused when the pipeline is made.
    pub fn is_aligned(&self) -> bool {
        self.offset.is_multiple_of(self.size().min(4))
    }
}

impl GpuLayout {
    /// The default 20-byte record.
    pub const DEFAULT: GpuLayout = GpuLayout {
        stride: STRIDE as u32,
        position: (ATTRIBUTES[0].code, ATTRIBUTES[0].offset as u32),
        color: Some((ATTRIBUTES[1].code, ATTRIBUTES[1].offset as u32)),
        scalar: None,
    };

    /// These records read with `column` as what colours them: a vector in place of the
    /// colour, one number as the scalar.
    pub fn with_column(self, column: GpuColumn) -> GpuLayout {
        let at = Some((column.code, column.offset));
        if column.vector {
            GpuLayout { color: at, ..self }
        } else {
            GpuLayout { scalar: at, ..self }
        }
    }

    /// The attributes the point shader reads: position x, y (location 0) and z (3), colour
    /// red, green (1) and blue (2), each a pair then a single number, and the scalar at 4. A
    /// layout without a colour reads the position again at 1 and 2 (and is coloured by the
    /// height ramp); one without a scalar reads the position's x again at 4.
    pub fn attributes(&self) -> [GpuAttribute; 5] {
        let pair = |(code, offset): (Code, u32), locations: [u32; 2]| {
            let two = GpuAttribute {
                code,
                components: 2,
                offset,
                location: locations[0],
            };
            let one = GpuAttribute {
                components: 1,
                offset: offset + two.size(),
                location: locations[1],
                ..two
            };
            [two, one]
        };
        let [xy, z] = pair(self.position, [0, 3]);
        let [rg, b] = pair(self.color.unwrap_or(self.position), [1, 2]);
        let (code, offset) = self.scalar.unwrap_or(self.position);
        let scalar = GpuAttribute {
            code,
            components: 1,
            offset,
            location: 4,
        };
        [xy, z, rg, b, scalar]
    }

    /// Whether WebGPU (and vertexview's shaders) can read records of this layout in place: the
    /// one rule behind [`Layout::gpu`](super::Layout::gpu), checked by the vertex pipeline and the compute
    /// rasteriser alike.
    pub fn is_readable(&self) -> bool {
        let position = matches!(self.position.0, Code::F32 | Code::F16);
        let color = self
            .color
            .is_none_or(|(code, _)| matches!(code, Code::U8 | Code::U16 | Code::F16 | Code::F32));
        let scalar = self.scalar.is_none_or(|(code, _)| {
            matches!(
                code,
                Code::U8 | Code::I8 | Code::U16 | Code::I16 | Code::F16 | Code::F32
            )
        });
        let stride = self.stride.is_multiple_of(4) && self.stride <= MAX_VERTEX_STRIDE;
        position
            && color
            && scalar
            && stride
            && self.attributes().iter().all(GpuAttribute::is_aligned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Layout, DEFAULT_SPEC};

    #[test]
    fn the_gpu_reads_in_place_what_it_has_formats_for() {
        let gpu = |spec: &str| Layout::parse(spec).unwrap().gpu();
        assert_eq!(gpu(DEFAULT_SPEC), Some(GpuLayout::DEFAULT));
        assert_eq!(
            gpu("pos:3f col:4B"),
            Some(GpuLayout {
                stride: 16,
                position: (Code::F32, 0),
                color: Some((Code::U8, 12)),
                scalar: None,
            })
        );
        assert!(gpu("pos:3f normal:3f uv:2f col:4B").is_some());
        assert!(gpu("pos:3f col:3f").is_some());
        assert!(gpu("pos:3f").is_some_and(|g| g.color.is_none()));
        assert!(gpu("pos:3e _:2x col:4B").is_some());
        // Unorm8x2 (2 bytes) at byte 14 is accepted.
        assert!(gpu("pos:3f _:2x col:4B _:2x").is_some());
        assert!(gpu("pos:3f col:4B _:2032x").is_some());
        // No formats for these: converted on reading.
        // A column read as the scalar, or as the colour.
        let normal = GpuColumn {
            code: Code::F32,
            offset: 12,
            vector: true,
        };
        let layout = gpu("pos:3f normal:3f intensity:1H _:2x").unwrap();
        assert!(layout.with_column(normal).is_readable());
        assert_eq!(layout.with_column(normal).color, Some((Code::F32, 12)));
        let intensity = GpuColumn {
            code: Code::U16,
            offset: 24,
            vector: false,
        };
        assert_eq!(
            layout.with_column(intensity).attributes()[4],
            GpuAttribute {
                code: Code::U16,
                components: 1,
                offset: 24,
                location: 4
            }
        );
        for refused in [
            GpuColumn {
                code: Code::U32,
                ..intensity
            },
            GpuColumn {
                offset: 25,
                ..intensity
            },
        ] {
            assert!(!layout.with_column(refused).is_readable(), "{refused:?}");
        }
        for spec in [
            "pos:3d",
            "pos:3f col:3B",
            ">pos:3f col:4B",
            "pos:3e col:4B",
            "_:1x pos:3f col:4B",
            "pos:3i _:4x",
            // Unorm16x2 (4 bytes) at 14 and Float16x2 at 6: offsets WebGPU refuses.
            "pos:3f _:2x col:3H",
            "pos:3f _:2x col:3e",
            "_:2x pos:3e _:4x col:4B",
            // A stride past what every device accepts.
            "pos:3f col:4B _:2036x",
        ] {
            assert_eq!(gpu(spec), None, "{spec}");
        }
    }
}
