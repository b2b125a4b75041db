//! The compute path's pipelines for one target format ([`ComputeRaster`]): its shader module,
//! the bind group layouts of its passes, and a pipeline per record layout, pass and point size,
//! all made inside error scopes.

use std::collections::HashMap;
use std::sync::Mutex;

use bytemuck::{Pod, Zeroable};

use super::super::context::catch_errors;
use super::super::error::GpuError;
use super::super::layout::raster_constants;
use super::super::params::FRAME_UNIFORM_SIZE;
use super::super::shaders::{RASTER64_SOURCE, RASTER_SOURCE, RESOLVE_SOURCE};
use super::super::target::{depth_state, AtomicWidth, TargetFormat};
use crate::format::GpuLayout;

/// Threads per workgroup, as the shaders declare.
pub(super) const WORKGROUP: u32 = 64;
/// One-pixel points (or pixels) a thread draws, as the shaders declare.
pub(super) const POINTS_PER_THREAD: u32 = 8;

/// Whether a renderer can draw by the compute path, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComputeSupport {
    /// 64-bit atomic max of depth and draw order: two passes.
    Atomic64,
    /// 32-bit atomics: three passes.
    Atomic32,
    /// Not on this device, and why.
    Unavailable(String),
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(super) struct RangeUniform {
    pub(super) first: u32,
    pub(super) count: u32,
    pub(super) padding: [u32; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(super) struct TargetUniform {
    pub(super) size: [u32; 2],
    /// Eye-dome lighting's strength in the resolve; 0 is off.
    pub(super) edl: f32,
    pub(super) padding: u32,
}

/// One compute pass: its pipelines (one-pixel points, larger ones) and the per-pixel buffers it
/// binds, by binding number.
#[derive(Debug)]
pub(super) struct Stage {
    pub(super) entry: &'static str,
    pub(super) pipeline_layout: wgpu::PipelineLayout,
    pub(super) layout: wgpu::BindGroupLayout,
    /// (binding, buffer) in `shaders/raster.wgsl`'s group 1.
    pub(super) bindings: &'static [(u32, PixelBuffer)],
}

/// The per-pixel buffers of a raster target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PixelBuffer {
    Keys,
    Depth,
    Index,
    Colors,
}

const WIDE_STAGES: [(&str, &[(u32, PixelBuffer)]); 2] = [
    ("depth64_pass", &[(1, PixelBuffer::Keys)]),
    (
        "color64_pass",
        &[(2, PixelBuffer::Keys), (7, PixelBuffer::Colors)],
    ),
];

const NARROW_STAGES: [(&str, &[(u32, PixelBuffer)]); 3] = [
    (
        "depth32_pass",
        &[(3, PixelBuffer::Depth), (4, PixelBuffer::Index)],
    ),
    (
        "index32_pass",
        &[(5, PixelBuffer::Depth), (4, PixelBuffer::Index)],
    ),
    (
        "color32_pass",
        &[
            (5, PixelBuffer::Depth),
            (6, PixelBuffer::Index),
            (7, PixelBuffer::Colors),
        ],
    ),
];

/// Which bindings of group 1 are written (and so bound read-write).
fn writable(binding: u32) -> bool {
    matches!(binding, 1 | 3 | 4 | 7)
}

/// The compute path's pipelines for one target format.
#[derive(Debug)]
pub(crate) struct ComputeRaster {
    pub(super) device: wgpu::Device,
    pub(super) module: wgpu::ShaderModule,
    pub(super) depth_test: bool,
    pub(super) wide: bool,
    /// Group 0: one view of a cloud, its [`FrameUniform`](crate::gpu::params) at a dynamic
    /// offset of the frame's uniform buffer.
    pub(crate) view_layout: wgpu::BindGroupLayout,
    /// Group 2: one binding range of a cloud's vertices (its range uniform and storage).
    pub(super) range_layout: wgpu::BindGroupLayout,
    /// The passes over the points; the last writes colours.
    pub(super) stages: Vec<Stage>,
    /// The colour pass over pixels (with the last stage's bindings).
    pub(super) color_pixels: &'static str,
    /// Pipelines by record layout, stage (`stages.len()` for the colour pass over pixels) and
    /// whether points are splatted, made with the renderer (the default layout) or with a
    /// layout's first draw.
    pub(super) pipelines: Mutex<HashMap<(GpuLayout, usize, bool), wgpu::ComputePipeline>>,
    pub(super) resolve: wgpu::RenderPipeline,
    pub(super) resolve_layout: wgpu::BindGroupLayout,
    pub(super) max_groups: u32,
}

impl ComputeRaster {
    /// The pipelines, or why this device cannot have them.
    pub fn new(
        device: &wgpu::Device,
        target: TargetFormat,
        atomics: AtomicWidth,
    ) -> Result<ComputeRaster, String> {
        let limits = device.limits();
        if limits.max_compute_workgroups_per_dimension == 0
            || limits.max_compute_invocations_per_workgroup < WORKGROUP
            || limits.max_compute_workgroup_size_x < WORKGROUP
        {
            return Err("the device has no compute shaders".into());
        }
        if limits.max_storage_buffers_per_shader_stage < 4 {
            return Err(format!(
                "the device binds {} storage buffers per shader stage; the compute path needs 4",
                limits.max_storage_buffers_per_shader_stage
            ));
        }
        let wide = atomics == AtomicWidth::Widest
            && device.features().contains(
                wgpu::Features::SHADER_INT64 | wgpu::Features::SHADER_INT64_ATOMIC_MIN_MAX,
            );
        catch_errors(device, || Self::build(device, target, wide, &limits))
            .map_err(|e| format!("the compute rasteriser's pipelines failed: {e}"))
    }

    fn build(
        device: &wgpu::Device,
        target: TargetFormat,
        wide: bool,
        limits: &wgpu::Limits,
    ) -> ComputeRaster {
        let source = if wide { RASTER64_SOURCE } else { RASTER_SOURCE };
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("vertexview raster.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let compute = wgpu::ShaderStages::COMPUTE;
        let view_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview raster view"),
            entries: &[view_entry(compute)],
        });
        let range_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview raster range"),
            entries: &[
                uniform_entry(0, compute, std::mem::size_of::<RangeUniform>() as u64),
                storage_entry(1, compute, true),
            ],
        });
        let stage_list: &[(&str, &'static [(u32, PixelBuffer)])] =
            if wide { &WIDE_STAGES } else { &NARROW_STAGES };
        let stages: Vec<Stage> = stage_list
            .iter()
            .map(|&(entry, bindings)| {
                let mut entries = vec![uniform_entry(
                    0,
                    compute,
                    std::mem::size_of::<TargetUniform>() as u64,
                )];
                entries.extend(
                    bindings
                        .iter()
                        .map(|&(b, _)| storage_entry(b, compute, !writable(b))),
                );
                let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some(entry),
                    entries: &entries,
                });
                let pipeline_layout =
                    device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                        label: Some(entry),
                        bind_group_layouts: &[
                            Some(&view_layout),
                            Some(&layout),
                            Some(&range_layout),
                        ],
                        immediate_size: 0,
                    });
                Stage {
                    entry,
                    pipeline_layout,
                    layout,
                    bindings,
                }
            })
            .collect();

        let fragment = wgpu::ShaderStages::FRAGMENT;
        let resolve_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("vertexview resolve"),
            entries: &[
                uniform_entry(0, fragment, std::mem::size_of::<TargetUniform>() as u64),
                storage_entry(1, fragment, true),
                storage_entry(2, fragment, true),
            ],
        });
        let resolve_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("vertexview resolve.wgsl"),
            source: wgpu::ShaderSource::Wgsl(RESOLVE_SOURCE.into()),
        });
        let resolve_pipeline_layout =
            device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("vertexview resolve"),
                bind_group_layouts: &[Some(&resolve_layout)],
                immediate_size: 0,
            });
        let constants = [
            ("DEPTH_WORDS", if wide { 2.0 } else { 1.0 }),
            ("SRGB_TARGET", f64::from(u8::from(target.color.is_srgb()))),
        ];
        let resolve = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("vertexview resolve"),
            layout: Some(&resolve_pipeline_layout),
            vertex: wgpu::VertexState {
                module: &resolve_module,
                entry_point: Some("vs_resolve"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: Default::default(),
            depth_stencil: depth_state(target),
            multisample: wgpu::MultisampleState {
                count: target.sample_count,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &resolve_module,
                entry_point: Some(if target.depth.is_some() {
                    "fs_resolve"
                } else {
                    "fs_resolve_color"
                }),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    ..Default::default()
                },
                targets: &[Some(wgpu::ColorTargetState {
                    format: target.color,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        let raster = ComputeRaster {
            device: device.clone(),
            module: module.clone(),
            depth_test: target.depth.is_some(),
            wide,
            view_layout,
            range_layout,
            stages,
            color_pixels: if wide {
                "color64_pixels"
            } else {
                "color32_pixels"
            },
            pipelines: Mutex::default(),
            resolve,
            resolve_layout,
            max_groups: limits.max_compute_workgroups_per_dimension,
        };
        // The default layout's pipelines now, inside the caller's error scope: a device that
        // cannot build them says so here, not at the first frame.
        for (stage, splat) in raster.pipeline_keys() {
            let pipeline = raster.make_pipeline(GpuLayout::DEFAULT, stage, splat);
            raster
                .lock()
                .insert((GpuLayout::DEFAULT, stage, splat), pipeline);
        }
        raster
    }

    /// Every (stage, splat) a layout needs: each pass over the points for one-pixel points and
    /// for splats, and the colour pass over pixels (`stages.len()`).
    fn pipeline_keys(&self) -> impl Iterator<Item = (usize, bool)> {
        let points = (0..self.stages.len()).flat_map(|stage| [(stage, false), (stage, true)]);
        points.chain([(self.stages.len(), false)])
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(GpuLayout, usize, bool), wgpu::ComputePipeline>> {
        self.pipelines
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Makes (once) the pipelines that rasterize records of `layout`, inside error scopes.
    pub fn prepare_layout(&self, layout: GpuLayout) -> Result<(), GpuError> {
        if self.lock().contains_key(&(layout, 0, false)) {
            return Ok(());
        }
        let made = catch_errors(&self.device, || {
            self.pipeline_keys()
                .map(|(stage, splat)| {
                    (
                        (layout, stage, splat),
                        self.make_pipeline(layout, stage, splat),
                    )
                })
                .collect::<Vec<_>>()
        })?;
        self.lock().extend(made);
        Ok(())
    }

    /// The pipeline of `stage` (`stages.len()`: the colour pass over pixels) for records of
    /// `layout`, one-pixel points or splats, if [`prepare_layout`](Self::prepare_layout) made it.
    pub(super) fn pipeline(
        &self,
        layout: GpuLayout,
        stage: usize,
        splat: bool,
    ) -> Option<wgpu::ComputePipeline> {
        self.lock().get(&(layout, stage, splat)).cloned()
    }

    fn make_pipeline(&self, layout: GpuLayout, stage: usize, splat: bool) -> wgpu::ComputePipeline {
        let (entry, pipeline_layout) = match self.stages.get(stage) {
            Some(s) => (s.entry, &s.pipeline_layout),
            None => {
                let last = &self.stages[self.stages.len() - 1];
                (self.color_pixels, &last.pipeline_layout)
            }
        };
        let mut constants = vec![
            ("DEPTH_TEST", f64::from(u8::from(self.depth_test))),
            ("SPLAT", f64::from(u8::from(splat))),
        ];
        constants.extend(raster_constants(layout));
        self.device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: Some(pipeline_layout),
                module: &self.module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    ..Default::default()
                },
                cache: None,
            })
    }

    pub fn support(&self) -> ComputeSupport {
        if self.wide {
            ComputeSupport::Atomic64
        } else {
            ComputeSupport::Atomic32
        }
    }
}

/// The view uniform's entry (binding 0 of group 0) in both paths' layouts: a [`FrameUniform`]
/// per view of a cloud, at a dynamic offset into the frame's one uniform buffer.
///
/// [`FrameUniform`]: crate::gpu::params
pub(crate) fn view_entry(visibility: wgpu::ShaderStages) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding: 0,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: true,
            min_binding_size: wgpu::BufferSize::new(FRAME_UNIFORM_SIZE),
        },
        count: None,
    }
}

pub(super) fn uniform_entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    size: u64,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: false,
            min_binding_size: wgpu::BufferSize::new(size),
        },
        count: None,
    }
}

pub(super) fn storage_entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    read_only: bool,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}
