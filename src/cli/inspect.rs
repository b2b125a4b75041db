//! `vertexview inspect`: a file's summary, or its vertices as text or CSV.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::source::VertexSource;
use vertexview::{LoadError, Vertex, VertexStats};

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
    let file = super::input::open_source(&args.file)?;
    super::note_if_empty(&file);
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let listing = args.list || args.csv || args.head.is_some() || args.tail.is_some();
    let written = if listing {
        list(&mut out, &file, &args)
    } else {
        let stats = super::input::summarise(&file)?;
        summary(&mut out, &file, &stats).map_err(Failure::Write)
    };
    match written.and_then(|()| out.flush().map_err(Failure::Write)) {
        // `vertexview inspect --list big.bin | head` closes the pipe early: that is success.
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(Failure::Write(e)) => Err(e.into()),
        Err(Failure::Read(e)) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// Why a listing stopped: the file could not be read, or stdout could not be written.
enum Failure {
    Read(LoadError),
    Write(io::Error),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        Failure::Read(e)
    }
}

fn summary(out: &mut impl Write, file: &VertexSource, stats: &VertexStats) -> io::Result<()> {
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

/// Prints the vertices asked for, read piece by piece: a listing of a huge file holds one piece.
fn list(out: &mut impl Write, file: &VertexSource, args: &Args) -> Result<(), Failure> {
    let n = usize::try_from(file.len()).unwrap_or(usize::MAX);
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
        writeln!(out, "x,y,z,r,g,b").map_err(Failure::Write)?;
    }
    let mut piece = vec![Vertex::default(); 1 << 16];
    for (start, end) in ranges {
        let mut at = start;
        while at < end {
            let count = (end - at).min(piece.len());
            file.read(at as u64, &mut piece[..count])?;
            for (i, v) in piece[..count].iter().enumerate() {
                write_vertex(out, at + i, v, args.csv).map_err(Failure::Write)?;
            }
            at += count;
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
