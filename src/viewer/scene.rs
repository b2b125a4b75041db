//! What the window draws from frame to frame. While the view moves: a preview, an even
//! subsample of the whole file in one buffer, thinned further to fit a frame budget. When it
//! rests: every resident vertex, phase after phase (every k-th vertex from phase j), each frame
//! adding to what the last drew; then, for a file larger than the GPU memory budget, the rest
//! streamed through. The compute rasteriser keeps what earlier frames drew, and every resident
//! vertex sits at its file position, so the finished picture is exactly `render`'s.

use std::sync::Arc;
use std::time::Duration;

use super::events::ResidentPiece;
use super::loader::{preview_stride, FillIn};
use crate::format::stats::VertexStats;
use crate::format::vertex::STRIDE;
use crate::gpu::{GpuError, PointCloud, PointRenderer, Subsample, VertexBuffers};
use crate::load::source::VertexSource;

/// The time a frame may take while the view moves: over 10 frames a second.
pub const FRAME_BUDGET: Duration = Duration::from_millis(80);

/// The time a frame may take while the picture fills in at rest: long enough that fixed costs
/// do not dominate, short enough that the viewer answers input within a quarter second.
pub const REST_BUDGET: Duration = Duration::from_millis(250);

/// Vertices a fill-in piece holds: 16 MiB of vertex data.
pub const FILL_PIECE_VERTICES: u64 = (16 << 20) / 20;

/// Where the picture is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The view changed since the last frame: draw the preview.
    Moving,
    /// The view stopped changing: start drawing the resident vertices.
    Resting,
    /// Drawing phases of the resident vertices, then the fill-in.
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
    /// The file's exact statistics, once every piece has been read.
    pub stats: Option<VertexStats>,
    /// Statistics of a quick sample, until then.
    pub sample: Option<VertexStats>,
    /// The resident pieces, each drawn in phases of about [`GRANULE`] vertices.
    resident: Vec<Resident>,
    /// Where the next frame at rest starts looking for phases to draw.
    cursor: usize,
    resident_vertices: u64,
    preview: Option<Preview>,
    fill: Option<FillIn>,
    filled: u64,
    fill_pieces: Vec<PointCloud>,
    mode: Mode,
    accumulates: bool,
    cost: FrameCost,
}

/// Vertices a phase of a resident piece draws, about: the unit frames at rest are made of.
pub const GRANULE: u64 = 1 << 21;

/// A resident piece and its progress through its phases (every `step`-th vertex, from each
/// phase in turn): a piece that arrives while the picture fills in starts at phase 0 while the
/// others go on.
struct Resident {
    draw: PointCloud,
    step: u32,
    next: u32,
}

impl Resident {
    fn new(draw: PointCloud) -> Resident {
        let step = u32::try_from(draw.vertex_count().div_ceil(GRANULE).max(1)).unwrap_or(u32::MAX);
        Resident {
            draw,
            step,
            next: 0,
        }
    }

    fn done(&self) -> bool {
        self.next >= self.step
    }
}

/// The preview: an even subsample of the file, appended to one buffer as pieces arrive.
struct Preview {
    buffer: wgpu::Buffer,
    capacity: u64,
    filled: u64,
    draw: Option<PointCloud>,
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
            preview: None,
            fill: None,
            filled: 0,
            fill_pieces: Vec::new(),
            mode: Mode::Moving,
            cursor: 0,
            accumulates: true,
            cost: FrameCost::default(),
        }
    }

    /// The best statistics known: exact once loaded, the sample's before.
    pub fn known_stats(&self) -> Option<&VertexStats> {
        self.stats.as_ref().or(self.sample.as_ref())
    }

    /// Adds a piece that has reached the GPU, and its share of the preview. What was drawn
    /// stays; at rest the phases start over, so that the new piece is drawn in full too.
    pub fn add(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
        piece: ResidentPiece,
    ) -> Result<(), GpuError> {
        self.append_preview(device, queue, renderer, &piece.preview)?;
        let mut draw = PointCloud::new(device, renderer, &piece.buffers)?;
        draw.set_file_position(piece.first, piece.stride);
        self.resident_vertices += draw.vertex_count();
        self.resident.push(Resident::new(draw));
        Ok(())
    }

    fn append_preview(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        renderer: &PointRenderer,
        vertices: &[crate::Vertex],
    ) -> Result<(), GpuError> {
        let n = self.source.len();
        let preview = self.preview.get_or_insert_with(|| {
            // Each piece adds at most one vertex more than its share.
            let capacity = n.div_ceil(u64::from(preview_stride(n))) + 64;
            Preview {
                buffer: device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("vertexview preview"),
                    size: capacity * STRIDE as u64,
                    usage: wgpu::BufferUsages::VERTEX
                        | wgpu::BufferUsages::STORAGE
                        | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }),
                capacity,
                filled: 0,
                draw: None,
            }
        });
        let room = (preview.capacity - preview.filled) as usize;
        let vertices = &vertices[..vertices.len().min(room)];
        if vertices.is_empty() {
            return Ok(());
        }
        queue.write_buffer(
            &preview.buffer,
            preview.filled * STRIDE as u64,
            bytemuck::cast_slice(vertices),
        );
        preview.filled += vertices.len() as u64;
        let buffers = VertexBuffers::from_buffer(
            preview.buffer.clone(),
            preview.filled as u32,
            crate::format::GpuLayout::DEFAULT,
        );
        preview.draw = Some(PointCloud::new(device, renderer, &buffers)?);
        Ok(())
    }

    /// Adds a fill-in piece, to be drawn once.
    pub fn add_fill(
        &mut self,
        device: &wgpu::Device,
        renderer: &PointRenderer,
        piece: ResidentPiece,
    ) -> Result<(), GpuError> {
        let mut draw = PointCloud::new(device, renderer, &piece.buffers)?;
        draw.set_file_position(piece.first, 1);
        self.fill_pieces.push(draw);
        Ok(())
    }

    /// The view changed (camera, size, colours, point size, background): draw the preview, and
    /// start the full picture again once the view rests.
    pub fn invalidate(&mut self) {
        self.mode = Mode::Moving;
        self.fill = None;
        self.fill_pieces.clear();
        self.filled = 0;
    }

    fn start_phases(&mut self) {
        for piece in &mut self.resident {
            piece.next = 0;
        }
        self.cursor = 0;
    }

    /// Vertices on the GPU.
    pub fn resident_vertices(&self) -> u64 {
        self.resident_vertices
    }

    fn resident_done(&self) -> bool {
        self.mode == Mode::Filling && self.resident.iter().all(Resident::done)
    }

    fn fill_pieces_total(&self) -> u64 {
        self.source.len().div_ceil(FILL_PIECE_VERTICES)
    }

    /// Whether the picture is complete: every vertex of the file drawn (or, by the pipeline
    /// path, every resident one).
    pub fn complete(&self, loading: bool) -> bool {
        !loading
            && self.resident_done()
            && (self.stride == 1 || !self.accumulates || self.filled >= self.fill_pieces_total())
    }

    /// How much of the file the picture shows, from 0 to 1.
    pub fn drawn_fraction(&self, loading: bool) -> f64 {
        if self.complete(loading) || self.source.is_empty() {
            return 1.0;
        }
        let file = self.source.len() as f64;
        let resident_share = self.resident_vertices as f64 / file;
        if self.mode != Mode::Filling {
            let preview = self.preview.as_ref().map_or(0, |p| p.filled);
            return preview as f64 / file;
        }
        if self.stride == 1 || !self.resident_done() {
            let drawn: f64 = self
                .resident
                .iter()
                .map(|p| {
                    p.draw.vertex_count() as f64 * f64::from(p.next.min(p.step)) / f64::from(p.step)
                })
                .sum();
            return drawn / file;
        }
        let pieces = self.fill_pieces_total().max(1) as f64;
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

    /// What to draw now. Moving: the preview, thinned to the frame budget. Just stopped: the
    /// first phase of the resident vertices, on a cleared picture. Resting: the next phase, then
    /// the fill-in pieces that have arrived. `None` when there is nothing left to draw. With
    /// `accumulates` false (the pipeline path, which keeps nothing between frames): every
    /// resident vertex, every frame.
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
                let Some(draw) = self.preview.as_ref().and_then(|p| p.draw.as_ref()) else {
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
                self.start_phases();
                self.next_phase(true)
            }
            Mode::Filling => self.next_phase(false),
        }
    }

    fn next_phase(&mut self, clear: bool) -> Option<FramePlan<'_>> {
        // The pieces' next phases, round the pieces from the cursor, until the frame's budget.
        let budget = self.cost.rest_vertices();
        let n = self.resident.len();
        let mut chosen = Vec::new();
        let mut vertices = 0;
        for k in 0..n {
            let i = (self.cursor + k) % n;
            let piece = &self.resident[i];
            if piece.done() {
                continue;
            }
            if !chosen.is_empty() && vertices >= budget {
                break;
            }
            vertices += piece.draw.vertex_count() / u64::from(piece.step);
            chosen.push(i);
        }
        if !chosen.is_empty() {
            self.cursor = (chosen[chosen.len() - 1] + 1) % n;
            let draws = self
                .resident
                .iter_mut()
                .enumerate()
                .filter(|(i, _)| chosen.contains(i))
                .map(|(_, p)| {
                    let sub = Subsample {
                        step: p.step,
                        phase: p.next,
                    };
                    p.next += 1;
                    (&p.draw, sub)
                })
                .collect();
            return Some(FramePlan {
                clear,
                draws,
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
                        .iter()
                        .map(|d| (d, Subsample::ALL))
                        .collect(),
                    vertices,
                });
            }
        }
        None
    }

    /// Fill-in pieces drawn in the last frame are dropped.
    pub fn drop_drawn_fill(&mut self) {
        self.fill_pieces.clear();
    }

    /// Learns from a frame that drew `vertices` in `took`.
    pub fn measured(&mut self, vertices: u64, took: Duration) {
        // A preview frame leaves the scene about to rest.
        let moving = self.mode == Mode::Resting;
        self.cost.learn(vertices, took, moving);
    }
}

/// What a frame costs on this machine, learnt from the frames drawn so far: the time per vertex
/// beyond a small fixed part, and the preview's subsample step that keeps moving frames within
/// [`FRAME_BUDGET`].
#[derive(Clone, Copy, Debug)]
pub struct FrameCost {
    per_vertex: f64,
    /// The preview's step: from the model at first, then steered by measured moving frames.
    motion_step: Option<f64>,
}

/// What a frame costs besides its vertices: clearing, resolving, presenting.
const FIXED: f64 = 0.012;

impl Default for FrameCost {
    /// A guess until the first frames are measured: lavapipe's compute path.
    fn default() -> Self {
        FrameCost {
            per_vertex: 40e-9,
            motion_step: None,
        }
    }
}

impl FrameCost {
    /// The preview's subsample step for a moving frame of `vertices`.
    pub fn motion_step(&mut self, vertices: u64) -> u32 {
        let per_vertex = self.per_vertex;
        let step = *self.motion_step.get_or_insert_with(|| {
            let fits = ((FRAME_BUDGET.as_secs_f64() - FIXED) / per_vertex).max(1.0);
            vertices as f64 / fits
        });
        step.clamp(1.0, f64::from(u32::MAX)).ceil() as u32
    }

    /// Vertices a frame at rest may draw within `REST_BUDGET` (250 ms).
    pub fn rest_vertices(&self) -> u64 {
        ((REST_BUDGET.as_secs_f64() - FIXED) / self.per_vertex).max(1.0) as u64
    }

    /// Learns from a frame of `vertices` that took `took`: the time per vertex, and for a
    /// `moving` frame whether the preview must be thinned or may be thickened.
    pub fn learn(&mut self, vertices: u64, took: Duration, moving: bool) {
        let t = took.as_secs_f64();
        if vertices >= 10_000 {
            let per_vertex = (t - FIXED).max(t * 0.5) / vertices as f64;
            self.per_vertex = 0.5 * self.per_vertex + 0.5 * per_vertex;
        }
        if let (true, Some(step)) = (moving, &mut self.motion_step) {
            let ratio = (t / FRAME_BUDGET.as_secs_f64()).clamp(0.5, 2.0);
            *step = (*step * ratio).max(1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_at_rest_fit_the_budget_and_follow_the_machine() {
        let mut cost = FrameCost::default();
        // A quarter second at 40 ns: some 6 million vertices.
        let fast = cost.rest_vertices();
        assert!((5_000_000..7_000_000).contains(&fast), "{fast}");
        // A machine twice as slow draws half as many.
        for _ in 0..10 {
            cost.learn(1_000_000, Duration::from_secs_f64(FIXED + 0.08), false);
        }
        let slower = cost.rest_vertices();
        assert!(slower < fast * 2 / 3, "{slower} after {fast}");
    }

    #[test]
    fn moving_frames_thin_the_preview_until_they_fit() {
        let mut cost = FrameCost::default();
        let first = cost.motion_step(1 << 20);
        assert_eq!(first, 1, "a million vertices fit 80 ms at 40 ns");
        // Frames take 300 ms: thinner and thinner, until they fit.
        for _ in 0..4 {
            let step = cost.motion_step(1 << 20);
            cost.learn(
                (1 << 20) / u64::from(step),
                Duration::from_millis(300),
                true,
            );
        }
        assert!(cost.motion_step(1 << 20) >= 8);
    }
}
