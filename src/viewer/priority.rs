//! Which piece of a COPC file the viewer loads next: the one holding the octree nodes that
//! look largest on screen now, as Potree chooses nodes (a node's bounding sphere, projected, in
//! pixels). Coarse nodes are large, so the top levels come first; then the levels refine where
//! the camera looks, and nodes outside the view wait until those inside have loaded (they are
//! loaded too, when the file fits the GPU memory budget: the view may turn to them).

use std::sync::{Arc, Mutex};

use glam::{Mat4, Vec3, Vec4Swizzles};

use crate::load::source::NodeSphere;

/// What the loader needs of the camera: the matrix points are drawn with, and the viewport's
/// height in pixels. The event loop writes it as it draws; the loader reads the latest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadView {
    pub view_proj: Mat4,
    pub height: f32,
}

/// The latest view, shared by the event loop and a loading thread.
pub type SharedView = Arc<Mutex<Option<LoadView>>>;

/// How much nodes outside the view count against those in it.
const OUTSIDE: f32 = 1e-3;

/// The radius in pixels of the sphere at `center` of `radius` as `view` draws it: large when
/// near, small when far, [`OUTSIDE`] of that when outside the view. A sphere round the eye is
/// as large as can be.
pub fn projected(view: &LoadView, center: Vec3, radius: f32) -> f32 {
    let m = view.view_proj;
    let clip = m * center.extend(1.0);
    // The matrix's rows scale distances: their lengths are the projection's scales (its
    // model part only turns axes).
    let (sx, sy, sw) = (
        m.row(0).xyz().length(),
        m.row(1).xyz().length(),
        m.row(3).xyz().length(),
    );
    if clip.w <= radius * sw {
        return f32::MAX;
    }
    let pixels = radius * sy / clip.w * view.height / 2.0;
    let ndc = clip.xy() / clip.w;
    let outside =
        ndc.x.abs() - radius * sx / clip.w > 1.0 || ndc.y.abs() - radius * sy / clip.w > 1.0;
    if outside {
        pixels * OUTSIDE
    } else {
        pixels
    }
}

/// The pieces of `per_piece` records still to load, each with the spheres of the nodes it
/// holds part of, taken in the order the view says.
pub struct PieceQueue {
    left: Vec<(u64, Vec<(Vec3, f32)>)>,
    view: SharedView,
}

impl PieceQueue {
    /// `pieces` pieces of `per_piece` records over nodes `spheres` (record order).
    pub fn new(spheres: &[NodeSphere], per_piece: u64, pieces: u64, view: SharedView) -> Self {
        let per_piece = per_piece.max(1);
        let mut left: Vec<(u64, Vec<(Vec3, f32)>)> = (0..pieces).map(|p| (p, Vec::new())).collect();
        for node in spheres {
            if node.count == 0 {
                continue;
            }
            let first = node.first / per_piece;
            let last = (node.first + node.count - 1) / per_piece;
            for piece in first..=last {
                // A node past the pieces (a source shorter than its hierarchy says) is no one's.
                if let Some((_, spheres)) = left.get_mut(piece as usize) {
                    spheres.push((node.center, node.radius));
                }
            }
        }
        PieceQueue { left, view }
    }
}

impl Iterator for PieceQueue {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.left.is_empty() {
            return None;
        }
        let view = *self.view.lock().unwrap_or_else(|e| e.into_inner());
        let best = match view {
            // No picture yet: in record order, coarsest first.
            None => 0,
            Some(view) => {
                let score = |spheres: &[(Vec3, f32)]| {
                    spheres
                        .iter()
                        .map(|&(c, r)| projected(&view, c, r))
                        .fold(0.0f32, f32::max)
                };
                let mut best = (0, f32::MIN);
                for (i, (_, spheres)) in self.left.iter().enumerate() {
                    let s = score(spheres);
                    // Ties (equal scores) go to the earlier, coarser piece.
                    if s > best.1 {
                        best = (i, s);
                    }
                }
                best.0
            }
        };
        Some(self.left.remove(best).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Looking down -z from z = 10 at the unit square round the origin, 90° field of view.
    fn view() -> LoadView {
        let proj = Mat4::perspective_rh(std::f32::consts::FRAC_PI_2, 1.0, 0.1, 100.0);
        let look = Mat4::look_at_rh(Vec3::new(0.0, 0.0, 10.0), Vec3::ZERO, Vec3::Y);
        LoadView {
            view_proj: proj * look,
            height: 1000.0,
        }
    }

    #[test]
    fn near_is_larger_than_far_and_outside_counts_little() {
        let v = view();
        // 1 at distance 10 with a 90° field: a tenth of the half-height, 50 pixels.
        let centre = projected(&v, Vec3::ZERO, 1.0);
        assert!((centre - 50.0).abs() < 0.01, "{centre}");
        let near = projected(&v, Vec3::new(0.0, 0.0, 5.0), 1.0);
        assert!((near - 100.0).abs() < 0.01, "{near}");
        let aside = projected(&v, Vec3::new(40.0, 0.0, 0.0), 1.0);
        assert!(aside < 0.1, "{aside}");
        let behind = projected(&v, Vec3::new(0.0, 0.0, 20.0), 1.0);
        assert!(behind < 0.1 || behind == f32::MAX, "{behind}");
        assert_eq!(projected(&v, Vec3::new(0.0, 0.0, 10.0), 1.0), f32::MAX);
    }

    #[test]
    fn pieces_come_coarse_first_then_where_the_camera_looks() {
        // A root over everything, then two small nodes: one in view, one far aside.
        let spheres = [
            NodeSphere {
                first: 0,
                count: 100,
                center: Vec3::ZERO,
                radius: 50.0,
            },
            NodeSphere {
                first: 100,
                count: 100,
                center: Vec3::new(60.0, 0.0, 0.0),
                radius: 1.0,
            },
            NodeSphere {
                first: 200,
                count: 100,
                center: Vec3::new(0.5, 0.0, 0.0),
                radius: 1.0,
            },
        ];
        let shared: SharedView = Arc::new(Mutex::new(None));
        let order: Vec<u64> = PieceQueue::new(&spheres, 100, 3, shared.clone()).collect();
        assert_eq!(order, [0, 1, 2], "without a view: record order");
        *shared.lock().unwrap() = Some(view());
        let order: Vec<u64> = PieceQueue::new(&spheres, 100, 3, shared).collect();
        assert_eq!(order, [0, 2, 1]);
    }
}
