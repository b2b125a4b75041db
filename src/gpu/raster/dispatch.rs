//! Recording the compute passes: each pass over every cloud before the next, the colour pass
//! over points or over pixels (whichever has less to do), dispatches split past the device's
//! workgroup limit, and the resolve into the caller's render pass.

use super::super::cloud::PointCloud;
use super::super::params::Subsample;
use super::bindings::ComputeRange;
use super::pipelines::{ComputeRaster, POINTS_PER_THREAD, WORKGROUP};
use super::target::RasterTarget;

/// One view of a cloud as the compute passes draw it: its parameters at `view_offset` of the
/// frame's uniform buffer, its point size and its subsample.
pub(crate) struct RasterJob<'a> {
    pub cloud: &'a PointCloud,
    /// How the view reads the cloud's records (its layout, with the column it colours by).
    pub layout: crate::format::GpuLayout,
    pub view_offset: u32,
    pub point_size: u32,
    pub subsample: Subsample,
}

impl ComputeRaster {
    /// Records the passes for `jobs` into `target`; `views` binds the frame's uniform buffer.
    pub fn record(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        target: &mut RasterTarget,
        views: &wgpu::BindGroup,
        draws: &[RasterJob<'_>],
    ) {
        let Some(pixels) = &target.pixels else {
            return;
        };
        // Which vertices each draw's ranges draw: how many, and the pipeline's threads for them.
        let work: Vec<Vec<(&ComputeRange, u64)>> = draws
            .iter()
            .map(|draw| {
                let sub = draw.subsample;
                let step = u64::from(sub.step);
                draw.cloud
                    .ranges()
                    .iter()
                    .filter_map(|range| {
                        let skip = (u64::from(sub.phase) + step - range.first % step) % step;
                        let samples = u64::from(range.count)
                            .checked_sub(skip)
                            .filter(|&n| n > 0)?
                            .div_ceil(step);
                        Some((range, samples))
                    })
                    .collect()
            })
            .collect();
        // Colour by pixels when that is less work: on lavapipe a pixel's lookup costs about a
        // quarter of a point's pass (25 against 95 ns, measured at 1920×1080 on a million points).
        let pixel_count = u64::from(target.size[0]) * u64::from(target.size[1]);
        let ranges: u64 = work.iter().map(|w| w.len() as u64).sum();
        let covered: u64 = draws
            .iter()
            .zip(&work)
            .map(|(draw, w)| {
                let size = u64::from(draw.point_size);
                w.iter().map(|(_, n)| n * size * size).sum::<u64>()
            })
            .sum();
        let by_pixels = ranges * pixel_count < covered * 3;
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("vertexview raster"),
            timestamp_writes: None,
        });
        // Each stage over every draw before the next stage: all points must have competed for a
        // pixel's depth before any of them looks for the winner.
        let last = self.stages.len() - 1;
        for (n, group) in pixels.stage_groups.iter().enumerate() {
            pass.set_bind_group(1, group, &[]);

            if n == last && by_pixels {
                let threads = pixel_count.div_ceil(u64::from(POINTS_PER_THREAD));
                for (draw, w) in draws.iter().zip(&work) {
                    let Some(pipeline) = self.pipeline(draw.layout, self.stages.len(), false)
                    else {
                        continue;
                    };
                    pass.set_pipeline(&pipeline);
                    pass.set_bind_group(0, views, &[draw.view_offset]);
                    for (range, _) in w {
                        pass.set_bind_group(2, &range.group, &[]);
                        self.dispatch(&mut pass, threads);
                    }
                }
                continue;
            }
            for (draw, w) in draws.iter().zip(&work) {
                let splat = draw.point_size > 1;
                // Made with the cloud; a cloud made for another renderer has none here.
                let Some(pipeline) = self.pipeline(draw.layout, n, splat) else {
                    continue;
                };
                pass.set_pipeline(&pipeline);
                pass.set_bind_group(0, views, &[draw.view_offset]);
                let per_thread = if splat { 1 } else { POINTS_PER_THREAD };
                for (range, samples) in w {
                    pass.set_bind_group(2, &range.group, &[]);
                    self.dispatch(&mut pass, samples.div_ceil(u64::from(per_thread)));
                }
            }
        }
        target.drawn = true;
    }

    /// Dispatches `threads` threads in workgroups, continuing in y past the device's limit.
    fn dispatch(&self, pass: &mut wgpu::ComputePass<'_>, threads: u64) {
        let groups = threads.div_ceil(u64::from(WORKGROUP)).max(1);
        let x = groups.min(u64::from(self.max_groups));
        let y = groups.div_ceil(x);
        pass.dispatch_workgroups(x as u32, y as u32, 1);
    }

    pub fn resolve(&self, pass: &mut wgpu::RenderPass<'_>, target: &RasterTarget) {
        if let Some(pixels) = &target.pixels {
            pass.set_pipeline(&self.resolve);
            pass.set_bind_group(0, &pixels.resolve_group, &[]);
            pass.draw(0..3, 0..1);
        }
    }
}
