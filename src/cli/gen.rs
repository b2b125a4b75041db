//! `vertexview gen`: deterministic sample files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vertexview::format::vertex::{STRIDE, UNPADDED_SIZE};
use vertexview::write::gen::{self, Shape};
use vertexview::write::output;

use super::progress;

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
    let pad = if args.no_trailing_pad && args.count > 0 {
        (STRIDE - UNPADDED_SIZE) as u64
    } else {
        0
    };
    let bytes = args
        .count
        .checked_mul(STRIDE as u64)
        .map(|b| b - pad)
        .with_context(|| format!("{} vertices is more than any file can hold", args.count))?;
    // Refuse before writing anything: a 2 PB request should not fill the disk first.
    output::ensure_space(path, bytes)?;
    let interrupted = progress::interrupt_flag();
    let bar = progress::bytes_bar(format!("writing {}", path.display()), bytes);
    let written = output::write_atomically(path, |out| {
        let mut out = progress::Watched::new(out, &bar, &interrupted);
        gen::write(
            &mut out,
            args.shape,
            args.count,
            args.seed,
            !args.no_trailing_pad,
        )?;
        out.flush()
    });
    bar.finish_and_clear();
    if let Some(code) = progress::write_outcome(written, path)? {
        return Ok(code);
    }
    eprintln!(
        "wrote {} {} vertices ({bytes} bytes) to {}",
        args.count,
        args.shape,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
