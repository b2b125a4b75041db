//! Upload beside a memcpy of the same bytes, and frame time at 1920×1080 by both rasterisers
//! beside the plainest wgpu pipeline that draws the same points (`benches/plain.wgsl`: a point
//! list with a depth test, nothing else), so each path's cost shows as a ratio; and where the
//! compute path starts to win (`crossover`).
//!
//! `cargo bench --bench gpu`. Runs on whatever adapter wgpu picks (`WGPU_BACKEND` to choose); the
//! adapter is printed first.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use glam::Mat4;
use vertexview::camera::CameraMode;
use vertexview::gpu::{
    AtomicWidth, ColorMode, EyeDome, FrameParams, GpuContext, PointCloud, PointFrame,
    PointRenderer, PointShape, Raster, RasterTarget, VertexBuffers, COLOR_FORMAT, DEPTH_FORMAT,
    OFFSCREEN_TARGET, VERTEX_BUFFER_LAYOUT,
};
use vertexview::write::gen::{self, Shape};
use vertexview::{Vertex, VertexStats};

const SIZE: [u32; 2] = [1920, 1080];

fn upload(c: &mut Criterion) {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    eprintln!("adapter: {}", gpu.adapter_name());
    let vertices = gen::generate(Shape::Cube, 5_000_000, 1); // 100 MB
    let bytes: &[u8] = bytemuck::cast_slice(&vertices);
    let mut group = c.benchmark_group("upload 100 MB");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    let mut dst = vec![0u8; bytes.len()];
    group.bench_function("memcpy into memory in use (baseline)", |b| {
        b.iter(|| dst.copy_from_slice(black_box(bytes)))
    });
    group.bench_function("memcpy into new memory (baseline)", |b| {
        b.iter(|| {
            let mut fresh = Vec::with_capacity(bytes.len());
            fresh.extend_from_slice(black_box(bytes));
            fresh
        })
    });
    let existing = VertexBuffers::upload(&gpu.device, &vertices).unwrap();
    group.bench_function("VertexBuffers::update (same size, in place)", |b| {
        b.iter(|| {
            assert!(existing
                .update(&gpu.device, &gpu.queue, black_box(&vertices))
                .unwrap());
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .unwrap();
        })
    });
    group.bench_function("VertexBuffers::upload (new buffers)", |b| {
        b.iter(|| {
            let buffers = VertexBuffers::upload(&gpu.device, black_box(&vertices)).unwrap();
            // Wait for any staging copy, so the time covers the whole upload.
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .unwrap();
            buffers
        })
    });
    group.finish();
}

struct Target {
    color: wgpu::TextureView,
    depth: wgpu::TextureView,
}

fn target(device: &wgpu::Device, size: [u32; 2]) -> Target {
    let texture = |format, label| {
        device
            .create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d {
                    width: size[0],
                    height: size[1],
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format,
                // Eye-dome lighting reads the depth.
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                    | wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            })
            .create_view(&Default::default())
    };
    Target {
        color: texture(COLOR_FORMAT, "bench colour"),
        depth: texture(DEPTH_FORMAT, "bench depth"),
    }
}

/// One frame: clear, record with `draw`, submit, wait for the GPU.
fn frame(gpu: &GpuContext, target: &Target, draw: impl FnOnce(&mut wgpu::RenderPass<'_>)) {
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    draw(&mut pass(&mut encoder, target));
    submit_and_wait(gpu, encoder);
}

fn pass<'e>(encoder: &'e mut wgpu::CommandEncoder, target: &Target) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: None,
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: &target.color,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                store: wgpu::StoreOp::Store,
            },
        })],
        depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
            view: &target.depth,
            depth_ops: Some(wgpu::Operations {
                load: wgpu::LoadOp::Clear(1.0),
                store: wgpu::StoreOp::Store,
            }),
            stencil_ops: None,
        }),
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}

fn submit_and_wait(gpu: &GpuContext, encoder: wgpu::CommandEncoder) {
    gpu.queue.submit([encoder.finish()]);
    gpu.device
        .poll(wgpu::PollType::wait_indefinitely())
        .unwrap();
}

/// The plainest pipeline: transform, colour, depth test.
struct Plain {
    pipeline: wgpu::RenderPipeline,
    bind_group: wgpu::BindGroup,
}

fn plain(device: &wgpu::Device, view_proj: Mat4) -> Plain {
    use wgpu::util::DeviceExt;
    let module = device.create_shader_module(wgpu::include_wgsl!("plain.wgsl"));
    let uniform = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: None,
        contents: bytemuck::cast_slice(&view_proj.to_cols_array()),
        usage: wgpu::BufferUsages::UNIFORM,
    });
    let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some("plain"),
        layout: None,
        vertex: wgpu::VertexState {
            module: &module,
            entry_point: Some("vs"),
            compilation_options: Default::default(),
            buffers: &[Some(VERTEX_BUFFER_LAYOUT)],
        },
        primitive: wgpu::PrimitiveState {
            topology: wgpu::PrimitiveTopology::PointList,
            ..Default::default()
        },
        depth_stencil: Some(wgpu::DepthStencilState {
            format: DEPTH_FORMAT,
            depth_write_enabled: Some(true),
            depth_compare: Some(wgpu::CompareFunction::Less),
            stencil: Default::default(),
            bias: Default::default(),
        }),
        multisample: Default::default(),
        fragment: Some(wgpu::FragmentState {
            module: &module,
            entry_point: Some("fs"),
            compilation_options: Default::default(),
            targets: &[Some(COLOR_FORMAT.into())],
        }),
        multiview_mask: None,
        cache: None,
    });
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: uniform.as_entire_binding(),
        }],
    });
    Plain {
        pipeline,
        bind_group,
    }
}

/// One frame of `cloud` by the path `params` asks for, as an engine draws it: prepared (the
/// compute path's passes, with the raster target cleared), painted in a cleared pass, waited for.
fn points_frame(
    gpu: &GpuContext,
    target: &Target,
    renderer: &PointRenderer,
    raster: &mut RasterTarget,
    cloud: &PointCloud,
    params: &FrameParams,
) {
    points_frame_lit(gpu, target, renderer, raster, cloud, params, None);
}

/// [`points_frame`], with the pipeline path's eye-dome lighting pass after it when given.
fn points_frame_lit(
    gpu: &GpuContext,
    target: &Target,
    renderer: &PointRenderer,
    raster: &mut RasterTarget,
    cloud: &PointCloud,
    params: &FrameParams,
    eye_dome: Option<&EyeDome>,
) {
    let mut frame = PointFrame::new(renderer, params.viewport);
    frame.add(cloud, params);
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    // Only the compute path needs (and clears) the raster target.
    let raster = frame.computes().then_some(raster);
    let prepared = frame.prepare(&gpu.device, &mut encoder, raster).unwrap();
    prepared.paint(&mut pass(&mut encoder, target));
    drop(prepared);
    if let Some(eye_dome) = eye_dome {
        eye_dome.apply(
            &gpu.device,
            &mut encoder,
            &target.color,
            &target.depth,
            params.viewport,
            1.0,
        );
    }
    submit_and_wait(gpu, encoder);
}

fn cube_cloud(gpu: &GpuContext, count: u64, size: [u32; 2]) -> (VertexBuffers, Mat4) {
    let vertices: Vec<Vertex> = gen::generate(Shape::Cube, count, 1);
    let stats = VertexStats::of(&vertices);
    let buffers = VertexBuffers::upload(&gpu.device, &vertices).unwrap();
    let aspect = size[0] as f32 / size[1] as f32;
    (
        buffers,
        CameraMode::default().view_proj(stats.bounds, aspect),
    )
}

fn params(view_proj: Mat4, viewport: [u32; 2], point_size: f32, raster: Raster) -> FrameParams {
    FrameParams {
        view_proj,
        viewport,
        point_size,
        shape: PointShape::Square,
        color_mode: ColorMode::File,
        raster,
        ..Default::default()
    }
}

/// The pipeline path, the compute path (64- and 32-bit atomics) and the plainest pipeline, at
/// 1 and 10 million points, sizes 1 and 3.
fn frames(c: &mut Criterion) {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let target = target(&gpu.device, SIZE);
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let narrow =
        PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, AtomicWidth::Bits32).unwrap();
    eprintln!("compute path: {:?}", renderer.compute_support());
    let mut raster = RasterTarget::new(&gpu.device, &renderer, SIZE).unwrap();
    let mut narrow_raster = RasterTarget::new(&gpu.device, &narrow, SIZE).unwrap();
    for (count, label) in [(1_000_000, "1M"), (10_000_000, "10M")] {
        let (buffers, view_proj) = cube_cloud(&gpu, count, SIZE);
        let plain = plain(&gpu.device, view_proj);
        let cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
        let narrow_cloud = PointCloud::new(&gpu.device, &narrow, &buffers).unwrap();

        let mut group = c.benchmark_group(format!("frame {label} points 1920x1080"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(count));
        group.bench_function("plain point-list pipeline (baseline)", |b| {
            b.iter(|| {
                frame(&gpu, &target, |pass| {
                    pass.set_pipeline(&plain.pipeline);
                    pass.set_bind_group(0, &plain.bind_group, &[]);
                    for (buffer, n) in buffers.buffers() {
                        pass.set_vertex_buffer(0, buffer.slice(..));
                        pass.draw(0..n, 0..1);
                    }
                })
            })
        });
        for size in [1.0, 3.0] {
            let pipeline = params(view_proj, SIZE, size, Raster::Pipeline);
            group.bench_function(format!("pipeline, point size {size}"), |b| {
                b.iter(|| points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &pipeline))
            });
            let compute = params(view_proj, SIZE, size, Raster::Compute);
            group.bench_function(format!("compute 64-bit, point size {size}"), |b| {
                b.iter(|| points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &compute))
            });
        }
        let compute = params(view_proj, SIZE, 1.0, Raster::Compute);
        group.bench_function("compute 32-bit, point size 1", |b| {
            b.iter(|| {
                points_frame(
                    &gpu,
                    &target,
                    &narrow,
                    &mut narrow_raster,
                    &narrow_cloud,
                    &compute,
                )
            })
        });
        group.finish();
    }
}

/// Where the compute path starts to win: both paths on small clouds at 1920×1080 and 1280×720,
/// points of 1 to 16 pixels. `Raster::Auto` takes compute from one point per
/// `AUTO_COMPUTE_PIXELS_PER_POINT` pixels, for points up to `MAX_COMPUTE_POINT_SIZE`.
fn crossover(c: &mut Criterion) {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let cases: [([u32; 2], &[u64], &[f32]); 2] = [
        (
            SIZE,
            &[3_000, 10_000, 30_000, 100_000, 200_000, 300_000],
            &[1.0, 4.0, 8.0, 16.0],
        ),
        ([1280, 720], &[30_000, 100_000, 200_000], &[1.0]),
    ];
    for (size, counts, point_sizes) in cases {
        let target = target(&gpu.device, size);
        let mut raster = RasterTarget::new(&gpu.device, &renderer, size).unwrap();
        let mut group = c.benchmark_group(format!("crossover {}x{}", size[0], size[1]));
        group.sample_size(20);
        for &count in counts {
            let (buffers, view_proj) = cube_cloud(&gpu, count, size);
            let cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
            for &point_size in point_sizes {
                let pipeline = params(view_proj, size, point_size, Raster::Pipeline);
                group.bench_function(format!("pipeline {count} size {point_size}"), |b| {
                    b.iter(|| {
                        points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &pipeline)
                    })
                });
                let compute = params(view_proj, size, point_size, Raster::Compute);
                group.bench_function(format!("compute {count} size {point_size}"), |b| {
                    b.iter(|| points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &compute))
                });
            }
        }
        group.finish();
    }
}

/// A frame coloured by a column costs what one with the file's colours does: 10 M points at
/// 1920×1080 by both paths, coloured by the file's colours (baseline), by x, and by a 16-bit
/// column read in place (the default record's padding, read as one).
fn column_frames(c: &mut Criterion) {
    use vertexview::format::{Code, ColumnKind, ColumnRead, GpuColumn};
    use vertexview::gpu::{ColorMap, ColumnColors, Ramp, RampAxis};
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let target = target(&gpu.device, SIZE);
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let mut raster = RasterTarget::new(&gpu.device, &renderer, SIZE).unwrap();
    let (buffers, view_proj) = cube_cloud(&gpu, 10_000_000, SIZE);
    let cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
    let column = ColorMode::Column(ColumnColors {
        read: ColumnRead {
            column: GpuColumn {
                code: Code::U16,
                offset: 18,
                vector: false,
            },
            base: 0.0,
            step: 1.0,
        },
        kind: ColumnKind::Scalar,
        min: 0.0,
        max: 1.0,
        map: ColorMap::Viridis,
    });
    let ramp = ColorMode::Ramp(Ramp {
        axis: RampAxis::X,
        min: -1.0,
        max: 1.0,
        map: ColorMap::Viridis,
    });
    let mut group = c.benchmark_group("frame 10M points 1920x1080 coloured");
    group.sample_size(10);
    for raster_kind in [Raster::Pipeline, Raster::Compute] {
        for (name, color_mode) in [
            ("file colours", ColorMode::File),
            ("x", ramp),
            ("a column", column),
        ] {
            let p = FrameParams {
                color_mode,
                ..params(view_proj, SIZE, 1.0, raster_kind)
            };
            group.bench_function(format!("{raster_kind:?}, {name}"), |b| {
                b.iter(|| points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &p))
            });
        }
    }
    // Eye-dome lighting: the compute path in its resolve, the pipeline's in a pass after.
    let eye_dome = EyeDome::new(&gpu.device, COLOR_FORMAT).unwrap();
    let p = params(view_proj, SIZE, 1.0, Raster::Compute);
    raster.set_edl(&gpu.queue, 1.0);
    group.bench_function("Compute, file colours, eye-dome lighting", |b| {
        b.iter(|| points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &p))
    });
    raster.set_edl(&gpu.queue, 0.0);
    let p = params(view_proj, SIZE, 1.0, Raster::Pipeline);
    group.bench_function("Pipeline, file colours, eye-dome lighting", |b| {
        b.iter(|| {
            points_frame_lit(
                &gpu,
                &target,
                &renderer,
                &mut raster,
                &cloud,
                &p,
                Some(&eye_dome),
            )
        })
    });
    // The pipeline's pass alone, over the depth of the frame just drawn.
    points_frame(&gpu, &target, &renderer, &mut raster, &cloud, &p);
    group.bench_function("the eye-dome lighting pass alone", |b| {
        b.iter(|| {
            let mut encoder = gpu.device.create_command_encoder(&Default::default());
            eye_dome.apply(
                &gpu.device,
                &mut encoder,
                &target.color,
                &target.depth,
                SIZE,
                1.0,
            );
            submit_and_wait(&gpu, encoder);
        })
    });
    group.finish();
}

criterion_group!(benches, upload, frames, crossover, column_frames);
criterion_main!(benches);
