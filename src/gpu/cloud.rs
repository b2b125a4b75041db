//! [`PointCloud`]: one cloud's bindings for a [`PointRenderer`], made once.

use std::sync::atomic::{AtomicU64, Ordering};

use super::error::GpuError;
use super::raster::ComputeRange;
use super::renderer::PointRenderer;
use super::upload::VertexBuffers;
use crate::format::GpuLayout;

/// One cloud of points as a [`PointRenderer`] draws it: the bindings of its [`VertexBuffers`]
/// for both paths (no copy of the data), made once. What changes from frame to frame (the
/// transform, point size, colouring, subsample) is given per frame to a
/// [`PointFrame`](super::PointFrame), so one cloud can be drawn several times in one frame with
/// different parameters.
#[derive(Debug)]
pub struct PointCloud {
    id: u64,
    /// Vertex buffers for the pipeline path: buffer, vertices, index of its first vertex.
    buffers: Vec<(wgpu::Buffer, u32, u64)>,
    /// Storage bindings for the compute path, in cloud order; empty without compute support.
    ranges: Vec<ComputeRange>,
    count: u64,
    layout: GpuLayout,
    /// Where the cloud's vertices sit in their file.
    file_position: Option<FilePosition>,
}

/// Where a cloud's vertices sit in their file: vertex `k` of the cloud is vertex
/// `first + (k / run) · gap + (k % run) · step` of the file. A piece of a file is one run with
/// step 1; every `stride`-th vertex of a file is one run with step `stride`; an evenly spread
/// sample is many runs of consecutive vertices, `gap` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilePosition {
    /// File index of the cloud's vertex 0.
    pub first: u64,
    /// File distance between consecutive vertices of a run.
    pub step: u32,
    /// Vertices in a run; `None`: the whole cloud is one run.
    pub run: Option<u32>,
    /// File distance between the first vertices of consecutive runs.
    pub gap: u64,
}

impl FilePosition {
    /// Vertex `k` of the cloud is vertex `first + k · step` of the file.
    pub fn strided(first: u64, step: u32) -> FilePosition {
        FilePosition {
            first,
            step: step.max(1),
            run: None,
            gap: 0,
        }
    }

    /// Runs of `run` consecutive vertices, the first at file index `first`, each `gap` after
    /// the last.
    pub fn runs(first: u64, run: u32, gap: u64) -> FilePosition {
        FilePosition {
            first,
            step: 1,
            run: Some(run.max(1)),
            gap,
        }
    }

    /// File index of cloud vertex `k`.
    pub fn index_of(&self, k: u64) -> u64 {
        match self.run {
            None => self.first + k * u64::from(self.step),
            Some(run) => {
                let run = u64::from(run);
                self.first + k / run * self.gap + k % run * u64::from(self.step)
            }
        }
    }
}

impl PointCloud {
    /// The bindings of `vertices` for `renderer`, and (once per record layout) the renderer's
    /// pipelines for them, all made inside error scopes: a device that rejects any of it says so
    /// here, never in a frame. Storage bindings respect the device's
    /// `max_storage_buffer_binding_size` and `min_storage_buffer_offset_alignment`.
    pub fn new(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
    ) -> Result<PointCloud, GpuError> {
        Self::with_binding_limit(device, renderer, vertices, u64::MAX)
    }

    /// [`new`](Self::new) with storage bindings of at most `max_binding` bytes (clamped to the
    /// device's limit): to test how a large cloud is split, on small data.
    pub fn with_binding_limit(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
        max_binding: u64,
    ) -> Result<PointCloud, GpuError> {
        renderer.prepare_layout(vertices.layout())?;
        let mut first = 0u64;
        let buffers: Vec<(wgpu::Buffer, u32, u64)> = vertices
            .buffers()
            .map(|(buffer, count)| {
                let entry = (buffer.clone(), count, first);
                first += u64::from(count);
                entry
            })
            .collect();
        let ranges = match renderer.compute() {
            Some(compute) => super::context::catch_errors(device, || {
                compute.bind_ranges(device, &buffers, vertices.layout().stride, max_binding)
            })?,
            None => Vec::new(),
        };
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Ok(PointCloud {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            buffers,
            ranges,
            count: vertices.vertex_count(),
            layout: vertices.layout(),
            file_position: None,
        })
    }

    /// Says that vertex `i` of this cloud is vertex `first + i · stride` of its file (a piece of
    /// a file, or every `stride`-th vertex of one). The compute path then orders ties at equal
    /// depth by file position whatever order pieces are drawn in, so a picture built from pieces
    /// in any order, even with vertices drawn twice, equals the one drawn in file order. Without
    /// it, clouds are ordered as they are first rasterized after a clear; do not mix the two in
    /// one picture.
    pub fn set_file_position(&mut self, first: u64, stride: u32) {
        self.file_position = Some(FilePosition::strided(first, stride));
    }

    /// [`set_file_position`](Self::set_file_position) for vertices laid out in runs (an evenly
    /// spread sample of a file).
    pub fn set_file_runs(&mut self, position: FilePosition) {
        self.file_position = Some(position);
    }

    /// The position set by [`set_file_position`](Self::set_file_position) or
    /// [`set_file_runs`](Self::set_file_runs).
    pub fn file_position(&self) -> Option<FilePosition> {
        self.file_position
    }

    /// Number of vertices in the cloud.
    pub fn vertex_count(&self) -> u64 {
        self.count
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The compute path's storage bindings: how many, and vertices in each.
    pub fn binding_ranges(&self) -> Vec<u32> {
        self.ranges.iter().map(|r| r.count).collect()
    }

    /// How the cloud's records are laid out.
    pub fn layout(&self) -> GpuLayout {
        self.layout
    }

    pub(super) fn id(&self) -> u64 {
        self.id
    }

    /// Whether the compute path can draw it: at least one vertex fits a storage binding.
    pub(super) fn has_ranges(&self) -> bool {
        !self.ranges.is_empty()
    }

    pub(super) fn buffers(&self) -> impl Iterator<Item = (&wgpu::Buffer, u32, u64)> {
        self.buffers.iter().map(|(b, n, f)| (b, *n, *f))
    }

    pub(super) fn ranges(&self) -> &[ComputeRange] {
        &self.ranges
    }
}
