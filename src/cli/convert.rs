//! `vertexview convert`: between raw files of any layout, PLY, LAS and LAZ in, and raw (the default
//! layout) or PLY out, chosen by the output's extension.

use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::format::vertex::Vertex;
use vertexview::load::open::kind_of;
use vertexview::load::source::VertexSource;
use vertexview::write::output;

use super::input::LayoutArgs;
use super::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// File to read: raw (of --layout), .ply, .las or .laz.
    input: PathBuf,
    /// File to write: .ply for PLY, anything else for a raw file of the default layout.
    output: PathBuf,
    /// Write ASCII PLY instead of binary little-endian.
    #[arg(long)]
    ascii: bool,
    #[command(flatten)]
    layout: LayoutArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Refused before anything is read or written: a raw file under a name that says LAS or
    // LAZ would be a file vertexview itself refuses to open.
    let kind = kind_of(&args.output);
    if matches!(kind, "las" | "laz") {
        anyhow::bail!(
            "{}: convert writes raw records or PLY, not {}; name the output .ply or .bin",
            args.output.display(),
            kind.to_ascii_uppercase()
        );
    }
    output::ensure_not_input(&args.output, &args.input)?;
    let (source, _) = super::input::open_source(&args.input, &args.layout)?;
    super::note_if_empty(&source);
    let ply = kind == "ply";
    if args.ascii && !ply {
        anyhow::bail!(
            "{}: --ascii writes PLY; name the output .ply",
            args.output.display()
        );
    }
    let interrupted = progress::interrupt_flag();
    let bar = progress::count_bar(format!("writing {}", args.output.display()), source.len());
    let quiet = progress::hidden();
    let written = output::write_atomically(&args.output, |out| {
        let mut out = progress::Watched::new(out, &quiet, &interrupted);
        if ply {
            vertexview::write::ply::write(&source, &mut out, args.ascii, |done| {
                bar.set_position(done)
            })
        } else {
            write_raw(&source, &mut out, |done| bar.set_position(done))
        }
    });
    bar.finish_and_clear();
    if let Some(code) = progress::write_outcome(written, &args.output)? {
        return Ok(code);
    }
    let shift = source.shift();
    if !ply && shift != [0.0; 3] {
        eprintln!(
            "vertexview: positions were shifted by {} {} {} to keep float32's detail; add it back for the file's coordinates",
            shift[0], shift[1], shift[2]
        );
    }
    eprintln!(
        "wrote {} vertices to {}",
        source.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The vertices as a raw file of the default layout, piece by piece.
fn write_raw(
    source: &VertexSource,
    out: &mut dyn std::io::Write,
    mut progress: impl FnMut(u64),
) -> std::io::Result<()> {
    let mut piece = vec![Vertex::default(); 1 << 16];
    for range in source.pieces(piece.len() as u64) {
        let n = (range.end - range.start) as usize;
        source
            .read(range.start, &mut piece[..n])
            .map_err(std::io::Error::other)?;
        let mut bytes: &[u8] = bytemuck::cast_slice(&piece[..n]);
        // The file's own last vertex may lack its padding: so does the copy.
        if range.end == source.len() && source.unpadded_last() && source.layout().is_default() {
            bytes = &bytes[..bytes.len() - 2];
        }
        out.write_all(bytes)?;
        progress(range.end);
    }
    Ok(())
}
