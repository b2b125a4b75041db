//! Recording a frame of point clouds with a [`PointRenderer`]: the compute passes before the
//! caller's render pass, the pipeline path's draws and the compute path's resolve inside it.

use super::draw::PointDraw;
use super::params::RasterPath;
use super::raster::RasterTarget;
use super::renderer::PointRenderer;

impl PointRenderer {
    /// Records the compute passes of the `draws` whose path is the compute rasteriser into
    /// `encoder`, accumulating into `target` (clear it first for a new picture). Draws that take
    /// the pipeline path are skipped here and drawn by [`draw`](Self::draw). Of points at equal
    /// depth the one drawn first wins, as with a `Less` depth test: the earlier vertex of a
    /// cloud, and of two clouds the one first rasterized since the last clear. A cloud drawn
    /// again (another [`Subsample`](super::Subsample) phase) keeps its place, so a picture
    /// accumulated phase by phase equals the one drawn at once. Each draw may be rasterized
    /// once per submission.
    pub fn rasterize(
        &self,
        queue: &wgpu::Queue,
        encoder: &mut wgpu::CommandEncoder,
        target: &mut RasterTarget,
        draws: &[&PointDraw],
    ) {
        let Some(compute) = self.compute() else {
            return;
        };
        let computed: Vec<&PointDraw> = draws
            .iter()
            .copied()
            .filter(|d| d.path() == RasterPath::Compute && !d.is_empty())
            .collect();
        if computed.is_empty() {
            return;
        }
        for draw in &computed {
            let (base, step) = match draw.file_position() {
                Some((first, stride)) => (first, stride),
                None => (target.order_of(draw.id(), draw.vertex_count()), 1),
            };
            let last = base + draw.vertex_count().saturating_sub(1) * u64::from(step);
            target.saw_order(base);
            target.saw_order(last);
            // The shaders keep orders modulo 2³², which the target gives back on reading; only
            // ties at equal depth between points 2³² apart could resolve the other way.
            draw.set_order(queue, base as u32, step);
        }
        compute.record(encoder, target, &computed);
    }

    /// Records the pipeline-path `draws` into `pass`, which must match the target format. Draws
    /// that take the compute path are skipped here: [`resolve`](Self::resolve) shows them.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, draws: &[&PointDraw]) {
        for draw in draws {
            if draw.path() != RasterPath::Pipeline || draw.is_empty() {
                continue;
            }
            let quads = draw.point_size() > 1;
            // Made when the draw was; a draw made by another renderer has none here.
            let Some(pipeline) = self.pipeline(draw.layout(), quads) else {
                continue;
            };
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, draw.pipeline_bind_group(), &[]);
            let step = draw.subsample().step;
            for (buffer, count, first) in draw.buffers() {
                // The index within the cloud, modulo the step, is all the shader needs.
                let start = (first % u64::from(step)) as u32;
                pass.set_vertex_buffer(0, buffer.slice(..));
                if quads {
                    pass.draw(start * 6..start * 6 + 6, 0..count);
                } else {
                    pass.draw(0..count, start..start + 1);
                }
            }
        }
    }

    /// Writes what the compute path drew into `target` into `pass`: colour, and depth through
    /// `frag_depth` (depth-tested `Less` against what the pass already holds), so the points
    /// compose with everything else the pass draws, before or after. Draws nothing when nothing
    /// was rasterized since the target was cleared.
    pub fn resolve(&self, pass: &mut wgpu::RenderPass<'_>, target: &RasterTarget) {
        if let (Some(compute), true) = (self.compute(), target.has_points()) {
            compute.resolve(pass, target);
        }
    }
}
