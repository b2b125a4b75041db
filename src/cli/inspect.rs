//! `vertexview inspect`: a file's summary, or its vertices as text or CSV.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::{Vertex, VertexFile};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vertex file to inspect.
    file: PathBuf,
    /// Print the vertices, one a line, instead of the summary.
    #[arg(long)]
    list: bool,
    /// Print only the first N vertices (implies --list unless --csv).
    #[arg(long, value_name = "N")]
    head: Option<usize>,
    /// Print only the last N vertices (implies --list unless --csv).
    #[arg(long, value_name = "N")]
    tail: Option<usize>,
    /// Print the vertices as CSV with the header x,y,z,r,g,b.
    #[arg(long)]
    csv: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = vertexview::viewer::load_with_progress(&args.file)?;
    super::note_if_empty(&file);
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let listing = args.list || args.csv || args.head.is_some() || args.tail.is_some();
    let written = if listing {
        list(&mut out, &file, &args)
    } else {
        summary(&mut out, &file)
    };
    match written.and_then(|()| out.flush()) {
        // `vertexview inspect --list big.bin | head` closes the pipe early: that is success.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        result => {
            result?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn summary(out: &mut impl Write, file: &VertexFile) -> io::Result<()> {
    let stats = file.stats();
    writeln!(out, "file         {}", file.path().display())?;
    writeln!(out, "bytes        {}", file.file_len())?;
    writeln!(
        out,
        "stride       {} bytes ({})",
        vertexview::vertex::STRIDE,
        vertexview::vertex::FORMAT
    )?;
    writeln!(out, "vertices     {}", stats.count)?;
    let last = if file.is_empty() {
        "-"
    } else if file.unpadded_last() {
        "unpadded (file ends 2 bytes short of a whole vertex)"
    } else {
        "padded"
    };
    writeln!(out, "last vertex  {last}")?;
    match stats.bounds {
        Some(b) => {
            for (axis, (lo, hi)) in ["x", "y", "z"]
                .iter()
                .zip(b.min.to_array().into_iter().zip(b.max.to_array()))
            {
                writeln!(out, "bounds {axis}     {lo} .. {hi}")?;
            }
        }
        None => writeln!(out, "bounds       none (no finite positions)")?,
    }
    writeln!(out, "non-finite   {}", stats.non_finite)?;
    for (i, name) in ["red", "green", "blue"].iter().enumerate() {
        if stats.count == 0 {
            writeln!(out, "{name:<12} -")?;
        } else {
            writeln!(
                out,
                "{name:<12} {} .. {}",
                stats.color_min[i], stats.color_max[i]
            )?;
        }
    }
    Ok(())
}

fn list(out: &mut impl Write, file: &VertexFile, args: &Args) -> io::Result<()> {
    let vertices = file.vertices();
    let n = vertices.len();
    let head = args.head.map(|h| h.min(n));
    let tail = args.tail.map(|t| n - t.min(n));
    // Which index ranges to print: everything, the head, the tail, or both (never twice).
    let ranges: Vec<(usize, usize)> = match (head, tail) {
        (None, None) => vec![(0, n)],
        (Some(h), None) => vec![(0, h)],
        (None, Some(t)) => vec![(t, n)],
        (Some(h), Some(t)) if h >= t => vec![(0, n)],
        (Some(h), Some(t)) => vec![(0, h), (t, n)],
    };
    if args.csv {
        writeln!(out, "x,y,z,r,g,b")?;
    }
    for (start, end) in ranges {
        for (i, v) in vertices[start..end].iter().enumerate() {
            write_vertex(out, start + i, v, args.csv)?;
        }
    }
    Ok(())
}

fn write_vertex(out: &mut impl Write, index: usize, v: &Vertex, csv: bool) -> io::Result<()> {
    // Rust's `{}` for floats is the shortest string that reads back to the same value, and
    // spells non-finite values NaN, inf and -inf.
    let [x, y, z] = v.position.to_array();
    let [r, g, b] = v.color;
    if csv {
        writeln!(out, "{x},{y},{z},{r},{g},{b}")
    } else {
        writeln!(out, "{index}: ({x}, {y}, {z}) rgb({r}, {g}, {b})")
    }
}
