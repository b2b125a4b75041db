//! Writing PLY: what `vertexview convert OUT.ply` writes, from any source.

use std::io::{self, Write};

use crate::format::vertex::Vertex;
use crate::load::VertexSource;

/// Writes `source`'s vertices as a PLY file: x, y, z as floats and red, green, blue as 16-bit
/// values (vertexview's colour model), binary little-endian or ASCII. Positions get back what
/// was subtracted on reading when they fit float32 again; otherwise, doubles are written.
pub fn write(
    source: &VertexSource,
    out: &mut dyn Write,
    ascii: bool,
    mut progress: impl FnMut(u64),
) -> io::Result<()> {
    let shift = source.shift();
    let doubles = shift != [0.0; 3];
    writeln!(out, "ply")?;
    writeln!(
        out,
        "format {} 1.0",
        if ascii {
            "ascii"
        } else {
            "binary_little_endian"
        }
    )?;
    writeln!(
        out,
        "comment written by vertexview {}",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "element vertex {}", source.len())?;
    for axis in ["x", "y", "z"] {
        writeln!(
            out,
            "property {} {axis}",
            if doubles { "double" } else { "float" }
        )?;
    }
    for channel in ["red", "green", "blue"] {
        writeln!(out, "property ushort {channel}")?;
    }
    writeln!(out, "end_header")?;
    let mut piece = vec![Vertex::default(); 1 << 16];
    let mut line = String::new();
    let mut bytes = Vec::with_capacity(piece.len() * 30);
    for range in source.pieces(piece.len() as u64) {
        let n = (range.end - range.start) as usize;
        source
            .read(range.start, &mut piece[..n])
            .map_err(io::Error::other)?;
        bytes.clear();
        for v in &piece[..n] {
            let p = v.position.to_array();
            if ascii {
                use std::fmt::Write as _;
                line.clear();
                if doubles {
                    let q: [f64; 3] = std::array::from_fn(|i| f64::from(p[i]) + shift[i]);
                    let _ = write!(line, "{} {} {}", q[0], q[1], q[2]);
                } else {
                    let _ = write!(line, "{} {} {}", p[0], p[1], p[2]);
                }
                let _ = writeln!(line, " {} {} {}", v.color[0], v.color[1], v.color[2]);
                bytes.extend_from_slice(line.as_bytes());
            } else {
                for i in 0..3 {
                    if doubles {
                        bytes.extend((f64::from(p[i]) + shift[i]).to_le_bytes());
                    } else {
                        bytes.extend(p[i].to_le_bytes());
                    }
                }
                for c in v.color {
                    bytes.extend(c.to_le_bytes());
                }
            }
        }
        out.write_all(&bytes)?;
        progress(range.end);
    }
    Ok(())
}
