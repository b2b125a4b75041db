//! `vertexview gen`: deterministic sample files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vertexview::gen::{self, Shape};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shape to sample.
    #[arg(long, value_enum)]
    shape: Shape,
    /// Number of vertices.
    #[arg(long, default_value_t = 100_000)]
    count: u64,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// File to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Write the last vertex without its 2 padding bytes (a valid file of 20·n − 2 bytes).
    #[arg(long)]
    no_trailing_pad: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = &args.output;
    let file = File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let shape = args.shape;
    gen::write(
        &mut out,
        shape,
        args.count,
        args.seed,
        !args.no_trailing_pad,
    )
    .and_then(|()| out.flush())
    .with_context(|| format!("{}: cannot write", path.display()))?;
    let bytes = (args.count * 20).saturating_sub(if args.no_trailing_pad && args.count > 0 {
        2
    } else {
        0
    });
    eprintln!(
        "wrote {} {shape} vertices ({bytes} bytes) to {}",
        args.count,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
