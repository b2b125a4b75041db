//! `vertexview inspect`: a file's summary, or its vertices as text or CSV.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::input::LayoutArgs;

use vertexview::format::Up;
use vertexview::format::{format_value, Code, Endian, Layout, Role};
use vertexview::load::open::FileKind;
use vertexview::load::ply::Encoding;
use vertexview::load::source::VertexSource;
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
    /// Print the vertices as CSV with the header x,y,z,r,g,b (a layout's own fields for other
    /// layouts).
    #[arg(long)]
    csv: bool,
    #[command(flatten)]
    layout: LayoutArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (file, kind, traffic) = super::input::open_counted(&args.file, &args.layout)?;
    super::note_if_empty(&file);
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let listing = args.list || args.csv || args.head.is_some() || args.tail.is_some();
    let written = if listing {
        list(&mut out, &file, &args)
    } else {
        let started = std::time::Instant::now();
        let stats = super::input::summarise(&file)?;
        let took = started.elapsed();
        summary(&mut out, &file, &kind, &stats, took)
            .map_err(Failure::Write)
            .and_then(|()| octree(&mut out, &file))
            .and_then(|()| match &traffic {
                Some(t) => writeln!(
                    out,
                    "fetched      {} bytes in {} range requests ({:.1} % of the file)",
                    t.bytes(),
                    t.requests(),
                    t.bytes() as f64 * 100.0 / file.file_len().max(1) as f64
                )
                .map_err(Failure::Write),
                None => Ok(()),
            })
    };
    match written.and_then(|()| out.flush().map_err(Failure::Write)) {
        // `vertexview inspect --list big.bin | head` closes the pipe early: that is success.
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(Failure::Write(e)) => Err(e.into()),
        Err(Failure::Read(e)) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// A COPC file's whole octree, a line a level (`--lod LEVEL` draws levels 0 to LEVEL), read
/// through the source's own input (a URL's fetches counted with the rest).
fn octree(out: &mut impl Write, file: &VertexSource) -> Result<(), Failure> {
    let Some(levels) = vertexview::load::copc::octree(file) else {
        return Ok(());
    };
    for level in levels.map_err(Failure::Read)? {
        writeln!(
            out,
            "octree {:<5} {} nodes, {} points, spacing {}",
            level.level, level.nodes, level.points, level.spacing
        )
        .map_err(Failure::Write)?;
    }
    Ok(())
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

fn summary(
    out: &mut impl Write,
    file: &VertexSource,
    kind: &FileKind,
    stats: &VertexStats,
    took: std::time::Duration,
) -> io::Result<()> {
    writeln!(out, "file         {}", file.path().display())?;
    match kind {
        FileKind::Raw => {}
        FileKind::Ply(info) => writeln!(
            out,
            "kind         PLY, {}, {}",
            match info.encoding {
                Encoding::Ascii => "ASCII",
                Encoding::BinaryLittle => "binary little-endian",
                Encoding::BinaryBig => "binary big-endian",
            },
            if info.whole {
                "read whole and converted"
            } else {
                "read in pieces"
            }
        )?,
        FileKind::Las(info) if info.compressed => writeln!(
            out,
            "kind         LAZ (compressed LAS {}.{}), point format {}, {}-byte records: decompressed as read, {:.2} M points/s in the statistics pass",
            info.version.0,
            info.version.1,
            info.point_format,
            info.record_length,
            file.len() as f64 / took.as_secs_f64().max(1e-9) / 1e6
        )?,
        FileKind::Las(info) => writeln!(
            out,
            "kind         LAS {}.{}, point format {}, {}-byte records",
            info.version.0, info.version.1, info.point_format, info.record_length
        )?,
    }
    writeln!(out, "bytes        {}", file.file_len())?;
    let layout = file.layout();
    let whole = matches!(kind, FileKind::Ply(info) if info.whole);
    if !whole && layout.is_default() {
        writeln!(
            out,
            "stride       {} bytes ({})",
            vertexview::format::vertex::STRIDE,
            vertexview::format::vertex::FORMAT
        )?;
    } else if !whole {
        if file.is_compressed() {
            writeln!(
                out,
                "layout       {} ({}-byte records, as decompressed)",
                layout,
                layout.stride()
            )?;
        } else {
            writeln!(
                out,
                "layout       {} ({}-byte records from byte {})",
                layout,
                layout.stride(),
                layout.header()
            )?;
        }
        let columns: Vec<String> = file.columns().into_iter().map(|c| c.name).collect();
        if !columns.is_empty() {
            writeln!(out, "columns      {} (--color NAME)", columns.join(", "))?;
        }
        let gpu = if file.is_direct() {
            "reads the records in place".to_owned()
        } else {
            format!("converted on upload, in pieces ({})", why_converted(layout))
        };
        writeln!(out, "gpu          {gpu}")?;
    }
    writeln!(out, "vertices     {}", stats.count)?;
    let last = if file.is_empty() {
        "-"
    } else if file.unpadded_last() {
        "unpadded (file ends 2 bytes short of a whole vertex)"
    } else {
        "padded"
    };
    if layout.is_default() && !whole {
        writeln!(out, "last vertex  {last}")?;
    }
    let shift = file.shift();
    match stats.bounds {
        Some(b) => {
            for (i, axis) in ["x", "y", "z"].iter().enumerate() {
                let (lo, hi) = (b.min.to_array()[i], b.max.to_array()[i]);
                if shift == [0.0; 3] {
                    writeln!(out, "bounds {axis}     {lo} .. {hi}")?;
                } else {
                    let (lo, hi) = (f64::from(lo) + shift[i], f64::from(hi) + shift[i]);
                    writeln!(out, "bounds {axis}     {lo:.3} .. {hi:.3}")?;
                }
            }
        }
        None => writeln!(out, "bounds       none (no finite positions)")?,
    }
    if shift != [0.0; 3] {
        writeln!(
            out,
            "shift        {} {} {} (subtracted before positions become float32; coordinates shown are the file's)",
            shift[0], shift[1], shift[2]
        )?;
    }
    writeln!(out, "non-finite   {}", stats.non_finite)?;
    let colored = layout.color().is_some() || layout.is_default() || file.decoder().is_none();
    for (i, name) in ["red", "green", "blue"].iter().enumerate() {
        if stats.count == 0 || !colored {
            writeln!(out, "{name:<12} -")?;
        } else {
            writeln!(
                out,
                "{name:<12} {} .. {}",
                stats.color_min[i], stats.color_max[i]
            )?;
        }
    }
    if !colored {
        writeln!(out, "colours      none: drawn by a ramp over the height")?;
    } else if let FileKind::Las(info) = kind {
        if info.eight_bit_color {
            writeln!(
                out,
                "colours      8-bit values in 16-bit fields (every sampled value is at most 255): scaled by 257"
            )?;
        }
    } else if !layout.is_default() {
        writeln!(
            out,
            "colours      as drawn: 16-bit, from the file's {}",
            layout.color().map_or("values".into(), |c| format!(
                "{}-bit values",
                c.code.size() * 8
            ))
        )?;
    }
    if file.up() == Up::Z {
        writeln!(out, "up           z")?;
    }
    Ok(())
}

/// Why the GPU cannot read `layout`'s records in place.
fn why_converted(layout: &Layout) -> &'static str {
    let p = layout.position();
    if layout.endian() == Endian::Big {
        "big-endian numbers"
    } else if layout.scale().is_some() {
        "scaled integer positions"
    } else if p.code == Code::F64 {
        "float64 positions have no vertex format"
    } else if !matches!(p.code, Code::F32 | Code::F16) {
        "integer positions"
    } else if !layout.stride().is_multiple_of(4) {
        "vertex strides must be multiples of 4 bytes"
    } else {
        "a field at an offset no vertex format accepts"
    }
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
    if file.decoder().is_some() {
        return list_records(out, file, &ranges, args.csv);
    }
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

/// Lists records of a layout as stored: every field that is not padding, in order.
fn list_records(
    out: &mut impl Write,
    file: &VertexSource,
    ranges: &[(usize, usize)],
    csv: bool,
) -> Result<(), Failure> {
    let layout = file.layout();
    let write = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(Failure::Write);
    if csv {
        let columns: Vec<String> = layout
            .fields()
            .iter()
            .filter(|f| f.role != Role::Padding && f.code != Code::Pad)
            .flat_map(|f| {
                (0..f.count).map(move |i| match (f.role, f.count) {
                    (Role::Position, _) => ["x", "y", "z"][i].to_owned(),
                    (Role::Color, _) => ["r", "g", "b", "a"][i].to_owned(),
                    (_, 1) => f.name.clone(),
                    _ => format!("{}_{i}", f.name),
                })
            })
            .collect();
        write(out, columns.join(","))?;
    }
    let stride = layout.stride();
    let mut records = vec![0u8; stride * 4096];
    for &(start, end) in ranges {
        let mut at = start;
        while at < end {
            let n = (end - at).min(4096);
            file.read_records(at as u64, &mut records[..n * stride])?;
            for (i, record) in records[..n * stride].chunks(stride).enumerate() {
                let values = layout.read_values(record);
                let line = if csv {
                    values
                        .iter()
                        .flat_map(|(f, v)| v.iter().map(|x| format_value(f.code, *x)))
                        .collect::<Vec<_>>()
                        .join(",")
                } else {
                    record_line(layout, (at + i) as u64, record)
                };
                write(out, line)?;
            }
            at += n;
        }
    }
    Ok(())
}

/// A record of `layout` as stored, field by field: `12: pos=(1, 2, 3) col=(255, 0, 0, 255)`.
fn record_line(layout: &Layout, index: u64, record: &[u8]) -> String {
    let fields: Vec<String> = layout
        .read_values(record)
        .iter()
        .map(|(f, v)| {
            let v: Vec<String> = v.iter().map(|x| format_value(f.code, *x)).collect();
            format!("{}=({})", f.name, v.join(", "))
        })
        .collect();
    format!("{index}: {}", fields.join(" "))
}

/// Vertex `index` of `source` as `inspect --list` prints it: a default record as
/// `12: (0.5, -1, 2) rgb(65535, 0, 0)`, a record of another layout field by field as stored.
pub fn describe(source: &VertexSource, index: u64) -> Result<String, LoadError> {
    if source.decoder().is_some() {
        return Ok(record_line(source.layout(), index, &source.record(index)?));
    }
    let mut line = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_vertex(&mut line, index as usize, &source.vertex(index)?, false);
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
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
