//! What frames cost on this machine, learnt as they are drawn: how many vertices a frame at
//! rest may draw, and how thin the preview must be for a frame while the view moves.

use std::time::Duration;

/// The time a frame may take while the view moves: over 10 frames a second.
pub const FRAME_BUDGET: Duration = Duration::from_millis(80);

/// The time a frame may take while the picture fills in at rest: long enough that fixed costs
/// do not dominate, short enough that the viewer answers input within a quarter second.
pub const REST_BUDGET: Duration = Duration::from_millis(250);

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
