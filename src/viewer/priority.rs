//! Which piece of a COPC file the viewer loads next: the one holding the octree nodes that
//! look largest on screen now, as Potree chooses nodes (a node's bounding sphere, projected, in
//! pixels). Coarse nodes are large, so the top levels come first; then the levels refine where
//! the camera looks, and nodes outside the view wait until those inside have loaded (they are
//! loaded too, when the file fits the GPU memory budget: the view may turn to them). A file
//! larger than the budget keeps the pieces that look largest: as the view moves, the piece
//! that counts least makes way for one that counts much more.

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

/// What the loader does next for a file it may hold only part of on the GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Load this piece: there is room.
    Load(u64),
    /// Drop the first piece and load the second: the second looks much larger on screen now.
    Swap {
        /// The resident piece that counts least.
        drop: u64,
        /// The piece that counts most of those not resident.
        load: u64,
    },
    /// Nothing is worth changing for the view as it is: wait for it to change.
    Wait,
}

/// How much larger on screen a piece must look than the least resident one to take its place:
/// a margin against trading pieces back and forth whose sizes are close.
const SWAP_MARGIN: f32 = 1.5;

/// The pieces of `per_piece` records of a coarse-first file, each with the spheres of the nodes
/// it holds part of, and which of them are on the GPU: the next to load is the one that looks
/// largest under the current view; once `capacity` pieces are resident, a piece is dropped for
/// one that looks [`SWAP_MARGIN`] times larger, as Potree keeps a point budget.
pub struct PieceQueue {
    spheres: Vec<Vec<(Vec3, f32)>>,
    resident: Vec<bool>,
    resident_count: usize,
    capacity: usize,
    view: SharedView,
    /// The view last found to need no change.
    settled: Option<LoadView>,
}

impl PieceQueue {
    /// `pieces` pieces of `per_piece` records over nodes `spheres` (record order), of which
    /// `capacity` may be resident at once.
    pub fn new(
        spheres: &[NodeSphere],
        per_piece: u64,
        pieces: u64,
        capacity: usize,
        view: SharedView,
    ) -> Self {
        let per_piece = per_piece.max(1);
        let mut by_piece: Vec<Vec<(Vec3, f32)>> = vec![Vec::new(); pieces as usize];
        for node in spheres {
            if node.count == 0 {
                continue;
            }
            let first = node.first / per_piece;
            let last = (node.first + node.count - 1) / per_piece;
            for piece in first..=last {
                // A node past the pieces (a source shorter than its hierarchy says) is no one's.
                if let Some(spheres) = by_piece.get_mut(piece as usize) {
                    spheres.push((node.center, node.radius));
                }
            }
        }
        PieceQueue {
            resident: vec![false; by_piece.len()],
            spheres: by_piece,
            resident_count: 0,
            capacity: capacity.max(1),
            view,
            settled: None,
        }
    }

    /// What to do next; `None` once every piece is resident.
    pub fn step(&mut self) -> Option<Step> {
        if self.resident_count == self.spheres.len() {
            return None;
        }
        let view = *self.view.lock().unwrap_or_else(|e| e.into_inner());
        let full = self.resident_count >= self.capacity;
        if full && (view.is_none() || view == self.settled) {
            return Some(Step::Wait);
        }
        // Without a picture yet: in record order, coarsest first.
        let score = |piece: usize| match view {
            None => -(piece as f32),
            Some(view) => self.spheres[piece]
                .iter()
                .map(|&(c, r)| projected(&view, c, r))
                .fold(0.0f32, f32::max),
        };
        // Ties (equal scores) go to the earlier, coarser piece to load, the later to drop.
        let (mut best, mut worst) = (None::<(usize, f32)>, None::<(usize, f32)>);
        for piece in 0..self.spheres.len() {
            let s = score(piece);
            if self.resident[piece] {
                if worst.is_none_or(|(_, w)| s <= w) {
                    worst = Some((piece, s));
                }
            } else if best.is_none_or(|(_, b)| s > b) {
                best = Some((piece, s));
            }
        }
        let (load, best_score) = best?;
        if !full {
            self.resident[load] = true;
            self.resident_count += 1;
            return Some(Step::Load(load as u64));
        }
        match worst {
            Some((drop, worst_score)) if best_score > worst_score * SWAP_MARGIN => {
                self.resident[drop] = false;
                self.resident[load] = true;
                Some(Step::Swap {
                    drop: drop as u64,
                    load: load as u64,
                })
            }
            _ => {
                self.settled = view;
                Some(Step::Wait)
            }
        }
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

    /// A root over everything, then two small nodes of 100 records each: one far aside
    /// (x = 60), one at the origin, in view.
    fn root_aside_and_centre() -> [NodeSphere; 3] {
        let node = |first, center, radius| NodeSphere {
            first,
            count: 100,
            center,
            radius,
        };
        [
            node(0, Vec3::ZERO, 50.0),
            node(100, Vec3::new(60.0, 0.0, 0.0), 1.0),
            node(200, Vec3::new(0.5, 0.0, 0.0), 1.0),
        ]
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
        let spheres = root_aside_and_centre();
        // Room for all: each loaded once, then the queue is done.
        let order = |shared: &SharedView| {
            let mut queue = PieceQueue::new(&spheres, 100, 3, 3, shared.clone());
            let mut order = Vec::new();
            while let Some(step) = queue.step() {
                let Step::Load(piece) = step else {
                    panic!("{step:?} from a queue with room for all");
                };
                order.push(piece);
            }
            order
        };
        let shared: SharedView = Arc::new(Mutex::new(None));
        assert_eq!(order(&shared), [0, 1, 2], "without a view: record order");
        *shared.lock().unwrap() = Some(view());
        assert_eq!(order(&shared), [0, 2, 1]);
    }

    #[test]
    fn a_full_queue_swaps_what_the_view_left_for_what_it_looks_at_and_then_waits() {
        // Room for two.
        let spheres = root_aside_and_centre();
        let shared: SharedView = Arc::new(Mutex::new(None));
        let mut queue = PieceQueue::new(&spheres, 100, 3, 2, shared.clone());
        // No picture yet: record order, then nothing to decide on.
        assert_eq!(queue.step(), Some(Step::Load(0)));
        assert_eq!(queue.step(), Some(Step::Load(1)));
        assert_eq!(queue.step(), Some(Step::Wait));
        // Looking at the origin: the node aside gives way to the one in view, once.
        *shared.lock().unwrap() = Some(view());
        assert_eq!(queue.step(), Some(Step::Swap { drop: 1, load: 2 }));
        assert_eq!(queue.step(), Some(Step::Wait));
        assert_eq!(queue.step(), Some(Step::Wait));
        // Turned to the node aside, from as far: back again, and the root stays throughout.
        let proj = Mat4::perspective_rh(std::f32::consts::FRAC_PI_2, 1.0, 0.1, 100.0);
        let look = Mat4::look_at_rh(
            Vec3::new(60.0, 0.0, 10.0),
            Vec3::new(60.0, 0.0, 0.0),
            Vec3::Y,
        );
        *shared.lock().unwrap() = Some(LoadView {
            view_proj: proj * look,
            height: 1000.0,
        });
        assert_eq!(queue.step(), Some(Step::Swap { drop: 2, load: 1 }));
        assert_eq!(queue.step(), Some(Step::Wait));
    }

    #[test]
    fn pieces_of_like_size_are_not_traded() {
        // Two nodes side by side in view, the same size: whichever is resident stays.
        let spheres = [
            NodeSphere {
                first: 0,
                count: 100,
                center: Vec3::new(-0.5, 0.0, 0.0),
                radius: 1.0,
            },
            NodeSphere {
                first: 100,
                count: 100,
                center: Vec3::new(0.5, 0.0, 0.0),
                radius: 1.1,
            },
        ];
        let shared: SharedView = Arc::new(Mutex::new(None));
        let mut queue = PieceQueue::new(&spheres, 100, 2, 1, shared.clone());
        assert_eq!(queue.step(), Some(Step::Load(0)));
        *shared.lock().unwrap() = Some(view());
        assert_eq!(queue.step(), Some(Step::Wait));
    }
}
