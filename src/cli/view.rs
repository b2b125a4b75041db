use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the viewer is not built yet")
}

pub fn run_default() -> anyhow::Result<ExitCode> {
    anyhow::bail!("the viewer is not built yet")
}
