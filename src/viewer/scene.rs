//! What the window draws from frame to frame: the file's resident pieces, drawn as a subsample
//! sized to a frame budget while the view moves, then phase after phase until every resident
//! vertex is drawn, then (for a file larger than the GPU memory budget) the rest streamed in.
//! The compute rasteriser keeps what earlier frames drew, so the picture fills in; every vertex
//! sits at its file position, so the finished picture is exactly `render`'s.

use std::sync::Arc;
use std::time::Duration;

use super::loader::{FillIn, ResidentPiece};
use crate::gpu::{PointDraw, PointRenderer, Subsample};
use crate::source::VertexSource;
use crate::stats::VertexStats;

/// The time a frame may take while the view moves: about 12 frames a second on lavapipe.
pub const FRAME_BUDGET: Duration = Duration::from_millis(80);

/// Vertices a fill-in piece holds: 16 MiB of vertex data, a short frame's worth on lavapipe.
pub const FILL_PIECE_VERTICES: u64 = (16 << 20) / 20;

/// A file on its way to the GPU and on screen.
pub struct Scene {
    /// The file.
    pub source: Arc<VertexSource>,
    /// Which load of the file this is (live reload starts another).
    pub generation: u64,
    /// Every `stride`-th vertex of the file stays on the GPU.
    pub stride: u32,
    /// The file's exact statistics, once every piece has been read.
    pub stats: Option<VertexStats>,
    /// Statistics of a quick sample, until then.
    pub sample: Option<VertexStats>,
    resident: Vec<PointDraw>,
    resident_vertices: u64,
    /// Pieces being streamed through for a full-density picture, and how many have been drawn.
    fill: Option<FillIn>,
    filled: u64,
    fill_pieces: Vec<PointDraw>,
    /// The progressive picture: drawn with `step`, phases `0..next_phase` done since the clear.
    step: u32,
    next_phase: u32,
    clear: bool,
    /// Whether frames keep what earlier frames drew (the compute path); the pipeline path draws
    /// every resident vertex every frame and cannot fill in the rest.
    accumulates: bool,
    cost: FrameCost,
}

/// What to draw this frame.
pub struct FramePlan<'a> {
    /// Empty the raster target first (the view changed).
    pub clear: bool,
    /// The draws, each with its subsample.
    pub draws: Vec<(&'a mut PointDraw, Subsample)>,
    /// Vertices drawn.
    pub vertices: u64,
}

impl Scene {
    /// A scene for `source`, nothing on the GPU yet.
    pub fn new(source: Arc<VertexSource>, generation: u64, stride: u32) -> Scene {
        Scene {
            source,
            generation,
            stride,
            stats: None,
            sample: None,
            resident: Vec::new(),
            resident_vertices: 0,
            fill: None,
            filled: 0,
            fill_pieces: Vec::new(),
            step: 1,
            next_phase: 0,
            clear: true,
            accumulates: true,
            cost: FrameCost::default(),
        }
    }

    /// The best statistics known: exact once loaded, the sample's before.
    pub fn known_stats(&self) -> Option<&VertexStats> {
        self.stats.as_ref().or(self.sample.as_ref())
    }

    /// Adds a piece that has reached the GPU. What was drawn stays; the phases start over so
    /// that the new piece is drawn in full too.
    pub fn add(&mut self, device: &wgpu::Device, renderer: &PointRenderer, piece: ResidentPiece) {
        let mut draw = PointDraw::new(device, renderer, &piece.buffers);
        draw.set_file_position(piece.first, piece.stride);
        self.resident_vertices += draw.vertex_count();
        self.resident.push(draw);
        self.restart_phases();
    }

    /// Adds a fill-in piece, to be drawn once.
    pub fn add_fill(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
        piece: ResidentPiece,
    ) {
        let mut draw = PointDraw::new(device, renderer, &piece.buffers);
        draw.set_file_position(piece.first, 1);
        self.fill_pieces.push(draw);
    }

    /// The view changed (camera, size, colours, point size, background): start a new picture.
    pub fn invalidate(&mut self) {
        self.clear = true;
        self.next_phase = 0;
        self.fill = None;
        self.fill_pieces.clear();
        self.filled = 0;
    }

    fn restart_phases(&mut self) {
        self.step = self.cost.step_for(self.resident_vertices);
        self.next_phase = 0;
    }

    /// Vertices on the GPU.
    pub fn resident_vertices(&self) -> u64 {
        self.resident_vertices
    }

    /// Whether every resident vertex has been drawn since the last clear.
    fn resident_done(&self) -> bool {
        !self.clear && self.next_phase >= self.step
    }

    /// Whether the picture is complete: every vertex of the file drawn.
    pub fn complete(&self, loading: bool) -> bool {
        !loading
            && self.resident_done()
            && (self.stride == 1
                || !self.accumulates
                || self.filled >= self.source.len().div_ceil(FILL_PIECE_VERTICES))
    }

    /// How much of the file the picture shows, from 0 to 1.
    pub fn drawn_fraction(&self, loading: bool) -> f64 {
        if self.complete(loading) || self.source.is_empty() {
            return 1.0;
        }
        let file = self.source.len() as f64;
        let resident_share = self.resident_vertices as f64 / file;
        let phases = if self.clear {
            0.0
        } else {
            f64::from(self.next_phase.min(self.step)) / f64::from(self.step)
        };
        if self.stride == 1 || !self.resident_done() {
            return resident_share * phases;
        }
        let pieces = self.source.len().div_ceil(FILL_PIECE_VERTICES).max(1) as f64;
        resident_share + (1.0 - resident_share) * self.filled as f64 / pieces
    }

    /// Whether the fill-in should start: the resident picture is done, and there is more.
    pub fn wants_fill(&self, loading: bool) -> bool {
        !loading
            && self.accumulates
            && self.stride > 1
            && self.resident_done()
            && self.fill.is_none()
            && self.filled == 0
    }

    /// Starts streaming the whole file through for a full-density picture.
    pub fn start_fill(&mut self, fill: FillIn) {
        self.fill = Some(fill);
    }

    /// What to draw now: after a view change, the first phase of a subsample sized to the frame
    /// budget; at rest, the next phase; with every phase drawn, the fill-in pieces that have
    /// arrived. `None` when there is nothing left to draw.
    /// With `accumulates` false (the pipeline path), every resident vertex every frame.
    pub fn plan(&mut self, accumulates: bool) -> Option<FramePlan<'_>> {
        self.accumulates = accumulates;
        if !accumulates {
            self.clear = false;
            self.step = 1;
            self.next_phase = 1;
            return Some(FramePlan {
                clear: true,
                draws: self
                    .resident
                    .iter_mut()
                    .map(|d| (d, Subsample::ALL))
                    .collect(),
                vertices: self.resident_vertices,
            });
        }
        if self.clear {
            self.restart_phases();
        }
        let clear = std::mem::take(&mut self.clear);
        if self.next_phase < self.step {
            let phase = self.next_phase;
            self.next_phase += 1;
            let sub = Subsample {
                step: self.step,
                phase,
            };
            let vertices = self.resident_vertices / u64::from(self.step);
            return Some(FramePlan {
                clear,
                draws: self.resident.iter_mut().map(|d| (d, sub)).collect(),
                vertices,
            });
        }
        if let Some(fill) = &self.fill {
            if !self.fill_pieces.is_empty() {
                self.filled += self.fill_pieces.len() as u64;
                for _ in 0..self.fill_pieces.len() {
                    fill.drawn();
                }
                let vertices = self.fill_pieces.iter().map(|d| d.vertex_count()).sum();
                return Some(FramePlan {
                    clear,
                    draws: self
                        .fill_pieces
                        .iter_mut()
                        .map(|d| (d, Subsample::ALL))
                        .collect(),
                    vertices,
                });
            }
        }
        clear.then(|| FramePlan {
            clear,
            draws: Vec::new(),
            vertices: 0,
        })
    }

    /// Fill-in pieces drawn in the last frame are dropped.
    pub fn drop_drawn_fill(&mut self) {
        self.fill_pieces.clear();
    }

    /// Learns from a frame that drew `vertices` in `took`.
    pub fn measured(&mut self, vertices: u64, took: Duration) {
        self.cost.learn(vertices, took);
    }
}

/// What a frame costs on this machine: a fixed part and a part per vertex drawn, learnt from the
/// frames drawn so far, to size the subsample drawn while the view moves.
#[derive(Clone, Copy, Debug)]
pub struct FrameCost {
    fixed: f64,
    per_vertex: f64,
}

impl Default for FrameCost {
    /// A guess until the first frames are measured: lavapipe's compute path at 1280×720.
    fn default() -> Self {
        FrameCost {
            fixed: 0.02,
            per_vertex: 60e-9,
        }
    }
}

impl FrameCost {
    /// The subsample step that keeps a frame of `vertices` within [`FRAME_BUDGET`].
    pub fn step_for(&self, vertices: u64) -> u32 {
        let available =
            (FRAME_BUDGET.as_secs_f64() - self.fixed).max(FRAME_BUDGET.as_secs_f64() / 4.0);
        let fits = (available / self.per_vertex).max(1.0);
        ((vertices as f64 / fits).ceil() as u32).max(1)
    }

    /// Learns from a frame: a small one tells the fixed part, a large one the part per vertex.
    pub fn learn(&mut self, vertices: u64, took: Duration) {
        let t = took.as_secs_f64();
        if vertices < 10_000 {
            self.fixed = 0.7 * self.fixed + 0.3 * t;
        } else {
            let per_vertex = ((t - self.fixed).max(t * 0.1)) / vertices as f64;
            self.per_vertex = 0.5 * self.per_vertex + 0.5 * per_vertex;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_keeps_frames_within_the_budget() {
        let mut cost = FrameCost::default();
        assert_eq!(cost.step_for(0), 1);
        assert_eq!(cost.step_for(100_000), 1);
        // 150 M vertices at 60 ns is 9 s: some 150 phases of 60 ms.
        let step = cost.step_for(150_000_000);
        assert!((100..200).contains(&step), "{step}");
        // A machine twice as slow takes twice the phases.
        for _ in 0..10 {
            cost.learn(1_000_000, Duration::from_secs_f64(0.02 + 0.12));
        }
        let slower = cost.step_for(150_000_000);
        assert!(slower > step * 3 / 2, "{slower} after {step}");
    }
}
