//! [`PointDraw`]: one cloud as a [`PointRenderer`] draws it: its bindings and its parameters.

use std::sync::atomic::{AtomicU64, Ordering};

use super::context::catch_errors;
use super::error::GpuError;
use super::params::{
    FrameParams, FrameUniform, RasterPath, Subsample, FRAME_UNIFORM_SIZE, INDEX_BASE_OFFSET,
};
use super::raster::ComputeRange;
use super::renderer::{choose_path, PointRenderer};
use super::upload::VertexBuffers;
use crate::format::GpuLayout;

/// One cloud of points: the bindings of its [`VertexBuffers`] for both paths (no copy of the
/// data), a uniform buffer of its own, and the parameters of its last
/// [`prepare`](Self::prepare). Any number of draws, each with its own transform, point size and
/// colouring, share one [`PointRenderer`] and one render pass.
#[derive(Debug)]
pub struct PointDraw {
    id: u64,
    uniform: wgpu::Buffer,
    pipeline_group: wgpu::BindGroup,
    /// Vertex buffers for the pipeline path: buffer, vertices, index of its first vertex.
    buffers: Vec<(wgpu::Buffer, u32, u64)>,
    /// Storage bindings for the compute path, in cloud order; empty without compute support.
    ranges: Vec<ComputeRange>,
    count: u64,
    layout: GpuLayout,
    path: RasterPath,
    point_size: u32,
    subsample: Subsample,
    /// Where vertex 0 sits in its file, and the file distance between the draw's vertices.
    file_position: Option<(u64, u32)>,
}

impl PointDraw {
    /// The bindings of `vertices` for `renderer`, and (once per record layout) the renderer's
    /// pipelines for them, all made inside error scopes: a device that rejects any of it says so
    /// here, never in a frame. Storage bindings respect the device's
    /// `max_storage_buffer_binding_size` and `min_storage_buffer_offset_alignment`.
    pub fn new(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
    ) -> Result<PointDraw, GpuError> {
        Self::with_binding_limit(device, renderer, vertices, u64::MAX)
    }

    /// [`new`](Self::new) with storage bindings of at most `max_binding` bytes (clamped to the
    /// device's limit): to test how a large cloud is split, on small data.
    pub fn with_binding_limit(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
        max_binding: u64,
    ) -> Result<PointDraw, GpuError> {
        renderer.prepare_layout(vertices.layout())?;
        catch_errors(device, || {
            Self::bind(device, renderer, vertices, max_binding)
        })
    }

    fn bind(
        device: &wgpu::Device,
        renderer: &PointRenderer,
        vertices: &VertexBuffers,
        max_binding: u64,
    ) -> PointDraw {
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("vertexview cloud"),
            size: FRAME_UNIFORM_SIZE,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let pipeline_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("vertexview cloud"),
            layout: renderer.draw_layout(),
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
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
            Some(compute) => compute.bind_ranges(
                device,
                &uniform,
                &buffers,
                vertices.layout().stride,
                max_binding,
            ),
            None => Vec::new(),
        };
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        PointDraw {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            uniform,
            pipeline_group,
            buffers,
            ranges,
            count: vertices.vertex_count(),
            layout: vertices.layout(),
            path: RasterPath::Pipeline,
            point_size: 1,
            subsample: Subsample::ALL,
            file_position: None,
        }
    }

    /// Says that vertex `i` of this draw is vertex `first + i · stride` of its file (a piece of a
    /// file, or every `stride`-th vertex of one). The compute path then orders ties at equal
    /// depth by file position whatever order pieces are drawn in, so a picture built from pieces
    /// in any order, even with vertices drawn twice, equals the one drawn in file order. Without
    /// it, draws are ordered as they are first rasterized after a clear; do not mix the two in
    /// one picture.
    pub fn set_file_position(&mut self, first: u64, stride: u32) {
        self.file_position = Some((first, stride.max(1)));
    }

    /// The position set by [`set_file_position`](Self::set_file_position).
    pub fn file_position(&self) -> Option<(u64, u32)> {
        self.file_position
    }

    /// Sets this frame's parameters (written with the next submission on `queue`) and decides
    /// the path: `Raster::Compute` takes the compute rasteriser wherever `renderer` has it,
    /// `Raster::Auto` where it also wins (see [`choose_path`]).
    pub fn prepare(&mut self, queue: &wgpu::Queue, renderer: &PointRenderer, params: &FrameParams) {
        self.path = choose_path(params, renderer, self.count);
        if self.ranges.is_empty() && self.count > 0 {
            // Not even one vertex fits a storage binding here.
            self.path = RasterPath::Pipeline;
        }
        self.point_size = params.pixel_size();
        self.subsample = Subsample {
            step: params.subsample.step.max(1),
            phase: params.subsample.phase % params.subsample.step.max(1),
        };
        queue.write_buffer(
            &self.uniform,
            0,
            bytemuck::bytes_of(&FrameUniform::new(params)),
        );
    }

    /// The path the last [`prepare`](Self::prepare) chose.
    pub fn path(&self) -> RasterPath {
        self.path
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

    pub(super) fn id(&self) -> u64 {
        self.id
    }

    /// How the cloud's records are laid out.
    pub fn layout(&self) -> GpuLayout {
        self.layout
    }

    pub(super) fn point_size(&self) -> u32 {
        self.point_size
    }

    pub(super) fn subsample(&self) -> Subsample {
        self.subsample
    }

    pub(super) fn pipeline_bind_group(&self) -> &wgpu::BindGroup {
        &self.pipeline_group
    }

    pub(super) fn buffers(&self) -> impl Iterator<Item = (&wgpu::Buffer, u32, u64)> {
        self.buffers.iter().map(|(b, n, f)| (b, *n, *f))
    }

    pub(super) fn ranges(&self) -> &[ComputeRange] {
        &self.ranges
    }

    /// Sets the draw order of the first vertex and the step between vertices' orders, so that
    /// ties at equal depth go to what comes first.
    pub(super) fn set_order(&self, queue: &wgpu::Queue, base: u32, step: u32) {
        queue.write_buffer(
            &self.uniform,
            INDEX_BASE_OFFSET,
            bytemuck::cast_slice(&[base, step]),
        );
    }
}
