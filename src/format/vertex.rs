//! The vertex record of the default file layout, and that layout described as data.

use bytemuck::{Pod, Zeroable};
use glam::Vec3;

use super::code::Code;
use super::view::Element;

/// Bytes from one vertex to the next.
pub const STRIDE: usize = 20;

/// Bytes of a vertex without its trailing padding: a file may end with one such vertex.
pub const UNPADDED_SIZE: usize = 18;

/// The record format of one vertex, in `struct`-module spelling.
pub const FORMAT: &str = "<3f3H2x";

/// One vertex attribute of the default record: where it lives, what it holds, which shader input
/// it feeds (0 position, 1 red and green, 2 blue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Byte offset within the vertex.
    pub offset: usize,
    /// Type of each component.
    pub code: Code,
    /// Number of components.
    pub components: usize,
    /// `@location` in the vertex shader.
    pub shader_location: u32,
}

/// The attributes of the default record, the description the engines' vertex layout
/// (`gpu::VERTEX_BUFFER_LAYOUT`) and vertexview's shaders' [`GpuLayout::DEFAULT`](super::GpuLayout)
/// are built from. The colour is split in two because no vertex format has three 16-bit
/// components. The spellings that cannot be derived in a constant ([`FORMAT`] for casts,
/// [`DEFAULT_SPEC`](super::DEFAULT_SPEC) for layouts, the [`Vertex`] struct) are checked against
/// it by the tests below.
pub const ATTRIBUTES: [Attribute; 3] = [
    Attribute {
        offset: 0,
        code: Code::F32,
        components: 3,
        shader_location: 0,
    },
    Attribute {
        offset: 12,
        code: Code::U16,
        components: 2,
        shader_location: 1,
    },
    Attribute {
        offset: 16,
        code: Code::U16,
        components: 1,
        shader_location: 2,
    },
];

/// One vertex exactly as stored in the file: 20 bytes, little-endian.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Vertex {
    /// Position in model space (or clip space, for dumps taken after a transform).
    pub position: Vec3,
    /// Red, green, blue; 0 is black and 65535 full intensity.
    pub color: [u16; 3],
    padding: u16,
}

impl Vertex {
    /// A vertex with zero padding.
    pub const fn new(position: Vec3, color: [u16; 3]) -> Vertex {
        Vertex {
            position,
            color,
            padding: 0,
        }
    }

    /// The two padding bytes, where converted records carry a column (see
    /// [`records::Carried`](super::records::Carried)).
    pub fn padding(&self) -> u16 {
        self.padding
    }

    /// Sets the padding bytes.
    pub fn set_padding(&mut self, bits: u16) {
        self.padding = bits;
    }

    /// Whether all three coordinates are finite.
    pub fn is_finite(&self) -> bool {
        self.position.is_finite()
    }
}

impl Element for Vertex {
    const FORMAT: &'static str = FORMAT;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    #[test]
    fn layout_matches_the_struct_and_the_format() {
        assert_eq!(std::mem::size_of::<Vertex>(), STRIDE);
        assert_eq!(std::mem::align_of::<Vertex>(), 4);
        assert_eq!(std::mem::offset_of!(Vertex, position), ATTRIBUTES[0].offset);
        assert_eq!(std::mem::offset_of!(Vertex, color), ATTRIBUTES[1].offset);
        let format = Format::parse(FORMAT).unwrap();
        assert_eq!(format.itemsize(), STRIDE);
        let spelled_out: String = ATTRIBUTES
            .iter()
            .map(|a| format!("{}{}", a.components, a.code.as_char()))
            .collect::<String>()
            + "2x";
        assert!(format.same_layout(&Format::parse(&format!("<{spelled_out}")).unwrap()));
        assert_eq!(ATTRIBUTES[2].offset + 2, UNPADDED_SIZE);
    }

    #[test]
    fn every_spelling_of_the_default_record_agrees() {
        use crate::format::{GpuLayout, Layout, Role, DEFAULT_SPEC};
        let layout = Layout::parse(DEFAULT_SPEC).unwrap();
        assert!(layout.is_default());
        assert_eq!(layout.stride(), STRIDE);
        assert_eq!(layout.last_record_size(), UNPADDED_SIZE);
        assert_eq!(layout.gpu(), Some(GpuLayout::DEFAULT));
        let position = layout.position();
        assert_eq!(
            (position.role, position.offset, position.code),
            (Role::Position, ATTRIBUTES[0].offset, ATTRIBUTES[0].code)
        );
        let color = layout.color().unwrap();
        assert_eq!(
            (color.offset, color.code, color.count),
            (ATTRIBUTES[1].offset, ATTRIBUTES[1].code, 3)
        );
        assert_eq!(ATTRIBUTES[2].offset, ATTRIBUTES[1].offset + 4);
        assert_eq!(
            GpuLayout::DEFAULT.position,
            (ATTRIBUTES[0].code, ATTRIBUTES[0].offset as u32)
        );
        assert_eq!(
            GpuLayout::DEFAULT.color,
            Some((ATTRIBUTES[1].code, ATTRIBUTES[1].offset as u32))
        );
    }
}
