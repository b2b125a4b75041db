//! `vertexview convert`: between raw files of any layout, PLY, LAS, LAZ and COPC in, and raw (the
//! default layout), PLY, LAS, LAZ or COPC out, chosen by the output's extension.

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
    /// File to write: .ply for PLY, .las for LAS, .laz for LAZ, .copc.laz for COPC (LAS 1.4, point
    /// format 7 with colours, 6 without), anything else for a raw file of the default layout.
    output: PathBuf,
    /// Write ASCII PLY instead of binary little-endian.
    #[arg(long)]
    ascii: bool,
    #[command(flatten)]
    layout: LayoutArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kind = kind_of(&args.output);
    let ply = kind == "ply";
    let las = matches!(kind, "las" | "laz");
    let copc = args
        .output
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".copc.laz");
    if args.ascii && !ply {
        anyhow::bail!(
            "{}: --ascii writes PLY; name the output .ply",
            args.output.display()
        );
    }
    output::ensure_not_input(&args.output, &args.input)?;
    let (source, _) = super::input::open_source(&args.input, &args.layout)?;
    super::note_if_empty(&source);
    let interrupted = progress::interrupt_flag();
    if copc {
        return write_copc(&args, &source, interrupted);
    }
    if las {
        return write_las(&args, &source, kind == "laz", interrupted);
    }
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
/// LAS or LAZ: one pass for the exact bounds (the header's scale and offset), then the points.
fn write_las(
    args: &Args,
    source: &VertexSource,
    compressed: bool,
    interrupted: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<ExitCode> {
    let stats = super::input::summarise(source)?;
    let bar = progress::count_bar(format!("writing {}", args.output.display()), source.len());
    let written = output::write_seekable_atomically(&args.output, |file| {
        let out = progress::Interruptible::new(file, interrupted);
        vertexview::write::las::write(source, &stats, out, compressed, |done| {
            bar.set_position(done)
        })
    });
    bar.finish_and_clear();
    if let Some(code) = progress::write_outcome(written, &args.output)? {
        return Ok(code);
    }
    eprintln!(
        "wrote {} vertices to {}",
        source.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// COPC: one pass for the exact bounds (the header's, and the octree's cube), then the octree,
/// built with a spill file beside the output.
fn write_copc(
    args: &Args,
    source: &VertexSource,
    interrupted: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<ExitCode> {
    let stats = super::input::summarise(source)?;
    let bar = progress::count_bar(
        format!("writing {}", args.output.display()),
        2 * source.len(),
    );
    let dir = match args.output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let written = output::write_seekable_atomically(&args.output, |file| {
        let out = std::io::BufWriter::with_capacity(1 << 20, file);
        vertexview::write::copc::write(source, &stats, out, &dir, |done| {
            bar.set_position(done);
            progress::check(&interrupted)
        })
    });
    bar.finish_and_clear();
    if let Some(code) = progress::write_outcome(written, &args.output)? {
        return Ok(code);
    }
    eprintln!(
        "wrote {} vertices to {} (COPC)",
        source.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

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
