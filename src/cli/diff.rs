//! `vertexview diff A B`: two dumps compared vertex by vertex, with a verdict in the exit status
//! as `cmp` and `diff` give it: 0 the same within the tolerances, 1 different, 2 not comparable.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use vertexview::compare::{self, DiffOptions, DiffReport, Side, Tolerance, PERCENTILES};
use vertexview::gpu::{self, GpuContext, RenderOptions};
use vertexview::load::sample::Framing;
use vertexview::load::VertexSource;
use vertexview::write::output;
use vertexview::{VertexFile, VertexStats};

use super::input::{LayoutArgs, LayoutArgsB};
use super::inspect::describe;
use super::look::LookArgs;
use super::progress;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when nothing differs beyond the tolerances, 1 when \
something does, 2 when the files could not be compared (a bad file, different counts, a usage \
error)."
)]
pub struct Args {
    /// The first file (the reference): raw (of --layout), .ply, .las or .laz.
    a: PathBuf,
    /// The second file: raw (of --layout-b, else --layout), .ply, .las or .laz.
    b: PathBuf,
    /// Largest distance between two positions that counts as equal, in the files' coordinates.
    #[arg(long, value_name = "D", default_value_t = 0.0, value_parser = parse_tolerance)]
    tolerance: f64,
    /// Largest difference of a colour channel that counts as equal, in the first file's units
    /// (1 is one step of an 8- or 16-bit channel; floats range over 0 to 1).
    #[arg(long, value_name = "C", default_value_t = 0.0, value_parser = parse_tolerance)]
    color_tolerance: f64,
    /// How vertices are paired: vertex i of A with vertex i of B (index), or each vertex with its
    /// nearest in the other file, both ways (nearest: for reordered or resampled data).
    #[arg(long = "match", value_enum, default_value_t = Match::Index)]
    matching: Match,
    /// Print the N largest differences, one a line, with both records as stored.
    #[arg(long, value_name = "N")]
    list: Option<usize>,
    /// Print the report as CSV (one line per listed difference; --list sets how many, 10 by
    /// default).
    #[arg(long)]
    csv: bool,
    /// Also draw B with each vertex coloured by how much it differs (turbo: dark blue just over
    /// the tolerances, red the largest), the unchanged ones dimmed, into this PNG; the camera
    /// and size flags are render's.
    #[arg(short, long, value_name = "DIFF.png")]
    output: Option<PathBuf>,
    #[command(flatten)]
    look: LookArgs,
    #[command(flatten)]
    layout: LayoutArgs,
    #[command(flatten)]
    layout_b: LayoutArgsB,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Match {
    Index,
    Nearest,
}

fn parse_tolerance(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not a finite number of at least 0")),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match compare(&args) {
        Ok(report) => Ok(ExitCode::from(u8::from(report.differs()))),
        // Not comparable: exit 2, as cmp and diff say trouble.
        Err(error) => {
            eprintln!("vertexview: {error:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn compare(args: &Args) -> anyhow::Result<DiffReport> {
    if let Some(picture) = &args.output {
        if args.matching == Match::Nearest {
            anyhow::bail!(
                "-o draws the differences of vertices matched by index; leave out --match nearest"
            );
        }
        output::ensure_not_input(picture, &args.a)?;
        output::ensure_not_input(picture, &args.b)?;
    }
    let (a, _) = super::input::open_source(&args.a, &args.layout)?;
    let (b, _) = super::input::open_source(&args.b, &args.layout_b.or(&args.layout))?;
    let options = DiffOptions {
        tolerance: Tolerance {
            position: args.tolerance,
            color: args.color_tolerance,
        },
        largest: args.list.unwrap_or(if args.csv { 10 } else { 1 }),
    };
    let bar = progress::count_bar(format!("comparing {}", args.b.display()), a.len());
    let report = match args.matching {
        Match::Index => compare::diff(&a, &b, &options, |done, _| bar.set_position(done)),
        Match::Nearest => {
            bar.set_length(a.len() + b.len());
            compare::diff_nearest(&a, &b, &options, |done, _| bar.set_position(done))
        }
    };
    bar.finish_and_clear();
    let report = report?;
    let mut out = BufWriter::new(io::stdout().lock());
    let written = if args.csv {
        csv(&mut out, &report, &a, &b)
    } else {
        let nearest = args.matching == Match::Nearest;
        summary(
            &mut out,
            &report,
            &options,
            &a,
            &b,
            args.list.is_some(),
            nearest,
        )
    };
    written
        .and_then(|()| out.flush())
        .or_else(ignore_broken_pipe)?;
    drop(out);
    if let Some(path) = &args.output {
        picture(args, path, &a, &b, &report, options.tolerance)?;
    }
    Ok(report)
}

/// Draws B coloured by its differences from A into `path`, with render's camera and size.
fn picture(
    args: &Args,
    path: &std::path::Path,
    a: &VertexSource,
    b: &VertexSource,
    report: &DiffReport,
    tolerance: Tolerance,
) -> anyhow::Result<()> {
    let vertices = compare::colored_by_difference(a, b, report, tolerance)?;
    let stats = VertexStats::of(&vertices);
    let framing = Framing {
        stats,
        ramp_ranges: None,
        vertices: b.len(),
    };
    let settings = args
        .look
        .settings(Some(&framing), args.look.up(b.up()), true, None);
    let colored = VertexSource::from_file(VertexFile::from_vertices(b.path(), vertices));
    let gpu = GpuContext::headless()?;
    let options = RenderOptions {
        stats: Some(&stats),
        ..Default::default()
    };
    let image = gpu::render(&gpu, &[&colored], &settings, options)?;
    image.write_png(path)?;
    eprintln!(
        "wrote {} ({}x{})",
        path.display(),
        image.width(),
        image.height()
    );
    Ok(())
}

fn summary(
    out: &mut impl Write,
    report: &DiffReport,
    options: &DiffOptions,
    a: &VertexSource,
    b: &VertexSource,
    list: bool,
    nearest: bool,
) -> io::Result<()> {
    let t = options.tolerance;
    if nearest {
        writeln!(
            out,
            "compared     {} vertices, each against its nearest in the other file",
            report.compared
        )?;
    } else {
        writeln!(out, "compared     {} vertices, by index", report.compared)?;
    }
    writeln!(
        out,
        "position     {} differ (tolerance {})",
        report.position_differs, t.position
    )?;
    writeln!(
        out,
        "colour       {} differ (tolerance {}), largest difference {}",
        report.color_differs, t.color, report.max_color_difference
    )?;
    let percentiles: Vec<String> = PERCENTILES
        .iter()
        .zip(report.percentiles)
        .map(|(p, d)| format!("p{p} {}", short(d)))
        .collect();
    writeln!(
        out,
        "distance     max {}, mean {}; {}",
        short(report.max_distance),
        short(report.mean_distance),
        percentiles.join(", ")
    )?;
    if list {
        for o in &report.largest {
            writeln!(out, "{}", offender_line(o, a, b))?;
        }
    } else if let Some(o) = report.largest.first() {
        let (ia, ib) = indices(o);
        writeln!(
            out,
            "largest      {}: distance {}, colour {}",
            name(o),
            short(o.distance),
            o.color_difference
        )?;
        writeln!(out, "  {}  #{ia} {}", a.path().display(), record(a, ia))?;
        writeln!(out, "  {}  #{ib} {}", b.path().display(), record(b, ib))?;
    }
    writeln!(
        out,
        "verdict      {}",
        if report.differs() {
            format!(
                "{} of {} vertices differ",
                report.differs_at_all, report.compared
            )
        } else {
            "the same within the tolerances".into()
        }
    )
}

/// The indices in A and in B of an offender's two vertices.
fn indices(o: &compare::Offender) -> (u64, u64) {
    match o.side {
        Side::Both | Side::A => (o.index, o.matched),
        Side::B => (o.matched, o.index),
    }
}

/// `#42` by index; `B #42` (against its nearest in A) and `A #42` otherwise.
fn name(o: &compare::Offender) -> String {
    match o.side {
        Side::Both => format!("#{}", o.index),
        Side::A => format!("A #{}", o.index),
        Side::B => format!("B #{}", o.index),
    }
}

/// One listed difference: `42: distance 0.5 colour 0 | (…) rgb(…) | (…) rgb(…)`, A's record
/// then B's (`B 42: … | A #17 … | …` when matched by nearest).
fn offender_line(o: &compare::Offender, a: &VertexSource, b: &VertexSource) -> String {
    let (ia, ib) = indices(o);
    let head = match o.side {
        Side::Both => format!("{}", o.index),
        _ => name(o),
    };
    let tag = |i: u64| {
        if o.side == Side::Both {
            String::new()
        } else {
            format!("#{i} ")
        }
    };
    format!(
        "{head}: distance {} colour {} | {}{} | {}{}",
        short(o.distance),
        o.color_difference,
        tag(ia),
        record(a, ia),
        tag(ib),
        record(b, ib)
    )
}

fn csv(
    out: &mut impl Write,
    report: &DiffReport,
    a: &VertexSource,
    b: &VertexSource,
) -> io::Result<()> {
    writeln!(out, "index_a,index_b,distance,color_difference,a,b")?;
    for o in &report.largest {
        let (ia, ib) = indices(o);
        writeln!(
            out,
            "{ia},{ib},{},{},\"{}\",\"{}\"",
            o.distance,
            o.color_difference,
            record(a, ia),
            record(b, ib)
        )?;
    }
    Ok(())
}

/// The record as `inspect --list` prints it, without its index.
fn record(source: &VertexSource, index: u64) -> String {
    match describe(source, index) {
        Ok(line) => line
            .split_once(": ")
            .map_or(line.clone(), |(_, rest)| rest.to_owned()),
        Err(e) => format!("(unreadable: {e})"),
    }
}

/// Six significant digits, enough to read at a glance.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (5 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

fn ignore_broken_pipe(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}
