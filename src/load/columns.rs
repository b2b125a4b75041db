//! The columns of a [`VertexSource`]'s records (what `--color FIELD` colours by): finding one by
//! name, its range over the evenly spread sample, and how the GPU reads it in what is uploaded:
//! in place where the records are read in place, else carried in the converted vertices.

use super::error::{LoadError, NoColumn};
use super::sample::{Framing, Sample, FIT_SAMPLE, RAMP_PERCENTILES, SAMPLE_RUNS};
use super::source::VertexSource;
use crate::format::records::{Carried, CARRIED_OFFSET};
use crate::format::stats::VertexStats;
use crate::format::{Code, Column, ColumnKind, ColumnRead, GpuColumn, Vertex};

/// Classes beyond this many distinct values are not told apart by colour.
const MAX_CLASSES: usize = 256;

/// A column's values over the evenly spread sample of a file: what its default range and its
/// encoding in converted records are chosen from.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnSample {
    /// The smallest and largest finite value (every component of a vector); `None` without any.
    pub extremes: Option<[f64; 2]>,
    /// The 2nd and 98th percentile ([`RAMP_PERCENTILES`]): the default range of a colormap.
    pub range: Option<[f64; 2]>,
    /// The distinct values, when all are whole numbers and there are at most 256 of them.
    pub classes: Option<Vec<i64>>,
}

impl VertexSource {
    /// Every column of the records: the layout's fields other than position, colour and
    /// padding ([`Layout::columns`](crate::format::Layout::columns)), then the container's own
    /// (LAS return numbers and classification).
    pub fn columns(&self) -> Vec<Column> {
        let mut all = self.layout().columns();
        all.extend(self.extra_columns.iter().cloned());
        all
    }

    /// The column called `name`, or [`LoadError::NoColumn`] listing those there are.
    pub fn column(&self, name: &str) -> Result<Column, LoadError> {
        let columns = self.columns();
        if let Some(c) = columns.iter().find(|c| c.name == name) {
            return Ok(c.clone());
        }
        let known: Vec<String> = ["x", "y", "z", "height", "index"]
            .into_iter()
            .map(String::from)
            .chain(columns.into_iter().map(|c| c.name))
            .collect();
        Err(LoadError::NoColumn(Box::new(NoColumn {
            path: self.path().to_owned(),
            name: name.to_owned(),
            known: known.join(", "),
        })))
    }

    /// `column`'s values over the evenly spread sample (the one framing reads, about 1 M
    /// records in runs; every record of a smaller file).
    pub fn column_sample(&self, column: &Column) -> Result<ColumnSample, LoadError> {
        let (_, sample) = self.framing_with(Some(column))?;
        Ok(sample.unwrap_or_else(|| summarise(Vec::new())))
    }

    /// What frames a picture of this file ([`framing`](Self::framing)) and, when colouring by
    /// `column`, its values over the same sample: one read of the sample for both.
    pub fn framing_with(
        &self,
        column: Option<&Column>,
    ) -> Result<(Framing, Option<ColumnSample>), LoadError> {
        let plan = self.sample_plan(FIT_SAMPLE, SAMPLE_RUNS);
        let stride = self.layout().stride();
        let mut vertices = vec![Vertex::default(); plan.len() as usize];
        let components = column.map_or(0, Column::components);
        let mut values = Vec::with_capacity(plan.len() as usize * components);
        let mut bytes = vec![0u8; plan.run as usize * stride];
        self.scattered(|| {
            for (i, run) in vertices.chunks_mut(plan.run.max(1) as usize).enumerate() {
                let records = &mut bytes[..run.len() * stride];
                self.read_records(i as u64 * plan.gap, records)?;
                match &self.decoder {
                    Some(decoder) => decoder.decode(records, run),
                    None => bytemuck::cast_slice_mut(run).copy_from_slice(records),
                }
                let Some(column) = column else { continue };
                for record in records.chunks_exact(stride) {
                    for c in 0..components {
                        values.push(column.value(self.layout(), record, c));
                    }
                }
            }
            Ok::<(), LoadError>(())
        })?;
        let sample = Sample {
            run: plan.run,
            gap: plan.gap,
            vertices,
        };
        let framing = Framing {
            stats: VertexStats::of(&sample.vertices),
            ramp_ranges: sample.ramp_ranges(),
            vertices: self.len(),
        };
        let column = column.map(|_| {
            values.retain(|v| v.is_finite());
            summarise(values)
        });
        Ok((framing, column))
    }

    /// How the GPU reads `column` in what this source uploads, and, for records that are
    /// converted on upload, the decoder set to carry it ([`Carried`]): a scalar in each
    /// vertex's padding, a vector in its colour (each component over `range`, the one a frame
    /// shows it over). Records the GPU reads in place are read where the column lies, and
    /// nothing changes; a column they cannot be read through (a 32-bit integer, say) makes
    /// them converted. Call it before anything is uploaded.
    pub fn column_read(
        &mut self,
        column: &Column,
        sample: &ColumnSample,
        range: [f64; 2],
    ) -> ColumnRead {
        let vector = column.kind == ColumnKind::Vector;
        if let (Some(layout), None, false) = (self.layout().gpu(), column.bits, self.convert) {
            let at = GpuColumn {
                code: column.code,
                offset: column.offset as u32,
                vector,
            };
            if layout.with_column(at).is_readable() {
                return ColumnRead {
                    column: at,
                    base: 0.0,
                    step: 1.0,
                };
            }
        }
        self.carry_column(column, sample, range)
    }

    /// [`column_read`](Self::column_read) for records converted on upload, whether or not the
    /// GPU could read them in place: so that several files read a column alike.
    pub fn carry_column(
        &mut self,
        column: &Column,
        sample: &ColumnSample,
        range: [f64; 2],
    ) -> ColumnRead {
        let vector = column.kind == ColumnKind::Vector;
        self.convert = true;
        let (carried, read) = if vector {
            let [lo, hi] = range;
            let read = ColumnRead {
                column: GpuColumn {
                    code: Code::U16,
                    offset: 12,
                    vector: true,
                },
                base: lo as f32,
                step: ((hi - lo) / 65535.0) as f32,
            };
            let carried = Carried::Vector {
                column: column.clone(),
                lo,
                hi,
            };
            (carried, read)
        } else {
            let (base, step) = scalar_encoding(column, sample);
            let read = ColumnRead {
                column: GpuColumn {
                    code: Code::F16,
                    offset: CARRIED_OFFSET,
                    vector: false,
                },
                base: base as f32,
                step: step as f32,
            };
            let carried = Carried::Scalar {
                column: column.clone(),
                base,
                step,
            };
            (carried, read)
        };
        if let Some(decoder) = self.decoder.take() {
            self.decoder = Some(decoder.carrying(Some(carried)));
        }
        read
    }
}

/// A scalar's encoding in a half float, `(value − base) / step`: whole numbers as they are
/// where they span at most 2048 (half floats hold every integer to 2048), others centred on
/// their sampled range in 2048 steps across it.
fn scalar_encoding(column: &Column, sample: &ColumnSample) -> (f64, f64) {
    let Some([lo, hi]) = sample.extremes else {
        return (0.0, 1.0);
    };
    let span = hi - lo;
    if column.is_integer() && span <= 2048.0 {
        let base = if lo >= 0.0 && hi <= 2048.0 { 0.0 } else { lo };
        return (base, 1.0);
    }
    if span > 0.0 && span.is_finite() {
        ((lo + hi) / 2.0, span / 2048.0)
    } else {
        (lo, 1.0)
    }
}

/// The extremes, the percentile range and the classes of `values` (all finite).
fn summarise(mut values: Vec<f64>) -> ColumnSample {
    if values.is_empty() {
        return ColumnSample {
            extremes: None,
            range: None,
            classes: None,
        };
    }
    let whole = values.iter().all(|v| v.fract() == 0.0);
    values.sort_unstable_by(f64::total_cmp);
    let last = values.len() - 1;
    let at = |q: f64| values[((last as f64) * q).round() as usize];
    let classes = whole
        .then(|| {
            let mut distinct: Vec<i64> = values.iter().map(|&v| v as i64).collect();
            distinct.dedup();
            distinct
        })
        .filter(|d| d.len() <= MAX_CLASSES);
    ColumnSample {
        extremes: Some([values[0], values[last]]),
        range: Some([at(RAMP_PERCENTILES.0), at(RAMP_PERCENTILES.1)]),
        classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Layout;

    fn source(spec: &str, records: Vec<u8>) -> VertexSource {
        let layout = Layout::parse(spec).unwrap();
        VertexSource::from_memory_with("test.bin", records, layout, None).unwrap()
    }

    /// Records of `pos:3f i:1I t:1f`: position (k, 0, 0), i = 1000·k, t = k / 10.
    fn records(n: u32) -> Vec<u8> {
        (0..n)
            .flat_map(|k| {
                [k as f32, 0.0, 0.0]
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .chain((1000 * k).to_le_bytes())
                    .chain((k as f32 / 10.0).to_le_bytes())
                    .collect::<Vec<u8>>()
            })
            .collect()
    }

    #[test]
    fn a_column_read_in_place_changes_nothing() {
        let mut s = source("pos:3f i:1I t:1f", records(101));
        let t = s.column("t").unwrap();
        let sample = s.column_sample(&t).unwrap();
        assert_eq!(sample.extremes, Some([0.0, 10.0f32 as f64]));
        assert_eq!(sample.range.map(|r| r[0]), Some(0.2f32 as f64));
        assert_eq!(sample.classes, None);
        let read = s.column_read(&t, &sample, [0.0, 10.0]);
        assert_eq!((read.column.offset, read.base, read.step), (16, 0.0, 1.0));
        assert!(s.is_direct());
    }

    #[test]
    fn a_column_the_gpu_cannot_read_is_carried_in_converted_vertices() {
        let mut s = source("pos:3f i:1I t:1f", records(101));
        let i = s.column("i").unwrap();
        let sample = s.column_sample(&i).unwrap();
        assert_eq!(sample.extremes, Some([0.0, 100_000.0]));
        assert_eq!(sample.classes.as_ref().map(Vec::len), Some(101));
        let read = s.column_read(&i, &sample, [0.0, 1.0]);
        assert!(!s.is_direct());
        assert_eq!(read.column.offset, CARRIED_OFFSET);
        let mut vertices = vec![crate::format::Vertex::default(); 101];
        s.read(0, &mut vertices).unwrap();
        for (k, v) in vertices.iter().enumerate() {
            let stored = half::f16::from_bits(v.padding()).to_f32();
            let value = read.base + read.step * stored;
            let want = 1000.0 * k as f32;
            // 2048 steps over the range: within half a step.
            assert!((value - want).abs() <= 100_000.0 / 4096.0, "{k}: {value}");
            assert_eq!(v.position.x, k as f32);
        }
        let missing = s.column("intensity").unwrap_err().to_string();
        assert!(
            missing.ends_with(
                "no column 'intensity' to colour by; it has: x, y, z, height, index, i, t"
            ),
            "{missing}"
        );
    }
}
