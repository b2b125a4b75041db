//! The compute rasteriser against the pipeline: the same pixels on clip-space scenes and random
//! fit-camera scenes, ties decided by file order, split bindings, many clouds in one pass,
//! progressive accumulation, and adapters that cannot run it.

mod common;

use common::*;
use glam::{Mat4, Vec3};
use vertexview::camera::CameraMode;
use vertexview::gpu::image::RgbaImage;
use vertexview::gpu::{
    AtomicWidth, ColorMode, ComputeSupport, FilePosition, FrameParams, GpuError, OffscreenTarget,
    PointCloud, PointFrame, PointRenderer, PointShape, Raster, RasterPath, RasterTarget, Subsample,
    VertexBuffers, OFFSCREEN_TARGET,
};
use vertexview::write::gen::{self, Shape};
use vertexview::{Vertex, VertexStats};

const W: u32 = 64;
const H: u32 = 48;
const BG: [u8; 3] = [0, 0, 0];

fn ndc(size: f32, shape: PointShape) -> FrameParams {
    FrameParams {
        viewport: [W, H],
        point_size: size,
        shape,
        ..Default::default()
    }
}

fn at(px: u32, py: u32, z: f32, color: [u16; 3]) -> Vertex {
    let (x, y) = pixel_center(px, py, W, H);
    Vertex::new(Vec3::new(x, y, z), color)
}

#[test]
fn the_compute_paths_are_what_the_adapter_reports() {
    assert_compute_support(&gpu());
    // Without the optional features asked for, 32-bit atomics whatever the adapter has.
    let plain = PointRenderer::new(&plain_gpu().device, OFFSCREEN_TARGET).unwrap();
    assert_eq!(plain.compute_support(), ComputeSupport::Atomic32);
}

#[test]
fn equal_depths_go_to_the_earlier_vertex_as_the_pipeline_draws_them() {
    let gpu = gpu();
    let colours = [
        [65535, 0, 0],
        [0, 65535, 0],
        [0, 0, 65535],
        [65535, 65535, 0],
    ];
    // Four points on each of several pixels at one depth, and a nearer one that comes last.
    let mut vertices = Vec::new();
    for px in 0..10 {
        for c in colours {
            vertices.push(at(px * 3, 7, 0.5, c));
        }
    }
    vertices.push(at(9, 7, 0.25, [7, 7, 7]));
    for size in [1.0, 2.0, 3.0] {
        let image = render(
            &gpu,
            &upload(&gpu, &vertices),
            &ndc(size, PointShape::Square),
            BG,
        );
        assert_eq!(image.pixel(0, 7).unwrap(), [255, 0, 0, 255], "size {size}");
        assert_eq!(image.pixel(27, 7).unwrap(), [255, 0, 0, 255], "size {size}");
        assert_eq!(
            image.pixel(9, 7).unwrap(),
            [0, 0, 0, 255],
            "the nearer, last one"
        );
    }
}

#[test]
fn clipping_and_non_finite_positions_are_dropped_alike() {
    let gpu = gpu();
    let mut vertices = vec![at(5, 5, 0.0, [65535; 3]), at(6, 5, 1.0, [65535; 3])];
    for p in [
        Vec3::new(1.0001, 0.0, 0.5),
        Vec3::new(-1.0, 0.0, 0.5),
        Vec3::new(0.0, 1.0, 0.5),
        Vec3::new(0.2, 0.2, -1e-7),
        Vec3::new(0.2, 0.2, 1.0000001),
        Vec3::new(f32::NAN, 0.0, 0.5),
        Vec3::new(0.0, f32::INFINITY, 0.5),
        Vec3::new(f32::NEG_INFINITY, f32::NAN, 0.5),
        Vec3::new(-0.0, -0.0, -0.0),
    ] {
        vertices.push(Vertex::new(p, [65535, 0, 65535]));
    }
    for size in [1.0, 4.0] {
        render(
            &gpu,
            &upload(&gpu, &vertices),
            &ndc(size, PointShape::Round),
            BG,
        );
    }
}

/// Renders by every path and returns (pipeline picture, lit pixels, pixels that differ).
fn compare_paths(
    gpu: &vertexview::gpu::GpuContext,
    vertices: &[Vertex],
    params: &FrameParams,
) -> Vec<(String, usize, usize)> {
    let buffers = upload(gpu, vertices);
    let images: Vec<(&str, RgbaImage)> = PATHS
        .iter()
        .map(|&(raster, atomics, name)| {
            (name, render_by(gpu, &buffers, params, BG, raster, atomics))
        })
        .collect();
    let pipeline = &images[0].1;
    let lit = lit_pixels(pipeline, BG).len();
    images[1..]
        .iter()
        .map(|(name, image)| {
            let differ = pipeline
                .pixels()
                .chunks_exact(4)
                .zip(image.pixels().chunks_exact(4))
                .filter(|(a, b)| a != b)
                .count();
            (name.to_string(), lit, differ)
        })
        .collect()
}

#[test]
fn random_fit_camera_scenes_agree_with_the_pipeline() {
    let gpu = gpu();
    let mut seed = 1u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f32 / (1u64 << 31) as f32
    };
    for (i, shape) in Shape::ALL.into_iter().enumerate() {
        let vertices = gen::generate(shape, 30_000, i as u64);
        let stats = VertexStats::of(&vertices);
        let size = [1.0, 1.0, 2.0, 3.0, 5.0, 8.0][i];
        let camera = CameraMode::Fit {
            yaw: next() * 360.0,
            pitch: next() * 160.0 - 80.0,
        };
        let params = FrameParams {
            view_proj: camera.view_proj(stats.bounds, 160.0 / 120.0),
            viewport: [160, 120],
            point_size: size,
            shape: if i % 2 == 0 {
                PointShape::Round
            } else {
                PointShape::Square
            },
            color_mode: if i == 3 {
                ColorMode::height(-1.0, 1.0)
            } else {
                ColorMode::File
            },
            ..Default::default()
        };
        for (name, lit, differ) in compare_paths(&gpu, &vertices, &params) {
            assert!(lit > 1000, "{shape}: {lit} pixels lit");
            // The documented bound is 1 % of lit pixels; on lavapipe the paths agree exactly.
            assert!(
                differ * 100 <= lit,
                "{shape} {name}: {differ} of {lit} lit pixels differ"
            );
            assert_eq!(
                differ, 0,
                "{shape} {name}: {differ} of {lit} lit pixels differ"
            );
        }
    }
}

#[test]
fn bindings_split_at_a_small_limit_draw_the_same_picture() {
    let gpu = gpu();
    let vertices: Vec<Vertex> = (0..997u32)
        .map(|i| {
            at(
                i % W,
                (i / W) % H,
                (i % 13) as f32 / 16.0,
                [(i * 67) as u16, 0, 65535],
            )
        })
        .collect();
    // Buffers of 100 vertices, bindings of at most 24 (the alignment allows multiples of 8).
    let buffers = VertexBuffers::upload_with_limit(&gpu.device, &vertices, 100 * 20).unwrap();
    for atomics in [AtomicWidth::Widest, AtomicWidth::Bits32] {
        let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
        let whole = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
        let split =
            PointCloud::with_binding_limit(&gpu.device, &renderer, &buffers, 24 * 20 + 19).unwrap();
        let alignment = gpu.device.limits().min_storage_buffer_offset_alignment as usize;
        let unit = lcm(20, alignment) / 20;
        let per = 24 / unit * unit;
        assert_eq!(whole.binding_ranges().len(), 10);
        assert!(split.binding_ranges().iter().all(|&n| n as usize <= per));
        assert_eq!(split.binding_ranges().iter().sum::<u32>(), 997);
        assert!(split.binding_ranges().len() > 40);
        let mut images = Vec::new();
        for cloud in [whole, split] {
            for size in [1.0, 3.0] {
                let params = FrameParams {
                    raster: Raster::Compute,
                    ..ndc(size, PointShape::Square)
                };
                let mut target = OffscreenTarget::new(&gpu.device, [W, H]).unwrap();
                images.push(
                    target
                        .render(&gpu.device, &gpu.queue, &renderer, &[(&cloud, params)], BG)
                        .unwrap(),
                );
            }
        }
        assert_same_pixels(&images[0], &images[2], "split, size 1");
        assert_same_pixels(&images[1], &images[3], "split, size 3");
        let pipeline = render_by(
            &gpu,
            &buffers,
            &ndc(1.0, PointShape::Square),
            BG,
            Raster::Pipeline,
            atomics,
        );
        assert_same_pixels(&pipeline, &images[2], "split against the pipeline");
    }
}

fn lcm(a: usize, b: usize) -> usize {
    (1..=b).map(|k| a * k).find(|m| m % b == 0).unwrap()
}

#[test]
fn a_dispatch_past_65535_workgroups_reaches_every_vertex() {
    let gpu = gpu();
    // 65535 workgroups of 64 threads hold 4 194 240 vertices; the last ones need a second row.
    let count = 4_200_000;
    let mut vertices = vec![at(1, 1, 0.9, [0, 0, 65535]); count];
    vertices[count - 1] = at(40, 30, 0.5, [65535, 0, 0]);
    vertices[count - 2] = at(1, 1, 0.1, [0, 65535, 0]);
    let buffers = upload(&gpu, &vertices);
    for (raster, atomics, name) in PATHS {
        let image = render_by(
            &gpu,
            &buffers,
            &ndc(1.0, PointShape::Square),
            BG,
            raster,
            atomics,
        );
        assert_eq!(image.pixel(40, 30).unwrap(), [255, 0, 0, 255], "{name}");
        assert_eq!(image.pixel(1, 1).unwrap(), [0, 255, 0, 255], "{name}");
    }
}

/// Draws `clouds` (vertices and transform each) into one pass with one renderer, each cloud by
/// its own path, and reads the picture back.
fn draw_clouds(
    gpu: &vertexview::gpu::GpuContext,
    clouds: &[(&[Vertex], Mat4, Raster, f32)],
    atomics: AtomicWidth,
) -> RgbaImage {
    let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
    let buffers: Vec<VertexBuffers> = clouds.iter().map(|(v, ..)| upload(gpu, v)).collect();
    let made: Vec<PointCloud> = buffers
        .iter()
        .map(|b| PointCloud::new(&gpu.device, &renderer, b).unwrap())
        .collect();
    let views: Vec<(&PointCloud, FrameParams)> = made
        .iter()
        .zip(clouds)
        .map(|(cloud, &(_, transform, raster, size))| {
            let params = FrameParams {
                view_proj: transform,
                raster,
                ..ndc(size, PointShape::Square)
            };
            (cloud, params)
        })
        .collect();
    let mut target = OffscreenTarget::new(&gpu.device, [W, H]).unwrap();
    let image = target
        .render(&gpu.device, &gpu.queue, &renderer, &views, BG)
        .unwrap();
    assert!(gpu.take_error().is_none());
    image
}

#[test]
fn many_clouds_with_their_own_transforms_share_one_pass() {
    let gpu = gpu();
    // Cloud A: a row at depth 0.5. Cloud B: the same row, moved by its transform two pixels
    // right and nearer (z 0.3) for its first half, farther (0.7) for its second.
    let a: Vec<Vertex> = (10..30).map(|px| at(px, 10, 0.5, [65535, 0, 0])).collect();
    let b: Vec<Vertex> = (10..30)
        .map(|px| at(px, 10, if px < 20 { 0.3 } else { 0.7 }, [0, 0, 65535]))
        .collect();
    let shift = Mat4::from_translation(Vec3::new(4.0 / W as f32, 0.0, 0.0));
    // And a tie: cloud C puts a green point exactly where A has one, at A's depth.
    let c = vec![at(25, 10, 0.5, [0, 65535, 0])];
    for atomics in [AtomicWidth::Widest, AtomicWidth::Bits32] {
        let mut pictures = Vec::new();
        for rasters in [
            [Raster::Pipeline; 3],
            [Raster::Compute; 3],
            [Raster::Compute, Raster::Pipeline, Raster::Compute],
            [Raster::Pipeline, Raster::Compute, Raster::Pipeline],
        ] {
            let image = draw_clouds(
                &gpu,
                &[
                    (&a, Mat4::IDENTITY, rasters[0], 1.0),
                    (&b, shift, rasters[1], 1.0),
                    (&c, Mat4::IDENTITY, rasters[2], 1.0),
                ],
                atomics,
            );
            let red = [255, 0, 0, 255];
            let blue = [0, 0, 255, 255];
            assert_eq!(image.pixel(10, 10).unwrap(), red, "{rasters:?}: A alone");
            assert_eq!(image.pixel(13, 10).unwrap(), blue, "{rasters:?}: B nearer");
            assert_eq!(
                image.pixel(25, 10).unwrap(),
                red,
                "{rasters:?}: B farther, and the tie with C goes to A, drawn first"
            );
            assert_eq!(image.pixel(31, 10).unwrap(), blue, "{rasters:?}: B alone");
            // The tie at (25, 10): A and C at 0.5, B behind at 0.7. By either path the cloud
            // drawn first keeps the pixel (pipeline-path clouds draw before the resolve).
            assert_eq!(lit_pixels(&image, BG).len(), 22, "{rasters:?}");
            pictures.push(image);
        }
        for p in &pictures[1..] {
            assert_same_pixels(&pictures[0], p, "mixed paths");
        }
    }
}

#[test]
fn subsample_phases_accumulate_to_the_whole_picture() {
    let gpu = gpu();
    let vertices = gen::generate(Shape::Galaxy, 20_000, 3);
    let stats = VertexStats::of(&vertices);
    let buffers = upload(&gpu, &vertices);
    let base = FrameParams {
        view_proj: CameraMode::default().view_proj(stats.bounds, 4.0 / 3.0),
        viewport: [W, H],
        raster: Raster::Compute,
        ..Default::default()
    };
    let whole = render_by(
        &gpu,
        &buffers,
        &base,
        BG,
        Raster::Compute,
        AtomicWidth::Widest,
    );
    for atomics in [AtomicWidth::Widest, AtomicWidth::Bits32] {
        let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
        let cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
        let mut raster = RasterTarget::new(&gpu.device, &renderer, [W, H]).unwrap();
        let color = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: None,
            size: wgpu::Extent3d {
                width: W,
                height: H,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let depth = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: None,
            size: wgpu::Extent3d {
                width: W,
                height: H,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Depth32Float,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            view_formats: &[],
        });
        let step = 7;
        // Each phase in its own submission, as the viewer draws one per frame, in a scrambled
        // order: the picture depends only on what has been drawn, not in which order.
        for (n, phase) in [3, 0, 6, 1, 5, 2, 4].into_iter().enumerate() {
            let mut frame = PointFrame::new(&renderer, [W, H]);
            frame.add(
                &cloud,
                &FrameParams {
                    subsample: Subsample { step, phase },
                    ..base
                },
            );
            if n > 0 {
                frame = frame.keep_raster();
            }
            let mut encoder = gpu.device.create_command_encoder(&Default::default());
            let frame = frame
                .prepare(&gpu.device, &mut encoder, Some(&mut raster))
                .unwrap();
            {
                let cv = color.create_view(&Default::default());
                let dv = depth.create_view(&Default::default());
                let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: None,
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &cv,
                        depth_slice: None,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                            store: wgpu::StoreOp::Store,
                        },
                    })],
                    depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                        view: &dv,
                        depth_ops: Some(wgpu::Operations {
                            load: wgpu::LoadOp::Clear(1.0),
                            store: wgpu::StoreOp::Discard,
                        }),
                        stencil_ops: None,
                    }),
                    timestamp_writes: None,
                    occlusion_query_set: None,
                    multiview_mask: None,
                });
                frame.paint(&mut pass);
            }
            gpu.queue.submit([encoder.finish()]);
        }
        let image = vertexview::gpu::read_rgba8(&gpu.device, &gpu.queue, &color).unwrap();
        assert!(lit_pixels(&image, BG).len() > 300);
        assert_same_pixels(&whole, &image, "seven phases");
    }
}

#[test]
fn auto_takes_compute_from_one_point_per_14_pixels_up_to_8_pixel_points() {
    let gpu = gpu();
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let path = |points: u32, viewport: [u32; 2], size: f32| {
        let vertices: Vec<Vertex> = (0..points).map(|i| at(i % W, 3, 0.5, [1; 3])).collect();
        let cloud = PointCloud::new(&gpu.device, &renderer, &upload(&gpu, &vertices)).unwrap();
        PointFrame::new(&renderer, viewport).add(
            &cloud,
            &FrameParams {
                raster: Raster::Auto,
                ..ndc(size, PointShape::Square)
            },
        )
    };
    // 64 × 48 = 3072 pixels: compute from 220 points (220 × 14 = 3080).
    assert_eq!(path(219, [W, H], 1.0), RasterPath::Pipeline);
    assert_eq!(path(220, [W, H], 1.0), RasterPath::Compute);
    assert_eq!(
        path(220, [W * 2, H], 1.0),
        RasterPath::Pipeline,
        "twice the pixels"
    );
    assert_eq!(path(439, [W * 2, H], 1.0), RasterPath::Compute);
    assert_eq!(path(5_000, [W, H], 8.0), RasterPath::Compute);
    assert_eq!(
        path(5_000, [W, H], 9.0),
        RasterPath::Pipeline,
        "past 8 pixels"
    );
}

#[test]
fn a_device_without_compute_falls_back_and_says_why() {
    let gpu = gpu();
    // A device with WebGL2's limits: no compute shaders, no storage buffers.
    let (device, queue) = pollster::block_on(gpu.adapter.request_device(&wgpu::DeviceDescriptor {
        required_limits: wgpu::Limits::downlevel_webgl2_defaults(),
        ..Default::default()
    }))
    .unwrap();
    let renderer = PointRenderer::new(&device, OFFSCREEN_TARGET).unwrap();
    let ComputeSupport::Unavailable(why) = renderer.compute_support() else {
        panic!("{:?}", renderer.compute_support());
    };
    assert_eq!(why, "the device has no compute shaders");
    let vertices: Vec<Vertex> = (0..100_000)
        .map(|i| at(i % W, 3, 0.5, [65535, 0, 0]))
        .collect();
    // Buffers without STORAGE usage where the device has no storage buffers at all.
    let buffers = VertexBuffers::upload(&device, &vertices).unwrap();
    let mut target = OffscreenTarget::new(&device, [W, H]).unwrap();
    let auto = target
        .render_vertices(
            &device,
            &queue,
            &renderer,
            &buffers,
            &ndc(1.0, PointShape::Square),
            BG,
        )
        .unwrap();
    assert_eq!(lit_pixels(&auto, BG).len(), W as usize);
    let cloud = PointCloud::new(&device, &renderer, &buffers).unwrap();
    let path = PointFrame::new(&renderer, [W, H]).add(
        &cloud,
        &FrameParams {
            raster: Raster::Compute,
            ..ndc(1.0, PointShape::Square)
        },
    );
    assert_eq!(path, RasterPath::Pipeline);
    let error = target
        .render_vertices(
            &device,
            &queue,
            &renderer,
            &buffers,
            &FrameParams {
                raster: Raster::Compute,
                ..ndc(1.0, PointShape::Square)
            },
            BG,
        )
        .unwrap_err();
    assert!(matches!(error, GpuError::ComputeUnavailable(_)));
    assert_eq!(
        error.to_string(),
        "the compute rasteriser cannot run here: the device has no compute shaders; use --raster pipeline (or auto)"
    );
}

/// An engine on wgpu's default error handler (which panics on any uncaptured error) learns of a
/// device's refusal from the constructors, as a value, and frames never create anything.
#[test]
fn what_a_device_rejects_is_an_error_at_creation_not_a_panic_in_a_frame() {
    let gpu = gpu();
    // No handler installed: as an engine's own device.
    let (device, queue) =
        pollster::block_on(gpu.adapter.request_device(&Default::default())).unwrap();
    // Three samples: no device accepts that sample count.
    let bad = vertexview::gpu::TargetFormat {
        sample_count: 3,
        ..OFFSCREEN_TARGET
    };
    let error = PointRenderer::new(&device, bad).unwrap_err();
    assert!(matches!(error, GpuError::Validation(_)), "{error}");

    // A good renderer makes a layout's pipelines with its first draw; frames only record.
    let renderer = PointRenderer::new(&device, OFFSCREEN_TARGET).unwrap();
    let (x, y) = pixel_center(10, 10, W, H);
    let records: Vec<u8> = [x, y, 0.5]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .chain([255, 0, 0, 255])
        .collect();
    let layout = vertexview::format::Layout::parse("pos:3f col:4B")
        .unwrap()
        .gpu()
        .unwrap();
    let buffers = VertexBuffers::upload_records(&device, &records, layout, u64::MAX).unwrap();
    let mut target = OffscreenTarget::new(&device, [W, H]).unwrap();
    for raster in [Raster::Pipeline, Raster::Compute] {
        let params = FrameParams {
            raster,
            ..ndc(1.0, PointShape::Square)
        };
        let image = target
            .render_vertices(&device, &queue, &renderer, &buffers, &params, BG)
            .unwrap();
        assert_eq!(image.pixel(10, 10).unwrap(), [255, 0, 0, 255], "{raster:?}");
        assert_eq!(lit_pixels(&image, BG).len(), 1);
    }
}

/// Draw orders are file indices, also past 2³²: a piece placed there reads back its own
/// indices, not them modulo 2³², and ties still go to the earlier vertex.
#[test]
fn orders_past_two_to_the_32_read_back_as_the_file_index() {
    let gpu = gpu();
    let first = (1u64 << 32) + 7;
    let vertices = [
        at(5, 5, 0.5, [65535, 0, 0]),
        at(5, 5, 0.5, [0, 65535, 0]),
        at(9, 6, 0.25, [0, 0, 65535]),
    ];
    let buffers = upload(&gpu, &vertices);
    for atomics in [AtomicWidth::Widest, AtomicWidth::Bits32] {
        let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
        let mut cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
        cloud.set_file_position(first, 1);
        let mut frame = PointFrame::new(&renderer, [W, H]);
        frame.add(
            &cloud,
            &FrameParams {
                raster: Raster::Compute,
                ..ndc(1.0, PointShape::Square)
            },
        );
        let mut raster = RasterTarget::new(&gpu.device, &renderer, [W, H]).unwrap();
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        frame
            .prepare(&gpu.device, &mut encoder, Some(&mut raster))
            .unwrap();
        gpu.queue.submit([encoder.finish()]);
        let orders = raster
            .read_orders(&gpu.device, &gpu.queue, [5, 5], [5, 2])
            .unwrap();
        assert_eq!(
            orders[0],
            Some(first),
            "{atomics:?}: the earlier of two at one depth"
        );
        assert_eq!(orders[5 + 4], Some(first + 2), "{atomics:?}");
        assert_eq!(orders.iter().flatten().count(), 2);
        assert_eq!(raster.order_span(), Some((first, 2)));
    }
}

/// One cloud, several views in one frame and one submission, each with its own transform and
/// point size, by both paths: the picture of two separate clouds drawn the same way.
#[test]
fn several_views_of_one_cloud_in_one_frame() {
    let gpu = gpu();
    let vertices = [
        at(10, 10, 0.5, [65535, 0, 0]),
        at(20, 12, 0.25, [0, 65535, 0]),
    ];
    let buffers = upload(&gpu, &vertices);
    // The second view moves the cloud 16 pixels right.
    let shift = Mat4::from_translation(Vec3::new(32.0 / W as f32, 0.0, 0.0));
    for (raster, atomics, name) in PATHS {
        let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
        let cloud = PointCloud::new(&gpu.device, &renderer, &buffers).unwrap();
        let first = FrameParams {
            raster,
            ..ndc(1.0, PointShape::Square)
        };
        let second = FrameParams {
            view_proj: shift,
            point_size: 3.0,
            ..first
        };
        let mut target = OffscreenTarget::new(&gpu.device, [W, H]).unwrap();
        let image = target
            .render(
                &gpu.device,
                &gpu.queue,
                &renderer,
                &[(&cloud, first), (&cloud, second)],
                BG,
            )
            .unwrap();
        let expected = draw_clouds(
            &gpu,
            &[
                (&vertices, Mat4::IDENTITY, raster, 1.0),
                (&vertices, shift, raster, 3.0),
            ],
            atomics,
        );
        assert_same_pixels(&expected, &image, name);
        assert_eq!(image.pixel(10, 10).unwrap(), [255, 0, 0, 255], "{name}");
        assert_eq!(
            image.pixel(26, 10).unwrap(),
            [255, 0, 0, 255],
            "{name}: shifted"
        );
        assert_eq!(
            image.pixel(27, 11).unwrap(),
            [255, 0, 0, 255],
            "{name}: size 3"
        );
        assert_eq!(image.pixel(36, 12).unwrap(), [0, 255, 0, 255], "{name}");
        assert_eq!(lit_pixels(&image, BG).len(), 1 + 1 + 9 + 9, "{name}");
    }
}

/// A frame whose clouds take the compute path is refused, with both sizes named, when its raster
/// target has another size than its viewport or there is none; a frame of pipeline clouds needs
/// none.
#[test]
fn a_raster_target_of_another_size_is_refused() {
    let gpu = gpu();
    let renderer = PointRenderer::new(&gpu.device, OFFSCREEN_TARGET).unwrap();
    let cloud = PointCloud::new(
        &gpu.device,
        &renderer,
        &upload(&gpu, &[at(1, 1, 0.5, [1; 3])]),
    )
    .unwrap();
    let mut small = RasterTarget::new(&gpu.device, &renderer, [W / 2, H]).unwrap();
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    for raster in [Raster::Compute, Raster::Pipeline] {
        let mut frame = PointFrame::new(&renderer, [W, H]);
        frame.add(
            &cloud,
            &FrameParams {
                raster,
                ..ndc(1.0, PointShape::Square)
            },
        );
        let Err(error) = frame.prepare(&gpu.device, &mut encoder, Some(&mut small)) else {
            panic!("{raster:?}: a raster target of 32 × 48 for a frame of 64 × 48");
        };
        assert_eq!(
            error.to_string(),
            "the frame is 64x48 pixels but its raster target is 32x48"
        );
    }
    let mut frame = PointFrame::new(&renderer, [W, H]);
    frame.add(
        &cloud,
        &FrameParams {
            raster: Raster::Compute,
            ..ndc(1.0, PointShape::Square)
        },
    );
    let error = frame
        .prepare(&gpu.device, &mut encoder, None)
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "the frame draws by the compute path but was given no raster target"
    );
    let mut frame = PointFrame::new(&renderer, [W, H]);
    frame.add(
        &cloud,
        &FrameParams {
            raster: Raster::Pipeline,
            ..ndc(1.0, PointShape::Square)
        },
    );
    assert!(frame.prepare(&gpu.device, &mut encoder, None).is_ok());
}

/// A sample read in runs (the viewer's first picture) carries its file indices as draw orders:
/// drawn with the whole file it changes nothing, and drawn alone it is the picture of its runs
/// as separate pieces. Flat, overlapping points make ties at equal depth everywhere, which
/// orders decide.
#[test]
fn a_sample_in_runs_keeps_its_file_order() {
    let gpu = gpu();
    let mut seed = 12345u32;
    let mut next = move || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        seed >> 8
    };
    let file: Vec<Vertex> = (0..2000)
        .map(|_| {
            let (x, y) = pixel_center(next() % W, next() % H, W, H);
            let c = [next() as u16, next() as u16, next() as u16];
            Vertex::new(Vec3::new(x, y, 0.5), c)
        })
        .collect();
    let (run, gap) = (3usize, 10usize);
    let runs: Vec<&[Vertex]> = file.chunks(gap).map(|c| &c[..run.min(c.len())]).collect();
    let sample: Vec<Vertex> = runs.concat();
    let params = FrameParams {
        raster: Raster::Compute,
        ..ndc(5.0, PointShape::Square)
    };
    for atomics in [AtomicWidth::Widest, AtomicWidth::Bits32] {
        let renderer = PointRenderer::with_atomics(&gpu.device, OFFSCREEN_TARGET, atomics).unwrap();
        let cloud = |vertices: &[Vertex], position: FilePosition| {
            let mut cloud =
                PointCloud::new(&gpu.device, &renderer, &upload(&gpu, vertices)).unwrap();
            cloud.set_file_runs(position);
            cloud
        };
        let whole = cloud(&file, FilePosition::strided(0, 1));
        let sampled = cloud(&sample, FilePosition::runs(0, run as u32, gap as u64));
        let pieces: Vec<PointCloud> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| cloud(r, FilePosition::strided((i * gap) as u64, 1)))
            .collect();
        let draw = |views: &[&PointCloud]| {
            let views: Vec<(&PointCloud, FrameParams)> =
                views.iter().map(|c| (*c, params)).collect();
            let mut target = OffscreenTarget::new(&gpu.device, [W, H]).unwrap();
            target
                .render(&gpu.device, &gpu.queue, &renderer, &views, BG)
                .unwrap()
        };
        let reference = draw(&[&whole]);
        assert!(lit_pixels(&reference, BG).len() > 1500);
        assert_same_pixels(
            &reference,
            &draw(&[&sampled, &whole]),
            &format!("{atomics:?}: the sample drawn first, then the file"),
        );
        let separately: Vec<&PointCloud> = pieces.iter().collect();
        assert_same_pixels(
            &draw(&separately),
            &draw(&[&sampled]),
            &format!("{atomics:?}: the sample alone"),
        );
        assert_eq!(
            FilePosition::runs(0, run as u32, gap as u64).index_of(7),
            21,
            "run 2, vertex 1"
        );
    }
}
