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

/// What frames a picture of a file: the statistics of its sample (the camera's bounds) and the
/// default ranges of ramps over x, y and z ([`Sample::ramp_ranges`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Framing {
    /// The sample's statistics.
    pub stats: crate::format::stats::VertexStats,
    /// The 2nd to 98th percentiles of x, y and z.
    pub ramp_ranges: Option<[[f32; 2]; 3]>,
    /// Vertices in the framed files (a ramp over the index runs from 0 to this less one).
    pub vertices: u64,
}

impl Framing {
    /// Several files' framing together: their statistics merged, the widest of their ranges.
    pub fn merge(all: &[Framing]) -> Framing {
        let stats: Vec<_> = all.iter().map(|f| f.stats).collect();
        let ramp_ranges = all
            .iter()
            .filter_map(|f| f.ramp_ranges)
            .reduce(|a, b| std::array::from_fn(|i| [a[i][0].min(b[i][0]), a[i][1].max(b[i][1])]));
        Framing {
            stats: crate::format::stats::VertexStats::merge_all(&stats),
            ramp_ranges,
            vertices: all.iter().map(|f| f.vertices).sum(),
        }
    }
}

/// The share of values below a ramp's default range, and above it: the 2nd to the 98th
/// percentile, so that a few outliers do not squeeze everything else into one colour.
pub const RAMP_PERCENTILES: (f64, f64) = (0.02, 0.98);

impl Sample {
    /// The 2nd and 98th percentiles ([`RAMP_PERCENTILES`]) of x, y and z over the sample's
    /// finite positions: the default ranges of a ramp over each. `None` without any.
    pub fn ramp_ranges(&self) -> Option<[[f32; 2]; 3]> {
        let mut ranges = [[0.0; 2]; 3];
        for (axis, range) in ranges.iter_mut().enumerate() {
            let mut values: Vec<f32> = self
                .vertices
                .iter()
                .map(|v| v.position[axis])
                .filter(|x| x.is_finite())
                .collect();
            if values.is_empty() {
                return None;
            }
            let last = values.len() - 1;
            let at = |q: f64| ((last as f64) * q).round() as usize;
            let (lo, hi) = (at(RAMP_PERCENTILES.0), at(RAMP_PERCENTILES.1));
            let low = *values.select_nth_unstable_by(lo, f32::total_cmp).1;
            let high = *values.select_nth_unstable_by(hi, f32::total_cmp).1;
            *range = [low, high];
        }
        Some(ranges)
    }
}

impl VertexSource {
    /// An evenly spread sample of about `vertices` vertices (all of a file no larger), read in
    /// runs: see [`SamplePlan`].
    pub fn sample(&self, vertices: u64) -> Result<Sample, LoadError> {
        self.sample_in(vertices, SAMPLE_RUNS)
    }

    /// How a sample of about `vertices` in at most `runs` runs is read from this source: runs
    /// spread over the file, starting where decompression starts (LAZ); the first `vertices`
    /// where the records come coarsest first (COPC), as those are spread already.
    pub(crate) fn sample_plan(&self, vertices: u64, runs: u64) -> SamplePlan {
        if self.is_coarse_first() {
            return SamplePlan::in_runs(self.len(), vertices, 1, None);
        }
        SamplePlan::in_runs(self.len(), vertices, runs, self.chunk_points())
    }

    /// [`sample`](Self::sample) in at most `runs` runs.
    pub fn sample_in(&self, vertices: u64, runs: u64) -> Result<Sample, LoadError> {
        let plan = self.sample_plan(vertices, runs);
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
    fn ramp_ranges_leave_out_two_percent_at_each_end() {
        let vertices: Vec<Vertex> = (0..=100)
            .map(|i| Vertex::new(glam::Vec3::new(i as f32, -(i as f32), 5.0), [0; 3]))
            .chain([Vertex::new(glam::Vec3::new(f32::NAN, 0.0, 5.0), [0; 3])])
            .collect();
        let sample = Sample {
            run: 1,
            gap: 1,
            vertices,
        };
        let ranges = sample.ramp_ranges().unwrap();
        assert_eq!(ranges[0], [2.0, 98.0]);
        assert_eq!(ranges[2], [5.0, 5.0]);
        let empty = Sample {
            run: 1,
            gap: 1,
            vertices: Vec::new(),
        };
        assert_eq!(empty.ramp_ranges(), None);
    }

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
