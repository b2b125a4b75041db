//! Opening FILE arguments: raw records of a `--layout`, PLY, LAS, or standard input.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use std::sync::Arc;
use vertexview::format::Layout;

use vertexview::load::copc;
use vertexview::load::http::{is_url, Traffic};
use vertexview::load::open::{self, FileKind};
use vertexview::load::source::VertexSource;
use vertexview::load::SpecialFile;
use vertexview::{LoadError, VertexFile, VertexStats};

use super::progress;

/// How the records of a raw file are laid out.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LayoutArgs {
    /// The record of a raw file, field by field: NAME:FORMAT with FORMAT a count and a
    /// struct-module code, such as 'pos:3f col:4B' (pos: the position; col: the colour; _:
    /// padding; other names are skipped). Default 'pos:3f col:3H _:2x'.
    #[arg(long, value_name = "SPEC", value_parser = parse_layout)]
    pub layout: Option<Layout>,
    /// Bytes from one record to the next, when records carry bytes the layout does not name.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub stride: Option<u32>,
    /// Bytes to skip before the first record (a header).
    #[arg(long, value_name = "N")]
    pub offset: Option<u64>,
    /// Of a COPC file, only its octree's levels 0 to LEVEL, read into memory: a quick picture
    /// of a big survey (default: every point).
    #[arg(long, value_name = "LEVEL", conflicts_with = "resolution")]
    pub lod: Option<u32>,
    /// Of a COPC file, only the levels needed for points about R apart (in the file's units):
    /// those whose spacing is at least R, and the next.
    #[arg(long, value_name = "R", value_parser = parse_resolution)]
    pub resolution: Option<f64>,
}

fn parse_resolution(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!("'{s}' is not a distance above 0")),
    }
}

/// How the second file's records are laid out, where they differ from the first's (`diff`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LayoutArgsB {
    /// The second file's record layout (default: --layout).
    #[arg(long, value_name = "SPEC", value_parser = parse_layout)]
    pub layout_b: Option<Layout>,
    /// The second file's stride (default: --stride).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub stride_b: Option<u32>,
    /// The second file's header bytes (default: --offset).
    #[arg(long, value_name = "N")]
    pub offset_b: Option<u64>,
}

impl LayoutArgsB {
    /// The second file's layout flags: its own where given, else the first file's.
    pub fn or(&self, a: &LayoutArgs) -> LayoutArgs {
        LayoutArgs {
            layout: self.layout_b.clone().or_else(|| a.layout.clone()),
            stride: self.stride_b.or(a.stride),
            offset: self.offset_b.or(a.offset),
            lod: a.lod,
            resolution: a.resolution,
        }
    }
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    Layout::parse(s).map_err(|e| e.to_string())
}

impl LayoutArgs {
    /// The layout these flags describe, or `None` when none was given.
    pub fn layout(&self) -> anyhow::Result<Option<Layout>> {
        if self.layout.is_none() && self.stride.is_none() && self.offset.is_none() {
            return Ok(None);
        }
        let mut layout = self.layout.clone().unwrap_or_default();
        if let Some(stride) = self.stride {
            layout = layout.with_stride(stride as usize)?;
        }
        if let Some(offset) = self.offset {
            layout = layout.with_header(offset);
        }
        Ok(Some(layout))
    }
}

/// FILE for reading in pieces; `-` reads standard input to its end first.
pub fn open_source(path: &Path, args: &LayoutArgs) -> anyhow::Result<(VertexSource, FileKind)> {
    open_counted(path, args).map(|(source, kind, _)| (source, kind))
}

/// [`open_source`], with what fetching a URL cost.
pub fn open_counted(
    path: &Path,
    args: &LayoutArgs,
) -> anyhow::Result<(VertexSource, FileKind, Option<Arc<Traffic>>)> {
    let layout = args.layout()?;
    // A URL is read as COPC, by range requests; so are the levels of one on disk.
    let depth = match (args.lod, args.resolution) {
        (Some(level), _) => Some(copc::Depth::Level(level)),
        (None, Some(r)) => Some(copc::Depth::Resolution(r)),
        (None, None) => None,
    };
    if is_url(path) || depth.is_some() {
        if layout.is_some() || !(is_url(path) || copc::is_copc(path)) {
            anyhow::bail!(
                "{}: --lod and --resolution read the levels of a COPC file's octree, and this is not one",
                path.display()
            );
        }
        let (source, info, traffic) = copc::open_levels(path, depth.unwrap_or(copc::Depth::All))?;
        return Ok((source, FileKind::Las(info), traffic));
    }
    if path == Path::new("-") {
        return Ok((read_stdin(layout)?, FileKind::Raw, None));
    }
    let (source, kind) = open::open(path, layout)?;
    Ok((source, kind, None))
}

fn read_stdin(layout: Option<Layout>) -> anyhow::Result<VertexSource> {
    match layout {
        None => Ok(VertexSource::from_file(read_stdin_vertices()?)),
        Some(layout) => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                return Err(LoadError::NotAFile {
                    path: "<stdin>".into(),
                    kind: SpecialFile::Terminal,
                }
                .into());
            }
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .context("<stdin>: cannot read")?;
            Ok(VertexSource::from_memory_with(
                "<stdin>", bytes, layout, None,
            )?)
        }
    }
}

/// Standard input read to its end as default records, with a spinner on a terminal.
fn read_stdin_vertices() -> Result<VertexFile, LoadError> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(LoadError::NotAFile {
            path: "<stdin>".into(),
            kind: SpecialFile::Terminal,
        });
    }
    let bar = progress::spinner("reading <stdin>".into());
    let file = VertexFile::read_from("<stdin>", stdin.lock(), |done, _| bar.set_position(done));
    bar.finish_and_clear();
    file
}

/// The statistics of every vertex, with a progress bar on a terminal.
pub fn summarise(source: &VertexSource) -> Result<VertexStats, LoadError> {
    let bar = progress::bytes_bar(
        format!("reading {}", source.path().display()),
        source.file_len(),
    );
    let stats = source.stats(|done, _| bar.set_position(done));
    bar.finish_and_clear();
    stats
}
