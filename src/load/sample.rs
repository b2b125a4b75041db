//! An evenly spread sample of a source, read in runs of consecutive vertices: a few positional
//! reads (milliseconds even from a disk) that cover the whole file, for a first camera and a
//! first picture.

use super::error::LoadError;
use super::source::VertexSource;
use crate::format::vertex::Vertex;

/// Vertices of the sample that frames a file (its camera, its height ramp) and is the viewer's
/// first picture: 20 MB of default records, read in a few milliseconds.
pub const FIT_SAMPLE: u64 = 1 << 20;

/// Runs a sample is read in, at most: few enough that reading them is a few milliseconds even
/// from a disk (0.64 s to a window for a 3 GB file after dropping the page cache here).
pub const SAMPLE_RUNS: u64 = 4096;

/// Runs of the viewer's second, denser sample: short runs everywhere, so that a file in spatial
/// order (a lattice, a scan in strips) is covered evenly; 16 times the reads (from the page cache
/// milliseconds, from a disk here 3 s more).
pub const SPREAD_RUNS: u64 = 65536;

/// Vertices `runs` runs of `run` consecutive vertices, the first from file index 0 and each
/// `gap` after the last.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Vertices in a run.
    pub run: u64,
    /// File distance between the starts of consecutive runs.
    pub gap: u64,
    /// The vertices, run after run.
    pub vertices: Vec<Vertex>,
}

/// Where a sample's runs lie: `(runs, run, gap)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SamplePlan {
    /// How many runs.
    pub runs: u64,
    /// Vertices in each.
    pub run: u64,
    /// File distance between their starts.
    pub gap: u64,
}

impl SamplePlan {
    /// About `vertices` of `count`, in at most [`SAMPLE_RUNS`] runs, each starting at a multiple
    /// of `chunk` when decompression starts there (LAZ). A file no larger is taken whole.
    pub fn new(count: u64, vertices: u64, chunk: Option<u64>) -> SamplePlan {
        Self::in_runs(count, vertices, SAMPLE_RUNS, chunk)
    }

    /// [`new`](Self::new) in at most `runs` runs.
    pub fn in_runs(count: u64, vertices: u64, runs: u64, chunk: Option<u64>) -> SamplePlan {
        if count <= vertices.max(1) {
            return SamplePlan {
                runs: u64::from(count > 0),
                run: count,
                gap: count.max(1),
            };
        }
        let most = runs.min(vertices).max(1);
        let mut gap = count.div_ceil(most);
        if let Some(chunk) = chunk.filter(|&c| c > 0) {
            // Rounded up, so that the runs still reach the end of the file.
            gap = gap.div_ceil(chunk) * chunk;
        }
        let runs = ((count - 1) / gap + 1).min(most);
        let run = (vertices / runs).clamp(1, gap);
        let runs = ((count - run) / gap + 1).min(runs);
        SamplePlan { runs, run, gap }
    }

    /// Vertices in the sample.
    pub fn len(&self) -> u64 {
        self.runs * self.run
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl VertexSource {
    /// An evenly spread sample of about `vertices` vertices (all of a file no larger), read in
    /// runs: see [`SamplePlan`].
    pub fn sample(&self, vertices: u64) -> Result<Sample, LoadError> {
        self.sample_in(vertices, SAMPLE_RUNS)
    }

    /// [`sample`](Self::sample) in at most `runs` runs.
    pub fn sample_in(&self, vertices: u64, runs: u64) -> Result<Sample, LoadError> {
        let plan = SamplePlan::in_runs(self.len(), vertices, runs, self.chunk_points());
        let mut sample = vec![Vertex::default(); plan.len() as usize];
        self.scattered(|| {
            for (i, run) in sample.chunks_mut(plan.run.max(1) as usize).enumerate() {
                self.read(i as u64 * plan.gap, run)?;
            }
            Ok::<(), LoadError>(())
        })?;
        Ok(Sample {
            run: plan.run,
            gap: plan.gap,
            vertices: sample,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_file_and_stay_inside_it() {
        for (count, want, chunk) in [
            (0, 100, None),
            (10, 100, None),
            (1_000_000, 65_536, None),
            (150_000_000, 1 << 20, None),
            (3_000_000, 1 << 20, Some(50_000)),
            (300_000_000, 1 << 20, Some(50_000)),
            (1_000_001, 1 << 20, None),
        ] {
            let plan = SamplePlan::new(count, want, chunk);
            assert!(plan.len() <= want.max(count.min(want)), "{plan:?}");
            if count > 0 {
                assert!(
                    (plan.runs - 1) * plan.gap + plan.run <= count,
                    "{count}: {plan:?}"
                );
                // The last run starts within a gap of the end: the whole file is sampled.
                assert!(count - (plan.runs - 1) * plan.gap <= plan.gap, "{plan:?}");
            }
            if let Some(chunk) = chunk {
                assert_eq!(plan.gap % chunk, 0, "{plan:?}");
            }
        }
        assert_eq!(
            SamplePlan::new(150_000_000, 1 << 20, None),
            SamplePlan {
                runs: 4096,
                run: 256,
                gap: 36_622
            }
        );
        assert_eq!(SamplePlan::new(10, 100, None).len(), 10);
    }
}
