//! [`DiffReport`]: what a comparison found, gathered in one streamed pass.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The percentiles of the distance a report gives, in percent.
pub const PERCENTILES: [f64; 4] = [50.0, 90.0, 99.0, 99.9];

/// Which file an offender's index is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Side {
    /// Both: matched by index.
    #[default]
    Both,
    /// The first file: a vertex of A against its nearest in B.
    A,
    /// The second file: a vertex of B against its nearest in A.
    B,
}

/// One vertex that differs: its index and how much.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offender {
    /// Its index, in both files or in `side`'s.
    pub index: u64,
    /// Which file `index` is in.
    pub side: Side,
    /// The vertex it was compared with, in the other file (the same index when matched by
    /// index).
    pub matched: u64,
    /// Distance between the two positions, in the files' coordinates (infinite where one is
    /// not a number and the other is, or they are non-finite differently).
    pub distance: f64,
    /// The largest difference of one colour channel, in the first file's colour units.
    pub color_difference: f64,
}

/// What a comparison of two files found.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffReport {
    /// Vertices compared.
    pub compared: u64,
    /// Vertices whose positions differ by more than the position tolerance.
    pub position_differs: u64,
    /// Vertices whose colours differ by more than the colour tolerance.
    pub color_differs: u64,
    /// Vertices that differ in either.
    pub differs_at_all: u64,
    /// The largest distance between two positions (0 when all are equal).
    pub max_distance: f64,
    /// The mean distance over the vertices compared (finite distances only).
    pub mean_distance: f64,
    /// The distance under which `p` % of the vertices lie, for each `p` of [`PERCENTILES`]:
    /// exact for 0, else within 2 % (a logarithmic histogram, so that any size streams).
    pub percentiles: [f64; 4],
    /// The largest colour difference, in the first file's colour units.
    pub max_color_difference: f64,
    /// The vertices that differ most, beyond the tolerances, largest first (by distance, then
    /// colour), at most as many as asked for.
    pub largest: Vec<Offender>,
}

impl DiffReport {
    /// Whether anything differs beyond the tolerances.
    pub fn differs(&self) -> bool {
        self.differs_at_all > 0
    }
}

/// Buckets per factor of 10 of the distance histogram: 2 % wide each.
const PER_DECADE: f64 = 116.0;
/// The histogram covers 1e-30 to 1e30; smaller and larger land in its end buckets.
const DECADES: f64 = 60.0;
const BUCKETS: usize = (PER_DECADE * DECADES) as usize + 2;

/// Gathers a report vertex by vertex.
pub(super) struct Accumulator {
    keep: usize,
    compared: u64,
    position_differs: u64,
    color_differs: u64,
    differs_at_all: u64,
    max_distance: f64,
    sum: f64,
    finite: u64,
    zero: u64,
    infinite: u64,
    max_color: f64,
    histogram: Vec<u64>,
    largest: BinaryHeap<Smallest>,
}

/// An offender ordered so that a max-heap pops the smallest: the heap keeps the largest few.
struct Smallest(Offender);

impl Smallest {
    fn key(&self) -> (f64, f64) {
        (self.0.distance, self.0.color_difference)
    }
}

impl PartialEq for Smallest {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Smallest {}

impl PartialOrd for Smallest {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Smallest {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        // Reversed: larger offenders compare smaller; of equals, the earlier index stays.
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(self.0.index.cmp(&other.0.index))
    }
}

impl Accumulator {
    /// Keeps the `keep` largest offenders.
    pub fn new(keep: usize) -> Accumulator {
        Accumulator {
            keep,
            compared: 0,
            position_differs: 0,
            color_differs: 0,
            differs_at_all: 0,
            max_distance: 0.0,
            sum: 0.0,
            finite: 0,
            zero: 0,
            infinite: 0,
            max_color: 0.0,
            histogram: vec![0; BUCKETS],
            largest: BinaryHeap::new(),
        }
    }

    /// One vertex compared: `position_over` and `color_over` say whether it is beyond the
    /// tolerances.
    pub fn add(&mut self, offender: Offender, position_over: bool, color_over: bool) {
        self.compared += 1;
        let d = offender.distance;
        if d.is_finite() {
            self.sum += d;
            self.finite += 1;
        } else {
            self.infinite += 1;
        }
        if d == 0.0 {
            self.zero += 1;
        } else if d.is_finite() {
            self.histogram[bucket(d)] += 1;
        }
        self.max_distance = self.max_distance.max(d);
        self.max_color = self.max_color.max(offender.color_difference);
        self.position_differs += u64::from(position_over);
        self.color_differs += u64::from(color_over);
        if position_over || color_over {
            self.differs_at_all += 1;
            if self.keep > 0 {
                self.largest.push(Smallest(offender));
                if self.largest.len() > self.keep {
                    self.largest.pop();
                }
            }
        }
    }

    /// `n` vertices compared and found equal to the bit.
    pub fn add_equal(&mut self, n: u64) {
        self.compared += n;
        self.finite += n;
        self.zero += n;
    }

    /// Adds what `other` gathered (another share of the same comparison).
    pub fn merge(&mut self, other: Accumulator) {
        self.compared += other.compared;
        self.position_differs += other.position_differs;
        self.color_differs += other.color_differs;
        self.differs_at_all += other.differs_at_all;
        self.max_distance = self.max_distance.max(other.max_distance);
        self.sum += other.sum;
        self.finite += other.finite;
        self.zero += other.zero;
        self.infinite += other.infinite;
        self.max_color = self.max_color.max(other.max_color);
        for (mine, theirs) in self.histogram.iter_mut().zip(other.histogram) {
            *mine += theirs;
        }
        for offender in other.largest {
            self.largest.push(offender);
            if self.largest.len() > self.keep {
                self.largest.pop();
            }
        }
    }

    /// The report.
    pub fn finish(self) -> DiffReport {
        let percentiles = PERCENTILES.map(|p| self.percentile(p));
        let mut largest: Vec<Offender> = self.largest.into_iter().map(|s| s.0).collect();
        largest.sort_by(|a, b| {
            b.distance
                .total_cmp(&a.distance)
                .then(b.color_difference.total_cmp(&a.color_difference))
                .then(a.index.cmp(&b.index))
        });
        DiffReport {
            compared: self.compared,
            position_differs: self.position_differs,
            color_differs: self.color_differs,
            differs_at_all: self.differs_at_all,
            max_distance: self.max_distance,
            mean_distance: if self.finite > 0 {
                self.sum / self.finite as f64
            } else {
                0.0
            },
            percentiles,
            max_color_difference: self.max_color,
            largest,
        }
    }

    /// The distance under which `p` % of the vertices lie.
    fn percentile(&self, p: f64) -> f64 {
        if self.compared == 0 {
            return 0.0;
        }
        // The rank of the vertex at the p-th percentile, counting from 1.
        let rank = ((p / 100.0) * self.compared as f64).ceil().max(1.0) as u64;
        if rank <= self.zero {
            return 0.0;
        }
        let mut seen = self.zero;
        for (i, &n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return bucket_middle(i).min(self.max_distance);
            }
        }
        f64::INFINITY
    }
}

fn bucket(d: f64) -> usize {
    let at = (d.log10() + DECADES / 2.0) * PER_DECADE;
    (at.max(0.0) as usize + 1).min(BUCKETS - 1)
}

fn bucket_middle(i: usize) -> f64 {
    let low = (i as f64 - 1.0) / PER_DECADE - DECADES / 2.0;
    10f64.powf(low + 0.5 / PER_DECADE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offender(index: u64, distance: f64) -> Offender {
        Offender {
            index,
            side: Side::Both,
            matched: index,
            distance,
            color_difference: 0.0,
        }
    }

    #[test]
    fn percentiles_are_within_two_percent_and_zero_is_exact() {
        let mut acc = Accumulator::new(3);
        for i in 0..1000u64 {
            // Half exactly equal, half from 1 to 500.
            let d = if i < 500 { 0.0 } else { (i - 499) as f64 };
            acc.add(offender(i, d), d > 0.0, false);
        }
        let report = acc.finish();
        assert_eq!(
            report.percentiles[0], 0.0,
            "the median is one of the equal half"
        );
        for (p, want) in [(1, 400.0), (2, 490.0), (3, 499.0)] {
            let got = report.percentiles[p];
            assert!(
                (got - want).abs() / want < 0.02,
                "p{}: {got}, want {want}",
                PERCENTILES[p]
            );
        }
        assert_eq!(report.max_distance, 500.0);
        assert_eq!((report.position_differs, report.differs_at_all), (500, 500));
        let indices: Vec<u64> = report.largest.iter().map(|o| o.index).collect();
        assert_eq!(indices, [999, 998, 997]);
    }
}
