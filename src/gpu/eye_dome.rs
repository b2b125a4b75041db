//! [`EyeDome`]: eye-dome lighting as a pass of its own over a depth texture, for pictures the
//! fixed-function pipeline drew (the compute path shades in its resolve). It multiplies the
//! colour target by each pixel's shade, computed as the resolve computes it from the same NDC
//! depths, so the two paths light a picture alike and an engine's depth buffer is left as it is.

use bytemuck::{Pod, Zeroable};

use super::context::catch_errors;
use super::error::GpuError;
use super::shaders::EYE_DOME_SOURCE;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct EyeDomeUniform {
    size: [u32; 2],
    strength: f32,
    padding: u32,
}

/// Eye-dome lighting for one colour format: a pipeline that darkens a colour target by a depth
/// texture (`Depth32Float`, made with `TEXTURE_BINDING` usage) of the same size.
#[derive(Debug)]
pub struct EyeDome {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
}

impl EyeDome {
    /// The pass for colour targets of `format`, made inside an error scope.
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Result<EyeDome, GpuError> {
        catch_errors(device, || {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("vertexview eye_dome.wgsl"),
                source: wgpu::ShaderSource::Wgsl(EYE_DOME_SOURCE.into()),
            });
            let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("vertexview eye dome"),
                entries: &[
                    wgpu::BindGroupLayoutEntry {
                        binding: 0,
                        visibility: wgpu::ShaderStages::FRAGMENT,
                        ty: wgpu::BindingType::Buffer {
                            ty: wgpu::BufferBindingType::Uniform,
                            has_dynamic_offset: false,
                            min_binding_size: None,
                        },
                        count: None,
                    },
                    wgpu::BindGroupLayoutEntry {
                        binding: 1,
                        visibility: wgpu::ShaderStages::FRAGMENT,
                        ty: wgpu::BindingType::Texture {
                            sample_type: wgpu::TextureSampleType::Float { filterable: false },
                            view_dimension: wgpu::TextureViewDimension::D2,
                            multisampled: false,
                        },
                        count: None,
                    },
                ],
            });
            let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("vertexview eye dome"),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
            // Destination times source: the colour times the shade; alpha kept.
            let multiply = wgpu::BlendState {
                color: wgpu::BlendComponent {
                    src_factor: wgpu::BlendFactor::Zero,
                    dst_factor: wgpu::BlendFactor::Src,
                    operation: wgpu::BlendOperation::Add,
                },
                alpha: wgpu::BlendComponent {
                    src_factor: wgpu::BlendFactor::Zero,
                    dst_factor: wgpu::BlendFactor::One,
                    operation: wgpu::BlendOperation::Add,
                },
            };
            let srgb = [("SRGB_TARGET", f64::from(u8::from(format.is_srgb())))];
            let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("vertexview eye dome"),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some("vs_eye_dome"),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                primitive: wgpu::PrimitiveState::default(),
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some("fs_eye_dome"),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &srgb,
                        ..Default::default()
                    },
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: Some(multiply),
                        write_mask: wgpu::ColorWrites::COLOR,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            });
            EyeDome { pipeline, layout }
        })
    }

    /// Records a pass that darkens `color` by the depths in `depth` (of `size` pixels) with
    /// `strength` (0 records nothing): after the points are drawn, outside any other pass.
    pub fn apply(
        &self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        color: &wgpu::TextureView,
        depth: &wgpu::TextureView,
        size: [u32; 2],
        strength: f32,
    ) {
        if !(strength > 0.0 && strength.is_finite()) {
            return;
        }
        let uniform = EyeDomeUniform {
            size,
            strength,
            padding: 0,
        };
        let buffer = wgpu::util::DeviceExt::create_buffer_init(
            device,
            &wgpu::util::BufferInitDescriptor {
                label: Some("vertexview eye dome"),
                contents: bytemuck::bytes_of(&uniform),
                usage: wgpu::BufferUsages::UNIFORM,
            },
        );
        let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("vertexview eye dome"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: buffer.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(depth),
                },
            ],
        });
        let mut pass = overlay_pass(encoder, color, "vertexview eye dome");
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.draw(0..3, 0..1);
    }
}

/// A pass over `color` alone that keeps what it holds: for what is drawn over a finished
/// picture (eye-dome lighting, the viewer's panel).
pub(crate) fn overlay_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    color: &wgpu::TextureView,
    label: &str,
) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some(label),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: color,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Load,
                store: wgpu::StoreOp::Store,
            },
        })],
        ..Default::default()
    })
}
