//! A COPC file's octree as its hierarchy describes it: the info VLR (the octree's cube and
//! where the root hierarchy page lies) and the pages, read as far down as a read needs. A page
//! lists nodes (key, where its LAZ chunk lies, how many points) and pages below it; a page
//! under a node deeper than the read goes is never fetched, so `--lod 2` of a file with
//! millions of nodes reads the root page and little else. The pages of one depth are fetched
//! together, as one batch of ranges (by coalesced, parallel requests over HTTP).
//!
//! Read from the info VLR itself, not from the hierarchy EVLR's place in the header: a file
//! whose hierarchy is not its first EVLR reads too.

use std::collections::HashSet;
use std::io;
use std::ops::Range;

/// Bytes of one hierarchy entry: key (4 × i32), offset (u64), bytes (i32), points (i32).
const ENTRY: usize = 32;
/// A hierarchy page larger than this is refused rather than fetched (a million entries).
const MOST_PAGE_BYTES: u64 = ENTRY as u64 * (1 << 20);

/// COPC's info VLR (user `copc`, record 1): the octree's cube, the root's point spacing and the
/// root hierarchy page.
#[derive(Clone, Debug, PartialEq)]
pub struct CopcInfo {
    /// The cube's centre, in the file's coordinates.
    pub center: [f64; 3],
    /// Half its side.
    pub halfsize: f64,
    /// The spacing between points at the root, halved at each level.
    pub spacing: f64,
    /// Where the root hierarchy page lies.
    pub root_page: Range<u64>,
}

impl CopcInfo {
    /// The info VLR's payload (160 bytes), if it reads and describes a cube.
    pub fn parse(data: &[u8]) -> Option<CopcInfo> {
        let f = |i: usize| {
            Some(f64::from_le_bytes(
                data.get(i * 8..i * 8 + 8)?.try_into().ok()?,
            ))
        };
        let u = |i: usize| {
            Some(u64::from_le_bytes(
                data.get(i * 8..i * 8 + 8)?.try_into().ok()?,
            ))
        };
        let info = CopcInfo {
            center: [f(0)?, f(1)?, f(2)?],
            halfsize: f(3)?,
            spacing: f(4)?,
            root_page: u(5)?..u(5)?.checked_add(u(6)?)?,
        };
        let finite = info.center.iter().all(|c| c.is_finite()) && info.spacing.is_finite();
        (finite && info.halfsize.is_finite() && info.halfsize >= 0.0).then_some(info)
    }
}

/// A node's place in the octree: its level (0: the root) and its cell at that level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Level, from 0.
    pub l: i32,
    /// Cell along x, 0 to 2^l − 1.
    pub x: i32,
    /// Cell along y.
    pub y: i32,
    /// Cell along z.
    pub z: i32,
}

/// As COPC and EPT name nodes: `L-X-Y-Z`.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{}-{}", self.l, self.x, self.y, self.z)
    }
}

impl Key {
    /// Whether the key names a cell of the octree.
    fn is_valid(&self) -> bool {
        (0..31).contains(&self.l)
            && [self.x, self.y, self.z]
                .iter()
                .all(|&c| c >= 0 && c >> self.l == 0)
    }

    /// The node's cube, least and greatest corner, in the file's coordinates.
    pub fn bounds(&self, info: &CopcInfo) -> ([f64; 3], [f64; 3]) {
        let side = 2.0 * info.halfsize / f64::from(1u32 << self.l);
        let cell = [self.x, self.y, self.z];
        let min: [f64; 3] =
            std::array::from_fn(|a| info.center[a] - info.halfsize + side * f64::from(cell[a]));
        (min, min.map(|m| m + side))
    }

    /// Its place along a Z-order (Morton) curve at its level: cells near in space are near.
    pub fn z_order(&self) -> u128 {
        let mut code = 0u128;
        for bit in 0..31 {
            for (axis, v) in [self.x, self.y, self.z].into_iter().enumerate() {
                code |= u128::from((v as u32 >> bit) & 1) << (3 * bit + axis);
            }
        }
        code
    }
}

/// A node with points: where its LAZ chunk lies and how many points it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    /// Where it is in the octree.
    pub key: Key,
    /// Its chunk's first byte in the file.
    pub offset: u64,
    /// Its chunk's length.
    pub byte_size: u64,
    /// Its points.
    pub point_count: u64,
}

/// The nodes with points of levels 0 to `deepest` (all, for `None`), in the order the pages
/// list them, fetching pages by `fetch` (their ranges, a depth's at once) from the root page
/// down, only those whose node is not deeper than `deepest`. `file_len` bounds every range.
pub fn read_nodes(
    info: &CopcInfo,
    deepest: Option<u32>,
    file_len: u64,
    mut fetch: impl FnMut(&[Range<u64>]) -> io::Result<Vec<Vec<u8>>>,
) -> io::Result<Vec<Node>> {
    let deepest = deepest.map_or(i32::MAX, |d| i32::try_from(d).unwrap_or(i32::MAX));
    let mut pages = vec![info.root_page.clone()];
    let mut seen: HashSet<u64> = HashSet::new();
    let mut nodes = Vec::new();
    while !pages.is_empty() {
        for page in &pages {
            check_page(page, file_len)?;
            seen.insert(page.start);
        }
        let bodies = fetch(&pages)?;
        let mut next = Vec::new();
        for body in bodies {
            for entry in body.chunks_exact(ENTRY) {
                let i = |at: usize| {
                    i32::from_le_bytes([entry[at], entry[at + 1], entry[at + 2], entry[at + 3]])
                };
                let key = Key {
                    l: i(0),
                    x: i(4),
                    y: i(8),
                    z: i(12),
                };
                let offset = u64::from_le_bytes(entry[16..24].try_into().unwrap_or_default());
                let (byte_size, point_count) = (i(24), i(28));
                if !key.is_valid() {
                    return Err(invalid(format!(
                        "a hierarchy entry names no octree node ({key})"
                    )));
                }
                if key.l > deepest {
                    continue;
                }
                match point_count {
                    // A page of this node's subtree.
                    -1 => {
                        let page = offset
                            ..offset.saturating_add(u64::try_from(byte_size).unwrap_or(u64::MAX));
                        if !seen.contains(&page.start) {
                            check_page(&page, file_len)?;
                            seen.insert(page.start);
                            next.push(page);
                        }
                    }
                    0 => {}
                    n if n > 0 => {
                        let size = u64::try_from(byte_size).unwrap_or(0);
                        if size == 0 || offset.checked_add(size).is_none_or(|end| end > file_len) {
                            return Err(invalid(format!(
                                "octree node {key}'s chunk (bytes {offset}, {byte_size} long) is not within the file's {file_len} bytes"
                            )));
                        }
                        nodes.push(Node {
                            key,
                            offset,
                            byte_size: size,
                            point_count: n as u64,
                        });
                    }
                    n => {
                        return Err(invalid(format!(
                            "octree node {key} has {n} points in the hierarchy"
                        )))
                    }
                }
            }
        }
        pages = next;
    }
    Ok(nodes)
}

/// A page's range is whole entries, within the file and not absurdly large.
fn check_page(page: &Range<u64>, file_len: u64) -> io::Result<()> {
    let len = page.end.saturating_sub(page.start);
    if page.end > file_len || !len.is_multiple_of(ENTRY as u64) || len > MOST_PAGE_BYTES {
        return Err(invalid(format!(
            "a hierarchy page at bytes {}..{} is not whole entries of 32 bytes within the file's {file_len} bytes",
            page.start, page.end
        )));
    }
    Ok(())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: [i32; 4], offset: u64, bytes: i32, points: i32) -> Vec<u8> {
        let mut e = Vec::new();
        for k in key {
            e.extend_from_slice(&k.to_le_bytes());
        }
        e.extend_from_slice(&offset.to_le_bytes());
        e.extend_from_slice(&bytes.to_le_bytes());
        e.extend_from_slice(&points.to_le_bytes());
        e
    }

    /// A file of 10 000 bytes with a root page at 1000 (the root node, a level-1 node, and a
    /// page for another level-1 node's subtree at 2000, holding it and a level-2 node).
    /// Pages: where each lies, and its bytes.
    type Pages = Vec<(Range<u64>, Vec<u8>)>;

    fn file() -> (CopcInfo, Pages) {
        let root = [
            entry([0, 0, 0, 0], 100, 50, 10),
            entry([1, 0, 0, 0], 150, 50, 20),
            entry([1, 1, 0, 0], 2000, 64, -1),
        ]
        .concat();
        let sub = [
            entry([1, 1, 0, 0], 200, 50, 30),
            entry([2, 3, 1, 0], 250, 50, 40),
        ]
        .concat();
        let info = CopcInfo {
            center: [0.0; 3],
            halfsize: 8.0,
            spacing: 1.0,
            root_page: 1000..1096,
        };
        (info, vec![(1000..1096, root), (2000..2064, sub)])
    }

    #[test]
    fn pages_are_fetched_only_as_deep_as_the_read_goes() {
        let (info, pages) = file();
        // The points of each node read, and the ranges each fetch asked for.
        let read = |deepest| {
            let mut asked: Vec<Vec<Range<u64>>> = Vec::new();
            let nodes = read_nodes(&info, deepest, 10_000, |ranges| {
                asked.push(ranges.to_vec());
                Ok(ranges
                    .iter()
                    .map(|r| pages.iter().find(|(p, _)| p == r).unwrap().1.clone())
                    .collect())
            })
            .unwrap();
            let points: Vec<u64> = nodes.iter().map(|n| n.point_count).collect();
            (points, asked)
        };
        // Level 0 alone: the root page, and the page below a level-1 node is never asked for.
        assert_eq!(read(Some(0)), (vec![10], vec![vec![1000..1096]]));
        // Levels 0 and 1: the second page too (its first node is level 1), but not its level 2.
        assert_eq!(
            read(Some(1)),
            (vec![10, 20, 30], vec![vec![1000..1096], vec![2000..2064]])
        );
        assert_eq!(read(None).0, [10, 20, 30, 40]);
    }

    #[test]
    fn a_hierarchy_that_lies_is_an_error_not_a_panic() {
        let (info, _) = file();
        let cases = [
            (entry([0, 0, 0, 0], 9990, 50, 10), "not within the file"),
            (entry([0, 0, 0, 0], 100, 0, 10), "not within the file"),
            (entry([1, 2, 0, 0], 100, 50, 10), "names no octree node"),
            (entry([-1, 0, 0, 0], 100, 50, 10), "names no octree node"),
            (entry([0, 0, 0, 0], 100, 50, -7), "has -7 points"),
            (entry([0, 0, 0, 0], 20_000, 64, -1), "not whole entries"),
            (entry([0, 0, 0, 0], 2000, 33, -1), "not whole entries"),
            (entry([0, 0, 0, 0], 2000, -32, -1), "not whole entries"),
        ];
        for (page, why) in cases {
            let root = CopcInfo {
                root_page: 1000..1032,
                ..info.clone()
            };
            let got = read_nodes(&root, None, 10_000, |ranges| {
                Ok(ranges.iter().map(|_| page.clone()).collect())
            });
            let message = got.unwrap_err().to_string();
            assert!(message.contains(why), "{message}");
        }
    }

    #[test]
    fn a_page_that_lists_itself_is_read_once() {
        let (info, _) = file();
        let root = CopcInfo {
            root_page: 1000..1032,
            ..info
        };
        let mut calls = 0;
        let nodes = read_nodes(&root, None, 10_000, |ranges| {
            calls += 1;
            Ok(ranges
                .iter()
                .map(|_| entry([0, 0, 0, 0], 1000, 32, -1))
                .collect())
        })
        .unwrap();
        assert!(nodes.is_empty());
        assert_eq!(calls, 1);
    }

    #[test]
    fn a_key_s_cube_and_curve() {
        let info = CopcInfo {
            center: [10.0, 20.0, 30.0],
            halfsize: 4.0,
            spacing: 1.0,
            root_page: 0..0,
        };
        let key = Key {
            l: 2,
            x: 3,
            y: 0,
            z: 1,
        };
        assert_eq!(key.bounds(&info), ([12.0, 16.0, 28.0], [14.0, 18.0, 30.0]));
        // x is the lowest bit of each triple: (3, 0, 1) → bits x0 z0 x1.
        assert_eq!(key.z_order(), 0b001_101);
    }
}
