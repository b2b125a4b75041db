//! What the window draws from frame to frame. While the view moves: the preview, an evenly
//! spread sample of the whole file, thinned further to fit a frame budget. When it rests, each
//! frame adds to what the last drew, and what has been drawn stays until the view changes: the
//! sample first, then the resident vertices phase after phase (every k-th vertex from phase j),
//! and, for a file larger than the GPU memory budget, each whole piece streamed through once.
//! Every vertex drawn sits at its file position, so the order it is drawn in does not matter and
//! the finished picture is exactly `render`'s.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::cost::FrameCost;
use super::events::{ResidentPiece, SampledPiece, StreamedPiece};
use super::loader::{load_order, FillIn, Residency};
use crate::format::stats::VertexStats;
use crate::gpu::{GpuError, PointCloud, PointRenderer, Subsample};
use crate::load::source::VertexSource;

/// Where the picture is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The view changed since the last frame: draw the preview.
    Moving,
    /// The view stopped changing: start the picture at rest.
    Resting,
    /// Adding to the picture at rest.
    Filling,
}

/// A file on its way to the GPU and on screen.
pub struct Scene {
    /// The file.
    pub source: Arc<VertexSource>,
    /// Which load of the file this is (live reload starts another).
    pub generation: u64,
    /// Every `stride`-th vertex of the file stays on the GPU.
    pub stride: u32,
    /// Pieces that may stay on the GPU at once: fewer than the file's for a coarse-first file
    /// (COPC) larger than the budget, which keeps those the view needs most.
    pub capacity: usize,
    /// Vertices in a piece of the file, as the loader cuts it.
    pub per_piece: u64,
    /// Added to file indices for draw orders: the files shown before this one hold that many
    /// vertices, so that ties at equal depth go to the earlier file, as in `render`.
    order_base: u64,
    /// The file's exact statistics, once every piece has been read.
    pub stats: Option<VertexStats>,
    /// Statistics of the sample, which the camera and colours are fitted to.
    pub sample: Option<VertexStats>,
    /// The default ranges of ramps over x, y and z, from the same sample.
    pub ramp_ranges: Option<[[f32; 2]; 3]>,
    /// The samples: the first, which frames the camera, then a denser spread one. The last is
    /// drawn while the view moves; all are drawn first at rest.
    samples: Vec<PointCloud>,
    /// How many of them the picture at rest has.
    samples_drawn: usize,
    /// The resident pieces, each drawn in as few phases as fit a frame at rest.
    resident: Vec<Resident>,
    resident_vertices: u64,
    /// Whole pieces on their way through, drawn once.
    streamed: Vec<Streamed>,
    /// For each piece, the picture (`epoch`) in which it was last drawn whole.
    covered: Vec<u64>,
    /// For each piece, whether it has a resident part.
    is_resident: Vec<bool>,
    /// For each piece, whether the fill-in will bring it whole.
    fill_pending: Vec<bool>,
    /// Fill-in threads reading files; the loaders wait for them.
    pub fill_running: Arc<AtomicUsize>,
    /// Raised to stop this scene's loader (when the scene is dropped, or replaced by a reload).
    pub cancel: Arc<AtomicBool>,
    /// Whether the loader is still reading the file.
    pub loading: bool,
    /// The picture at rest being built: a new one each time the view changes.
    epoch: u64,
    /// Where the next frame at rest starts looking for phases to draw.
    cursor: usize,
    fill: Option<FillIn>,
    mode: Mode,
    accumulates: bool,
    cost: FrameCost,
    /// When the picture at rest began, and how much of the file it had drawn then.
    rest_began: Option<(Instant, f64)>,
}

/// How far a frame at rest may run over [`REST_BUDGET`](super::cost::REST_BUDGET) before a piece is drawn in phases
/// rather than at once: a phase is every k-th vertex, which touches as much memory as all of
/// them, so splitting a piece costs more than the frame it saves.
const PHASE_SLACK: f64 = 1.5;

/// A resident piece and its progress through its phases (every `step`-th vertex, from each
/// phase in turn; one phase where a frame draws it whole): a piece that arrives while the
/// picture fills in starts at phase 0 while the others go on.
struct Resident {
    draw: PointCloud,
    piece: usize,
    step: u32,
    next: u32,
}

impl Resident {
    fn new(draw: PointCloud, piece: usize, cost: &FrameCost) -> Resident {
        let mut resident = Resident {
            draw,
            piece,
            step: 1,
            next: 0,
        };
        resident.restart(cost);
        resident
    }

    /// Back to phase 0, in as many phases as a frame at rest needs on this machine.
    fn restart(&mut self, cost: &FrameCost) {
        let per_frame = (cost.rest_vertices() as f64 * PHASE_SLACK) as u64;
        let phases = self.draw.vertex_count().div_ceil(per_frame.max(1)).max(1);
        self.step = u32::try_from(phases).unwrap_or(u32::MAX);
        self.next = 0;
    }

    fn done(&self) -> bool {
        self.next >= self.step
    }

    /// Vertices its phases so far have drawn.
    fn drawn(&self) -> f64 {
        self.draw.vertex_count() as f64 * f64::from(self.next.min(self.step)) / f64::from(self.step)
    }
}

/// A whole piece streamed through: drawn in one frame, dropped after it (which hands its
/// upload slot back to the streaming thread).
struct Streamed {
    draw: PointCloud,
    piece: StreamedPiece,
    drawn: bool,
}

/// What to draw this frame.
pub struct FramePlan<'a> {
    /// Empty the raster target first.
    pub clear: bool,
    /// The draws, each with its subsample.
    pub draws: Vec<(&'a PointCloud, Subsample)>,
    /// Vertices drawn.
    pub vertices: u64,
}

impl Scene {
    /// A scene for `source` cut into pieces of `per_piece`, nothing on the GPU yet; `fills`
    /// counts the fill-in threads of every scene shown.
    pub fn new(
        source: Arc<VertexSource>,
        generation: u64,
        residency: Residency,
        per_piece: u64,
        fills: Arc<AtomicUsize>,
    ) -> Scene {
        let pieces = source.len().div_ceil(per_piece.max(1)) as usize;
        Scene {
            source,
            generation,
            stride: residency.stride,
            capacity: residency.capacity.min(pieces),
            per_piece: per_piece.max(1),
            order_base: 0,
            stats: None,
            sample: None,
            ramp_ranges: None,
            samples: Vec::new(),
            samples_drawn: 0,
            resident: Vec::new(),
            resident_vertices: 0,
            streamed: Vec::new(),
            covered: vec![0; pieces],
            is_resident: vec![false; pieces],
            fill_pending: vec![false; pieces],
            fill_running: fills,
            cancel: Arc::new(AtomicBool::new(false)),
            loading: true,
            epoch: 1,
            cursor: 0,
            fill: None,
            mode: Mode::Moving,
            accumulates: true,
            cost: FrameCost::default(),
            rest_began: None,
        }
    }

    /// The statistics the camera and colours are fitted to: the sample's (see
    /// [`VertexSource::sample_stats`]), or the file's if a load gave none.
    pub fn framing_stats(&self) -> Option<&VertexStats> {
        self.sample.as_ref().or(self.stats.as_ref())
    }

    /// A sample has reached the GPU; the first one's statistics frame the camera.
    pub fn add_sample(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
        sample: SampledPiece,
    ) -> Result<(), GpuError> {
        let mut draw = PointCloud::new(device, renderer, &sample.buffers)?;
        let mut position = sample.position;
        position.first += self.order_base;
        draw.set_file_runs(position);
        self.samples.push(draw);
        if self.sample.is_none() {
            self.sample = Some(sample.stats);
            self.ramp_ranges = sample.ramp_ranges;
        }
        Ok(())
    }

    /// Whether the samples can be part of the picture at rest. Draw orders are kept modulo 2³²
    /// in the shaders, which runs spanning more cannot be inverted from: there they are only a
    /// preview.
    fn samples_at_rest(&self) -> bool {
        self.source.len() <= u64::from(u32::MAX)
    }

    /// Samples not yet in the picture at rest.
    fn samples_left(&self) -> bool {
        self.samples_at_rest() && self.samples_drawn < self.samples.len()
    }

    /// Adds a piece that has reached the GPU to stay. What was drawn stays; at rest the new
    /// piece is drawn in phases beside the others.
    pub fn add(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
        piece: ResidentPiece,
    ) -> Result<(), GpuError> {
        let mut draw = PointCloud::new(device, renderer, &piece.buffers)?;
        draw.set_file_position(self.order_base + piece.first, piece.stride);
        self.resident_vertices += draw.vertex_count();
        let mut resident = Resident::new(draw, piece.piece, &self.cost);
        if self.is_covered(piece.piece) {
            resident.next = resident.step;
        }
        if let Some(is) = self.is_resident.get_mut(piece.piece) {
            *is = true;
        }
        self.resident.push(resident);
        if self.keeps_part() {
            // It loads again whenever the view asks for other parts.
            self.loading = true;
        }
        Ok(())
    }

    /// A piece has left the GPU (for one the view needs more). What it drew stays in the
    /// picture until the view changes: those are the file's points, where they belong.
    pub fn drop_piece(&mut self, piece: usize) {
        if let Some(i) = self.resident.iter().position(|r| r.piece == piece) {
            let gone = self.resident.remove(i);
            self.resident_vertices -= gone.draw.vertex_count();
        }
        if let Some(is) = self.is_resident.get_mut(piece) {
            *is = false;
        }
        if let Some(epoch) = self.covered.get_mut(piece) {
            *epoch = 0;
        }
    }

    /// Whether only part of the file can stay on the GPU, the part the view needs most.
    pub fn keeps_part(&self) -> bool {
        self.capacity < self.covered.len()
    }

    /// How much of the file is on the GPU, from 0 to 1.
    pub fn resident_fraction(&self) -> f64 {
        if self.source.is_empty() {
            return 1.0;
        }
        (self.resident_vertices as f64 / self.source.len() as f64).min(1.0)
    }

    /// Adds a whole piece on its way through, to be drawn once at rest.
    pub fn add_streamed(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
        piece: StreamedPiece,
    ) -> Result<(), GpuError> {
        if self.is_covered(piece.piece) {
            return Ok(());
        }
        let mut draw = PointCloud::new(device, renderer, &piece.buffers)?;
        draw.set_file_position(self.order_base + piece.first, 1);
        self.streamed.push(Streamed {
            draw,
            piece,
            drawn: false,
        });
        Ok(())
    }

    /// Draw orders start at `base`: see [`order_base`](Self::order_base). Changes nothing drawn
    /// so far; invalidate after.
    pub fn set_order_base(&mut self, base: u64) {
        let old = self.order_base;
        let clouds = self
            .samples
            .iter_mut()
            .chain(self.resident.iter_mut().map(|r| &mut r.draw))
            .chain(self.streamed.iter_mut().map(|s| &mut s.draw));
        for cloud in clouds {
            if let Some(mut position) = cloud.file_position() {
                position.first = position.first - old + base;
                cloud.set_file_runs(position);
            }
        }
        self.order_base = base;
    }

    /// Where this file's vertices start among the draw orders of all the files shown.
    pub fn order_base(&self) -> u64 {
        self.order_base
    }

    /// The view changed (camera, size, colours, point size, background): draw the preview, and
    /// start a new picture once the view rests.
    pub fn invalidate(&mut self) {
        self.mode = Mode::Moving;
        self.epoch += 1;
        self.fill = None;
        self.fill_pending.fill(false);
        self.streamed.clear();
        self.samples_drawn = 0;
        for piece in &mut self.resident {
            piece.restart(&self.cost);
        }
        self.cursor = 0;
        self.rest_began = None;
    }

    fn is_covered(&self, piece: usize) -> bool {
        self.covered.get(piece) == Some(&self.epoch)
    }

    /// Whether a resident piece's phases are still to be drawn in this picture: not when it has
    /// been drawn whole, is on its way whole, or (all of it resident) the fill-in will bring it.
    fn phases_left(&self, r: &Resident) -> bool {
        let brought = self.stride == 1 && self.fill_pending[r.piece];
        let coming = self.streamed.iter().any(|s| s.piece.piece == r.piece);
        !(r.done() || self.is_covered(r.piece) || brought || coming)
    }

    /// How much of what is to stay on the GPU has been loaded, from 0 to 1: the whole file, or
    /// as many pieces as fit where only part of it stays.
    pub fn loaded_fraction(&self) -> f64 {
        if self.covered.is_empty() {
            return 1.0;
        }
        self.resident.len() as f64 / self.capacity.max(1) as f64
    }

    /// Whether the picture is complete: every vertex of the file drawn (or, by the pipeline
    /// path, which keeps nothing between frames, every resident one; or, where only part of
    /// the file stays, every vertex of that part, the loader done for this view).
    pub fn complete(&self, loading: bool) -> bool {
        if self.keeps_part() {
            return !loading
                && self.mode == Mode::Filling
                && !self.samples_left()
                && self.resident.iter().all(|r| r.done());
        }
        if !self.accumulates {
            return !loading
                && self.mode == Mode::Filling
                && self.resident.iter().all(Resident::done);
        }
        self.mode == Mode::Filling && self.covered.iter().all(|&e| e == self.epoch)
    }

    /// How much of the file the picture shows, from 0 to 1; at rest it only grows.
    pub fn drawn_fraction(&self, loading: bool) -> f64 {
        if self.complete(loading) || self.source.is_empty() {
            return 1.0;
        }
        let largest = self.samples.iter().map(|p| p.vertex_count()).max();
        let largest = largest.unwrap_or(0);
        // Where only part of the file stays, the picture is of that part, or of the sample
        // where that is more (a sample can hold more than the budget's pieces of a small file).
        let file = match self.keeps_part() {
            true => self.resident_vertices.max(largest).max(1) as f64,
            false => self.source.len() as f64,
        };
        let preview = largest as f64 / file;
        if self.mode != Mode::Filling {
            return preview.min(1.0);
        }
        let mut drawn = 0.0;
        for (piece, &epoch) in self.covered.iter().enumerate() {
            if epoch == self.epoch {
                let start = piece as u64 * self.per_piece;
                drawn += (self.source.len() - start).min(self.per_piece) as f64;
            }
        }
        drawn += self
            .resident
            .iter()
            .filter(|r| !self.is_covered(r.piece))
            .map(Resident::drawn)
            .sum::<f64>();
        let sampled = self.samples_at_rest() && self.samples_drawn > 0;
        (drawn / file)
            .max(if sampled { preview } else { 0.0 })
            .min(1.0)
    }

    /// How long the picture at rest will take to complete, at the pace it has kept so far.
    pub fn time_left(&self, loading: bool) -> Option<Duration> {
        let (began, at) = self.rest_began?;
        let now = self.drawn_fraction(loading);
        let spent = began.elapsed().as_secs_f64();
        if now >= 1.0 || now <= at || spent < 0.5 {
            return None;
        }
        Some(Duration::from_secs_f64(spent / (now - at) * (1.0 - now)))
    }

    /// Whether a frame now would add to the picture. When it would not, the next frame waits
    /// for news (a piece, a move): frames that draw nothing still cost a resolve and a present.
    pub fn has_work(&self) -> bool {
        if self.mode != Mode::Filling {
            return true;
        }
        if !self.accumulates {
            return false;
        }
        self.samples_left()
            || self.streamed.iter().any(|s| !s.drawn)
            || self.resident.iter().any(|r| self.phases_left(r))
    }

    /// Whether the fill-in should start: the sample has placed the camera, the picture rests,
    /// nothing is on its way, and some pieces will not be drawn whole from what is resident.
    /// Not for a coarse-first source (COPC) that will be resident whole: the loader's own
    /// pieces, in order, refine the whole picture level by level, and streaming them as well
    /// would read (over HTTP: fetch) every node twice.
    pub fn wants_fill(&self) -> bool {
        !(self.source.is_coarse_first() && self.stride == 1)
            && self.sample.is_some()
            && self.accumulates
            && self.mode == Mode::Filling
            && self.fill.is_none()
            && self.streamed.is_empty()
            && !self.fill_pieces().is_empty()
    }

    /// The pieces the fill-in is to stream, spread over the file: those not drawn whole in this
    /// picture whose whole is not resident.
    pub fn fill_pieces(&self) -> Vec<usize> {
        load_order(&self.source, self.covered.len() as u64)
            .into_iter()
            .map(|p| p as usize)
            .filter(|&p| !self.is_covered(p) && (self.stride > 1 || !self.is_resident[p]))
            .collect()
    }

    /// Starts `fill`, which streams `pieces` through.
    pub fn start_fill(&mut self, fill: FillIn, pieces: &[usize]) {
        for &p in pieces {
            self.fill_pending[p] = true;
        }
        self.fill = Some(fill);
    }

    /// What to draw now. Moving: the preview, thinned to the frame budget. Just stopped: a
    /// cleared picture, and from then on, frame by frame within the budget, the sample, the
    /// resident vertices' next phases, and the whole pieces that have arrived. `None` when there
    /// is nothing to add. With `accumulates` false (the pipeline path, which keeps nothing
    /// between frames): every resident vertex, every frame.
    pub fn plan(&mut self, accumulates: bool) -> Option<FramePlan<'_>> {
        self.accumulates = accumulates;
        if !accumulates {
            self.mode = Mode::Filling;
            return Some(FramePlan {
                clear: true,
                draws: self
                    .resident
                    .iter_mut()
                    .map(|p| {
                        p.next = p.step;
                        (&p.draw, Subsample::ALL)
                    })
                    .collect(),
                vertices: self.resident_vertices,
            });
        }
        match self.mode {
            Mode::Moving => {
                self.mode = Mode::Resting;
                let Some(draw) = self.samples.last() else {
                    return Some(FramePlan {
                        clear: true,
                        draws: Vec::new(),
                        vertices: 0,
                    });
                };
                let step = self.cost.motion_step(draw.vertex_count());
                let vertices = draw.vertex_count() / u64::from(step);
                Some(FramePlan {
                    clear: true,
                    draws: vec![(draw, Subsample { step, phase: 0 })],
                    vertices,
                })
            }
            Mode::Resting => {
                self.mode = Mode::Filling;
                self.rest_began = Some((Instant::now(), 0.0));
                let plan = self.next_batch(true);
                Some(plan.unwrap_or(FramePlan {
                    clear: true,
                    draws: Vec::new(),
                    vertices: 0,
                }))
            }
            Mode::Filling => self.next_batch(false),
        }
    }

    fn next_batch(&mut self, clear: bool) -> Option<FramePlan<'_>> {
        let budget = self.cost.rest_vertices();
        let mut vertices = 0;
        let samples = match self.samples_at_rest() {
            true => self.samples_drawn..self.samples.len(),
            false => 0..0,
        };
        self.samples_drawn = self.samples_drawn.max(samples.end);
        vertices += self.samples[samples.clone()]
            .iter()
            .map(|p| p.vertex_count())
            .sum::<u64>();
        // The resident pieces' next phases, round the pieces from the cursor: a uniform picture
        // of what is resident first. Pieces on their way through whole are left to that draw.
        let n = self.resident.len();
        let mut phases = Vec::new();
        for k in 0..n {
            let i = (self.cursor + k) % n;
            let piece = &self.resident[i];
            if !self.phases_left(piece) {
                continue;
            }
            if vertices > 0 && vertices >= budget {
                break;
            }
            vertices += piece.draw.vertex_count() / u64::from(piece.step);
            phases.push(i);
        }
        if let Some(&last) = phases.last() {
            self.cursor = (last + 1) % n;
        }
        // Then the whole pieces that have arrived, each drawn once.
        let mut whole = Vec::new();
        for (i, s) in self.streamed.iter().enumerate() {
            if s.drawn {
                continue;
            }
            if vertices > 0 && vertices >= budget {
                break;
            }
            vertices += s.draw.vertex_count();
            whole.push(i);
        }
        if samples.is_empty() && phases.is_empty() && whole.is_empty() {
            return None;
        }
        for &i in &whole {
            let piece = self.streamed[i].piece.piece;
            self.streamed[i].drawn = true;
            self.covered[piece] = self.epoch;
        }
        let (epoch, whole_file) = (self.epoch, self.stride == 1);
        let mut draws = Vec::new();
        draws.extend(self.samples[samples].iter().map(|p| (p, Subsample::ALL)));
        for (i, p) in self.resident.iter_mut().enumerate() {
            if phases.contains(&i) {
                let sub = Subsample {
                    step: p.step,
                    phase: p.next,
                };
                p.next += 1;
                // With every vertex resident, a piece whose phases are all drawn is whole.
                if whole_file && p.done() {
                    self.covered[p.piece] = epoch;
                }
                draws.push((&p.draw, sub));
            }
        }
        for &i in &whole {
            draws.push((&self.streamed[i].draw, Subsample::ALL));
        }
        Some(FramePlan {
            clear,
            draws,
            vertices,
        })
    }

    /// Whole pieces drawn in the last frame are dropped, their upload slots given back: call
    /// once the GPU has finished the frame.
    pub fn drop_drawn(&mut self) {
        self.streamed.retain(|s| !s.drawn);
    }

    /// Learns from a frame that drew `vertices` in `took`.
    pub fn measured(&mut self, vertices: u64, took: Duration) {
        // A preview frame leaves the scene about to rest.
        let moving = self.mode == Mode::Resting;
        self.cost.learn(vertices, took, moving);
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        // Its loader has nobody left to load for.
        self.cancel.store(true, Ordering::Relaxed);
    }
}
