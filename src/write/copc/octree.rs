//! Which node of the octree each point goes to. A node keeps at most one point per cell of a
//! `CELLS`³ grid over its cube, the first to arrive (in file order); the others go down to the
//! child they lie in. So every level is an evenly spread sample of the points below it, each
//! level twice as dense as its parent (COPC's `spacing`, halved per level), and every point is
//! written exactly once.
//!
//! Two ways to do that, with the same rule: [`build`] divides a subtree held in memory, node by
//! node; [`Pass`] divides one too large to hold, streaming its points once for
//! [`PASS_LEVELS`] levels, with one bit per cell for each, and setting aside on disk both the
//! points those levels keep and, by subtree, those that go further down.

use crate::format::vertex::Vertex;

/// Cells along each side of a node's sampling grid. 128, as common COPC writers use: the root's
/// `spacing` is its cube's side over 128.
pub const CELLS: u32 = 128;

/// A subtree with at most this many points is one node (a leaf), not divided further.
pub const LEAF_POINTS: usize = 100_000;

/// Levels below which nodes are not divided (a leaf takes all that reach it): deep enough for a
/// millimetre in a continent, and keeps keys and cell indices far from overflowing.
pub const MAX_LEVEL: i32 = 24;

/// Levels one streaming [`Pass`] decides: its bit grids take 2²¹ + 2²⁴ + 2²⁷ bits (18 MiB), and it
/// leaves at most 512 subtrees.
pub const PASS_LEVELS: i32 = 3;

/// An octree node: its level (0 the root) and position among the 2^level nodes along each axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    pub level: i32,
    pub x: i32,
    pub y: i32,
    pub z: i32,
}

impl NodeKey {
    /// The root.
    pub const ROOT: NodeKey = NodeKey {
        level: 0,
        x: 0,
        y: 0,
        z: 0,
    };

    /// The node `depth` levels down that holds the point at `unit` (coordinates within this
    /// node's cube, 0 to 1).
    fn descendant(&self, depth: i32, unit: [f64; 3]) -> NodeKey {
        let n = 1i64 << depth;
        let at = |base: i32, u: f64| -> i32 {
            let i = ((u * n as f64) as i64).clamp(0, n - 1);
            ((i64::from(base) << depth) + i) as i32
        };
        NodeKey {
            level: self.level + depth,
            x: at(self.x, unit[0]),
            y: at(self.y, unit[1]),
            z: at(self.z, unit[2]),
        }
    }
}

/// The octree's root cube, in the source's (shifted) coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cube {
    pub center: [f64; 3],
    pub half: f64,
}

impl Cube {
    /// The smallest cube centred on the box from `min` to `max` that holds it; a point's cube
    /// has a side of 1, so that it still has cells.
    pub fn around(min: [f64; 3], max: [f64; 3]) -> Cube {
        let center = std::array::from_fn(|a| (min[a] + max[a]) / 2.0);
        let half = (0..3).map(|a| (max[a] - min[a]) / 2.0).fold(0.0, f64::max);
        let half = if half.is_finite() && half > 0.0 {
            half
        } else {
            0.5
        };
        Cube { center, half }
    }

    /// `vertex`'s position within the cube of `node`, each coordinate 0 to 1 inside it.
    fn unit(&self, node: &NodeKey, vertex: &Vertex) -> [f64; 3] {
        let side = 2.0 * self.half / f64::from(1u32 << node.level);
        let p = vertex.position;
        let index = [node.x, node.y, node.z];
        std::array::from_fn(|a| {
            let low = self.center[a] - self.half + side * f64::from(index[a]);
            (f64::from(p[a]) - low) / side
        })
    }

    /// COPC's `spacing`: the distance between cells of the root's grid.
    pub fn spacing(&self) -> f64 {
        2.0 * self.half / f64::from(CELLS)
    }
}

/// The cell of a grid of `cells` along each side that holds `unit`, as one index.
fn cell(unit: [f64; 3], cells: u32) -> usize {
    let n = f64::from(cells);
    let max = cells as usize - 1;
    let i = |u: f64| ((u * n) as usize).min(max);
    (i(unit[2]) * cells as usize + i(unit[1])) * cells as usize + i(unit[0])
}

/// One bit per cell: whether a point already holds it.
struct Occupied {
    words: Vec<u64>,
    /// Words set since the last [`Occupied::clear`], so clearing a sparse grid is quick.
    dirty: Vec<usize>,
}

impl Occupied {
    fn new(cells: usize) -> Self {
        Occupied {
            words: vec![0; cells.div_ceil(64)],
            dirty: Vec::new(),
        }
    }

    /// Takes `cell`, returning whether it was free.
    fn take(&mut self, cell: usize) -> bool {
        let (word, bit) = (cell / 64, 1u64 << (cell % 64));
        let w = &mut self.words[word];
        if *w & bit != 0 {
            return false;
        }
        if *w == 0 {
            self.dirty.push(word);
        }
        *w |= bit;
        true
    }

    fn clear(&mut self) {
        for word in self.dirty.drain(..) {
            self.words[word] = 0;
        }
    }
}

/// Divides the subtree at `key`, whose points are all in `points`, into nodes: `emit` is given
/// each node with its points, parents before their children.
pub fn build(
    cube: &Cube,
    key: NodeKey,
    points: Vec<Vertex>,
    emit: &mut impl FnMut(NodeKey, Vec<Vertex>),
) {
    let mut grid = Occupied::new((CELLS as usize).pow(3));
    divide(cube, key, points, &mut grid, emit);
}

fn divide(
    cube: &Cube,
    key: NodeKey,
    points: Vec<Vertex>,
    grid: &mut Occupied,
    emit: &mut impl FnMut(NodeKey, Vec<Vertex>),
) {
    if points.len() <= LEAF_POINTS || key.level >= MAX_LEVEL {
        emit(key, points);
        return;
    }
    let mut kept = Vec::new();
    let mut children: [Vec<Vertex>; 8] = Default::default();
    for v in points {
        let unit = cube.unit(&key, &v);
        if grid.take(cell(unit, CELLS)) {
            kept.push(v);
        } else {
            let octant = (unit[0] >= 0.5) as usize
                | ((unit[1] >= 0.5) as usize) << 1
                | ((unit[2] >= 0.5) as usize) << 2;
            children[octant].push(v);
        }
    }
    grid.clear();
    emit(key, kept);
    for (octant, child) in children.into_iter().enumerate() {
        if child.is_empty() {
            continue;
        }
        let o = octant as i32;
        let child_key = NodeKey {
            level: key.level + 1,
            x: 2 * key.x + (o & 1),
            y: 2 * key.y + (o >> 1 & 1),
            z: 2 * key.z + (o >> 2 & 1),
        };
        divide(cube, child_key, child, grid, emit);
    }
}

/// Where a point goes in a streaming [`Pass`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Destination {
    /// Into this node, one of the pass's levels: its points are final.
    Node(NodeKey),
    /// Into this subtree, [`PASS_LEVELS`] below the pass's root, to be divided later.
    Subtree(NodeKey),
}

/// One streaming pass over the points of the subtree at `root`: decides, point by point, the
/// nodes of its first [`PASS_LEVELS`] levels (or fewer, near [`MAX_LEVEL`]).
pub struct Pass {
    cube: Cube,
    root: NodeKey,
    /// A bit grid per level, `CELLS << depth` cells along each side.
    grids: Vec<Occupied>,
}

impl Pass {
    pub fn new(cube: Cube, root: NodeKey) -> Pass {
        let levels = PASS_LEVELS.min(MAX_LEVEL - root.level).max(0);
        let grids = (0..levels)
            .map(|depth| Occupied::new(((CELLS as usize) << depth).pow(3)))
            .collect();
        Pass { cube, root, grids }
    }

    /// Where `vertex` goes.
    pub fn place(&mut self, vertex: &Vertex) -> Destination {
        let unit = self.cube.unit(&self.root, vertex);
        for (depth, grid) in self.grids.iter_mut().enumerate() {
            let depth = depth as i32;
            if grid.take(cell(unit, CELLS << depth)) {
                return Destination::Node(self.root.descendant(depth, unit));
            }
        }
        let levels = self.grids.len() as i32;
        if self.root.level + levels >= MAX_LEVEL {
            // Nothing below: the deepest level takes the rest.
            return Destination::Node(self.root.descendant(levels.max(1) - 1, unit));
        }
        Destination::Subtree(self.root.descendant(levels, unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    fn grid_points(n: u32) -> Vec<Vertex> {
        let mut points = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let p = Vec3::new(i as f32 / n as f32, j as f32 / n as f32, 0.5);
                points.push(Vertex::new(p, [i as u16, j as u16, 0]));
            }
        }
        points
    }

    #[test]
    fn every_point_lands_once_and_parents_are_sparser_than_children() {
        let points = grid_points(600); // 360 000: more than a leaf
        let cube = Cube::around([0.0; 3], [1.0; 3]);
        let mut nodes = Vec::new();
        build(&cube, NodeKey::ROOT, points.clone(), &mut |k, p| {
            nodes.push((k, p))
        });
        let total: usize = nodes.iter().map(|(_, p)| p.len()).sum();
        assert_eq!(total, points.len());
        // The root keeps one point per cell of its grid: a plane crosses 128 × 128 of them.
        let root = &nodes[0];
        assert_eq!(root.0, NodeKey::ROOT);
        assert_eq!(root.1.len(), 128 * 128);
        // Every node lies within its cube.
        for (key, node) in &nodes {
            for v in node {
                let u = cube.unit(key, v);
                assert!(u.iter().all(|&c| (0.0..=1.0).contains(&c)), "{key:?} {u:?}");
            }
        }
        // Children of the root come after it, at level 1.
        assert!(nodes[1..].iter().all(|(k, _)| k.level >= 1));
    }

    #[test]
    fn identical_points_stop_at_the_deepest_level() {
        let n = LEAF_POINTS + 100;
        let points = vec![Vertex::new(Vec3::splat(2.0), [1, 2, 3]); n];
        let cube = Cube::around([2.0; 3], [2.0; 3]);
        let mut nodes = Vec::new();
        build(&cube, NodeKey::ROOT, points, &mut |k, p| {
            nodes.push((k, p.len()))
        });
        // One point a level, the rest in the deepest.
        assert_eq!(nodes.len(), MAX_LEVEL as usize + 1);
        assert!(nodes[..MAX_LEVEL as usize].iter().all(|n| n.1 == 1));
        assert_eq!(nodes.last().unwrap(), &(nodes.last().unwrap().0, n - 24));
        assert_eq!(nodes.last().unwrap().0.level, MAX_LEVEL);
    }

    #[test]
    fn a_pass_keeps_what_build_would_keep_at_the_top() {
        let points = grid_points(600);
        let cube = Cube::around([0.0; 3], [1.0; 3]);
        let mut pass = Pass::new(cube, NodeKey::ROOT);
        let mut per_level = [0; PASS_LEVELS as usize + 1];
        for v in &points {
            match pass.place(v) {
                Destination::Node(k) => per_level[k.level as usize] += 1,
                Destination::Subtree(k) => {
                    assert_eq!(k.level, PASS_LEVELS);
                    per_level[PASS_LEVELS as usize] += 1
                }
            }
        }
        // Each level takes one point per cell of its grid the plane crosses while points are
        // left there: all of the root's and level 1's (4 or more points each), not quite all of
        // level 2's (a cell whose only point a coarser level took stays empty).
        assert_eq!(per_level[0], 128 * 128);
        assert_eq!(per_level[1], 256 * 256);
        assert!(
            per_level[2] > 200_000 && per_level[2] < 512 * 512,
            "{per_level:?}"
        );
        assert_eq!(per_level.iter().sum::<usize>(), points.len());
        assert!(per_level[3] > 0);
    }
}
