//! Pixel tests on a real adapter (Mesa's lavapipe in CI): exact in clip space, golden images for
//! the fit camera.

mod common;

use common::*;
use glam::{Mat4, Vec3};
use vertexview::camera::CameraMode;
use vertexview::gpu::{
    ColorMap, ColorMode, FrameParams, PointCloud, PointFrame, PointRenderer, PointShape, Ramp,
    RampAxis, Raster, RasterTarget, RenderSettings, TargetFormat, VertexBuffers,
};
use vertexview::write::gen::{self, Shape};
use vertexview::{Vertex, VertexFile, VertexSource};

const W: u32 = 64;
const H: u32 = 48;
const BG: [u8; 3] = [10, 20, 30];

fn ndc_params(point_size: f32, shape: PointShape) -> FrameParams {
    FrameParams {
        view_proj: Mat4::IDENTITY,
        viewport: [W, H],
        point_size,
        shape,
        color_mode: ColorMode::File,
        ..Default::default()
    }
}

fn at_pixel(px: u32, py: u32, z: f32, color: [u16; 3]) -> Vertex {
    let (x, y) = pixel_center(px, py, W, H);
    Vertex::new(Vec3::new(x, y, z), color)
}

#[test]
fn ndc_points_land_on_their_pixels_with_exact_colours() {
    let gpu = gpu();
    let colours: [[u16; 3]; 6] = [
        [65535, 0, 0],
        [0, 65535, 0],
        [0, 0, 65535],
        [32768, 257, 12345],
        [1, 65534, 40000],
        [65535, 65535, 65535],
    ];
    let pixels = [
        (0, 0),
        (W - 1, 0),
        (0, H - 1),
        (W - 1, H - 1),
        (17, 9),
        (40, 31),
    ];
    let mut vertices: Vec<Vertex> = pixels
        .iter()
        .zip(colours)
        .map(|(&(px, py), c)| at_pixel(px, py, 0.5, c))
        .collect();
    // Outside the clip volume: never drawn.
    vertices.push(Vertex::new(Vec3::new(1.5, 0.0, 0.5), [65535, 65535, 0]));
    vertices.push(Vertex::new(Vec3::new(0.0, -1.2, 0.5), [65535, 65535, 0]));
    vertices.push(Vertex::new(Vec3::new(0.1, 0.1, 1.5), [65535, 65535, 0]));
    vertices.push(Vertex::new(Vec3::new(0.1, 0.1, -0.5), [65535, 65535, 0]));
    vertices.push(Vertex::new(
        Vec3::new(f32::NAN, 0.1, 0.5),
        [65535, 65535, 0],
    ));
    let image = render(
        &gpu,
        &upload(&gpu, &vertices),
        &ndc_params(1.0, PointShape::Square),
        BG,
    );

    for (&(px, py), c) in pixels.iter().zip(colours) {
        assert_close(
            image.pixel(px, py).unwrap(),
            c.map(expected_byte),
            &format!("pixel ({px}, {py})"),
        );
    }
    let mut lit = lit_pixels(&image, BG);
    lit.sort();
    let mut want = pixels.to_vec();
    want.sort();
    assert_eq!(lit, want, "exactly the six points, one pixel each");
    assert_eq!(
        image.pixel(5, 5).unwrap(),
        [10, 20, 30, 255],
        "background as given"
    );
}

#[test]
fn the_nearer_point_wins_whatever_the_order() {
    let gpu = gpu();
    let near = [65535, 0, 0];
    let far = [0, 0, 65535];
    let vertices = [
        at_pixel(5, 5, 0.8, far),
        at_pixel(5, 5, 0.2, near),
        at_pixel(9, 5, 0.2, near),
        at_pixel(9, 5, 0.8, far),
    ];
    for size in [1.0, 3.0] {
        let image = render(
            &gpu,
            &upload(&gpu, &vertices),
            &ndc_params(size, PointShape::Square),
            BG,
        );
        assert_close(image.pixel(5, 5).unwrap(), [255, 0, 0], "far drawn first");
        assert_close(image.pixel(9, 5).unwrap(), [255, 0, 0], "near drawn first");
    }
}

#[test]
fn large_points_are_squares_and_discs_of_that_many_pixels() {
    let gpu = gpu();
    let white = [65535; 3];
    let vertices = upload(&gpu, &[at_pixel(20, 20, 0.5, white)]);
    for (size, shape, count) in [
        (1.0, PointShape::Square, 1),
        (3.0, PointShape::Square, 9),
        (4.0, PointShape::Square, 16),
        (7.0, PointShape::Square, 49),
        (5.0, PointShape::Round, 21),
        (3.0, PointShape::Round, 9),
    ] {
        let image = render(&gpu, &vertices, &ndc_params(size, shape), BG);
        let lit = lit_pixels(&image, BG);
        assert_eq!(lit.len(), count, "size {size} {shape:?}");
        for &(x, y) in &lit {
            assert_eq!(image.pixel(x, y).unwrap(), [255, 255, 255, 255]);
            let reach = (size / 2.0).ceil() as u32;
            assert!(
                x.abs_diff(20) <= reach && y.abs_diff(20) <= reach,
                "size {size}: ({x}, {y})"
            );
        }
        if size as u32 % 2 == 1 {
            let half = size as u32 / 2;
            assert!(
                lit.contains(&(20 - half, 20 - half)) && lit.contains(&(20 + half, 20 + half))
                    || shape == PointShape::Round
            );
        }
    }
}

#[test]
fn a_file_split_across_buffers_draws_every_vertex() {
    let gpu = gpu();
    let vertices: Vec<Vertex> = (0..10)
        .map(|i| at_pixel(3 + 5 * i, 10 + i, 0.5, [65535, 6553 * i as u16, 0]))
        .collect();
    // Three vertices per buffer: four buffers, the last holding one.
    let split = VertexBuffers::upload_with_limit(&gpu.device, &vertices, 3 * 20 + 7).unwrap();
    assert_eq!(
        split.buffers().map(|(_, n)| n).collect::<Vec<_>>(),
        [3, 3, 3, 1]
    );
    assert_eq!(split.vertex_count(), 10);
    for (buffer, n) in split.buffers() {
        assert_eq!(buffer.size(), u64::from(n) * 20);
    }
    let image = render(&gpu, &split, &ndc_params(1.0, PointShape::Square), BG);
    assert_eq!(lit_pixels(&image, BG).len(), 10);
    for (i, v) in vertices.iter().enumerate() {
        let (px, py) = (3 + 5 * i as u32, 10 + i as u32);
        assert_close(
            image.pixel(px, py).unwrap(),
            v.color.map(expected_byte),
            &format!("vertex {i}"),
        );
    }
    assert!(VertexBuffers::upload_with_limit(&gpu.device, &vertices, 19).is_err());
}

#[test]
fn update_rewrites_buffers_in_place_when_the_sizes_match() {
    let gpu = gpu();
    let red: Vec<Vertex> = (0..10)
        .map(|i| at_pixel(2 + 3 * i, 4, 0.5, [65535, 0, 0]))
        .collect();
    let blue: Vec<Vertex> = (0..10)
        .map(|i| at_pixel(2 + 3 * i, 9, 0.5, [0, 0, 65535]))
        .collect();
    // The default device (whose buffers the CPU maps where the adapter is a CPU or integrated
    // one with MAPPABLE_PRIMARY_BUFFERS), then one forced to stage every upload and update
    // through wgpu's copies, as a discrete GPU does.
    let plain = plain_gpu();
    assert!(!plain
        .device
        .features()
        .contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS));
    for gpu in [&gpu, &plain] {
        let (device, queue) = (&gpu.device, &gpu.queue);
        let mapped = device
            .features()
            .contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS);
        let buffers = VertexBuffers::upload_with_limit(device, &red, 4 * 20).unwrap();
        let (first, _) = buffers.buffers().next().unwrap();
        assert_eq!(
            first.usage().contains(wgpu::BufferUsages::MAP_WRITE),
            mapped
        );
        assert!(buffers.update(device, queue, &blue).unwrap());
        assert!(
            !buffers.update(device, queue, &blue[..9]).unwrap(),
            "another count needs a new upload"
        );
        let mut target = vertexview::gpu::OffscreenTarget::new(device, [W, H]).unwrap();
        let renderer = PointRenderer::new(device, vertexview::gpu::OFFSCREEN_TARGET).unwrap();
        for raster in [Raster::Pipeline, Raster::Compute] {
            let params = FrameParams {
                raster,
                ..ndc_params(1.0, PointShape::Square)
            };
            let image = target
                .render_vertices(device, queue, &renderer, &buffers, &params, BG)
                .unwrap();
            let lit = lit_pixels(&image, BG);
            assert_eq!(lit.len(), 10, "mapped: {mapped}, {raster:?}");
            assert!(
                lit.iter()
                    .all(|&(x, y)| y == 9 && image.pixel(x, y).unwrap() == [0, 0, 255, 255]),
                "{lit:?}"
            );
        }
    }
}

#[test]
fn an_unpadded_last_vertex_is_drawn_with_its_colour() {
    let gpu = gpu();
    let vertices = [
        at_pixel(1, 1, 0.5, [100, 200, 300]),
        at_pixel(30, 20, 0.5, [65535, 32768, 4096]),
    ];
    let bytes: &[u8] = bytemuck::cast_slice(&vertices);
    let file = VertexFile::from_bytes(&bytes[..38]).unwrap();
    assert!(file.unpadded_last());
    let buffers = upload(&gpu, file.vertices());
    let image = render(&gpu, &buffers, &ndc_params(1.0, PointShape::Square), BG);
    assert_close(
        image.pixel(30, 20).unwrap(),
        [255, 128, 16],
        "unpadded last vertex",
    );
    assert_eq!(lit_pixels(&image, BG).len(), 2);
}

/// Draws `vertices` (clip space) by `raster` with a renderer built for `target` into the caller's
/// own attachments: colour (multisampled and resolved when the target says so) and, if the target
/// has one, depth cleared to `depth_clear`. Reads the single-sampled result back.
fn render_into_callers_pass(
    target: TargetFormat,
    depth_clear: f32,
    vertices: &[Vertex],
    raster: Raster,
) -> vertexview::gpu::image::RgbaImage {
    let gpu = gpu();
    let device = &gpu.device;
    let texture = |format, samples, usage| {
        device.create_texture(&wgpu::TextureDescriptor {
            label: None,
            size: wgpu::Extent3d {
                width: W,
                height: H,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: samples,
            dimension: wgpu::TextureDimension::D2,
            format,
            usage,
            view_formats: &[],
        })
    };
    let attachment = wgpu::TextureUsages::RENDER_ATTACHMENT;
    let resolved = texture(target.color, 1, attachment | wgpu::TextureUsages::COPY_SRC);
    let resolve_view = resolved.create_view(&Default::default());
    let multisampled = (target.sample_count > 1).then(|| {
        texture(target.color, target.sample_count, attachment).create_view(&Default::default())
    });
    let depth = target.depth.map(|format| {
        texture(format, target.sample_count, attachment).create_view(&Default::default())
    });

    let renderer = PointRenderer::new(device, target).unwrap();
    eprintln!("support {:?}", renderer.compute_support());
    let mut raster_target = RasterTarget::new(device, &renderer, [W, H]).unwrap();
    let vertices = upload(&gpu, vertices);
    let cloud = PointCloud::new(device, &renderer, &vertices).unwrap();
    let params = FrameParams {
        raster,
        ..ndc_params(1.0, PointShape::Square)
    };
    let mut frame = PointFrame::new(&renderer, [W, H]);
    assert_eq!(
        frame.add(&cloud, &params),
        match raster {
            Raster::Compute => vertexview::gpu::RasterPath::Compute,
            _ => vertexview::gpu::RasterPath::Pipeline,
        }
    );
    let mut encoder = device.create_command_encoder(&Default::default());
    let frame = frame
        .prepare(device, &mut encoder, Some(&mut raster_target))
        .unwrap();
    {
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: None,
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: multisampled.as_ref().unwrap_or(&resolve_view),
                depth_slice: None,
                resolve_target: multisampled.as_ref().map(|_| &resolve_view),
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: depth.as_ref().map(|view| {
                wgpu::RenderPassDepthStencilAttachment {
                    view,
                    depth_ops: Some(wgpu::Operations {
                        load: wgpu::LoadOp::Clear(depth_clear),
                        store: wgpu::StoreOp::Discard,
                    }),
                    stencil_ops: None,
                }
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        frame.paint(&mut pass);
    }
    gpu.queue.submit([encoder.finish()]);
    let image = vertexview::gpu::read_rgba8(device, &gpu.queue, &resolved).unwrap();
    assert!(gpu.take_error().is_none());
    image
}

#[test]
fn draws_into_the_callers_msaa_pass_against_its_depth_buffer() {
    // The caller's choices: 4x MSAA, and its own depth format cleared to 0.4 as if a wall stood there.
    let target = TargetFormat {
        color: wgpu::TextureFormat::Rgba8Unorm,
        depth: Some(wgpu::TextureFormat::Depth24Plus),
        sample_count: 4,
    };
    let vertices = [
        at_pixel(3, 3, 0.2, [65535, 0, 0]),
        at_pixel(6, 3, 0.6, [0, 65535, 0]),
    ];
    for raster in [Raster::Pipeline, Raster::Compute] {
        let image = render_into_callers_pass(target, 0.4, &vertices, raster);
        assert_close(
            image.pixel(3, 3).unwrap(),
            [255, 0, 0],
            &format!("{raster:?}: in front of the caller's depth"),
        );
        assert_eq!(
            image.pixel(6, 3).unwrap(),
            [0, 0, 0, 255],
            "{raster:?}: behind the caller's depth"
        );
        assert_eq!(lit_pixels(&image, [0, 0, 0]), [(3, 3)], "{raster:?}");
    }
}

#[test]
fn an_srgb_target_without_depth_still_stores_the_file_values() {
    let target = TargetFormat {
        color: wgpu::TextureFormat::Rgba8UnormSrgb,
        depth: None,
        sample_count: 1,
    };
    let colours = [[32768, 16384, 65535], [1000, 50000, 20000], [0, 0, 65535]];
    // Without a depth test the last point drawn on a pixel stays, by either path.
    let vertices = [
        at_pixel(2, 2, 0.5, colours[0]),
        at_pixel(9, 7, 0.1, [65535, 0, 0]),
        at_pixel(9, 7, 0.5, colours[1]),
        at_pixel(12, 7, 0.9, colours[2]),
    ];
    let pipeline = render_into_callers_pass(target, 1.0, &vertices, Raster::Pipeline);
    let compute = render_into_callers_pass(target, 1.0, &vertices, Raster::Compute);
    assert_same_pixels(&pipeline, &compute, "compute");
    // The shaders undo the encoding the target applies, so bytes are value · 255 / 65535.
    for (x, y, c) in [(2, 2, colours[0]), (9, 7, colours[1]), (12, 7, colours[2])] {
        assert_close(
            pipeline.pixel(x, y).unwrap(),
            c.map(expected_byte),
            "sRGB target",
        );
    }
    assert_eq!(lit_pixels(&pipeline, [0, 0, 0]).len(), 3);
}

#[test]
fn an_srgb_target_with_depth_gives_the_same_pixels_by_both_paths() {
    let target = TargetFormat {
        color: wgpu::TextureFormat::Bgra8UnormSrgb,
        depth: Some(wgpu::TextureFormat::Depth32Float),
        sample_count: 1,
    };
    let vertices: Vec<Vertex> = (0..200u32)
        .map(|i| {
            at_pixel(
                i % 40,
                i / 40 * 3,
                (i % 7) as f32 / 8.0,
                [(i * 331) as u16, (i * 97) as u16, (65535 - i * 200) as u16],
            )
        })
        .collect();
    let pipeline = render_into_callers_pass(target, 1.0, &vertices, Raster::Pipeline);
    let compute = render_into_callers_pass(target, 1.0, &vertices, Raster::Compute);
    assert_same_pixels(&pipeline, &compute, "compute on Bgra8UnormSrgb");
    assert_eq!(lit_pixels(&pipeline, [0, 0, 0]).len(), 200);
}

/// A ramp over x draws, at points whose x falls on the colormap's stops, exactly the colours of
/// the published table there (to the 8-bit unit), by every path, for every map; beyond the range
/// the end colours; whatever the file's colours.
#[test]
fn ramps_draw_the_colormaps_tables() {
    let gpu = gpu();
    // One point a pixel along row 5, x from pixel 0 to 63; the ramp puts stop k (of 64) at
    // pixel k, so the range runs from pixel 0's x to pixel 63's.
    let vertices: Vec<Vertex> = (0..W).map(|px| at_pixel(px, 5, 0.5, [9; 3])).collect();
    let (x0, _) = pixel_center(0, 5, W, H);
    let (x63, _) = pixel_center(63, 5, W, H);
    let buffers = upload(&gpu, &vertices);
    for map in ColorMap::ALL {
        let params = FrameParams {
            color_mode: ColorMode::Ramp(Ramp {
                axis: RampAxis::X,
                min: x0,
                max: x63,
                map,
            }),
            ..ndc_params(1.0, PointShape::Square)
        };
        let image = render(&gpu, &buffers, &params, BG);
        for px in 0..W {
            let want = map.color(f64::from(px) / 63.0);
            let got = image.pixel(px, 5).unwrap();
            assert!(
                (0..3).all(|c| got[c].abs_diff(want[c]) <= 1),
                "{map} at stop {px}: {got:?}, the table says {want:?}"
            );
        }
    }
    // Outside the range: the end colours.
    let narrow = FrameParams {
        color_mode: ColorMode::Ramp(Ramp {
            axis: RampAxis::X,
            min: pixel_center(10, 5, W, H).0,
            max: pixel_center(20, 5, W, H).0,
            map: ColorMap::Viridis,
        }),
        ..ndc_params(1.0, PointShape::Square)
    };
    let image = render(&gpu, &buffers, &narrow, BG);
    let [r, g, b] = ColorMap::Viridis.color(0.0);
    assert_eq!(image.pixel(3, 5).unwrap(), [r, g, b, 255]);
    let [r, g, b] = ColorMap::Viridis.color(1.0);
    assert_eq!(image.pixel(40, 5).unwrap(), [r, g, b, 255]);
}

/// `render --color x` takes the 2nd to 98th percentile of x by default: both ends of the map are
/// drawn, the lowest and the highest points in the end colours.
#[test]
fn the_default_range_reaches_both_ends_of_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wave.bin");
    let mut out = std::fs::File::create(&file).unwrap();
    gen::write(&mut out, Shape::Wave, 50_000, 1, true).unwrap();
    drop(out);
    let png = dir.path().join("x.png");
    let done = headless::run(&[
        "render",
        &headless::s(&file),
        "-o",
        &headless::s(&png),
        "--color",
        "x",
        "--colormap",
        "plasma",
        "--size",
        "320x240",
    ]);
    assert!(done.status.success(), "{}", headless::stderr(&done));
    let image = vertexview::gpu::image::RgbaImage::read_png(&png).unwrap();
    let count = |want: [u8; 3]| {
        image
            .pixels()
            .chunks_exact(4)
            .filter(|p| (0..3).all(|c| p[c].abs_diff(want[c]) <= 1))
            .count()
    };
    let (first, last) = (ColorMap::Plasma.color(0.0), ColorMap::Plasma.color(1.0));
    assert!(
        count(first) > 100,
        "{} pixels of plasma's first colour",
        count(first)
    );
    assert!(
        count(last) > 100,
        "{} pixels of plasma's last colour",
        count(last)
    );
}

/// Renders a shape by every path, asserting they agree pixel for pixel, and returns the picture.
fn render_shape(shape: Shape, settings: RenderSettings) -> vertexview::gpu::image::RgbaImage {
    let vertices = gen::generate(shape, 20_000, 1);
    let source = VertexSource::from_file(VertexFile::from_vertices(shape.name(), vertices));
    let gpu = gpu();
    let by = |raster| render_source(&gpu, &source, &RenderSettings { raster, ..settings });
    let pipeline = by(Raster::Pipeline);
    assert_same_pixels(&pipeline, &by(Raster::Compute), "compute");
    assert_same_pixels(&pipeline, &by(Raster::Auto), "auto");
    pipeline
}

#[test]
fn fit_camera_matches_the_golden_images() {
    let base = RenderSettings {
        size: [256, 192],
        background: [16, 16, 20],
        ..RenderSettings::default()
    };
    check_golden("helix", &render_shape(Shape::Helix, base), 0.02);
    check_golden("cube", &render_shape(Shape::Cube, base), 0.02);
    check_golden(
        "torus-top-round",
        &render_shape(
            Shape::Torus,
            RenderSettings {
                camera: CameraMode::Fit {
                    yaw: 0.0,
                    pitch: 60.0,
                },
                point_size: 3.0,
                shape: PointShape::Round,
                ..base
            },
        ),
        0.02,
    );
}

#[test]
fn fit_camera_centres_degenerate_data() {
    let settings = RenderSettings {
        size: [33, 33],
        ..RenderSettings::default()
    };
    for p in [
        Vec3::ZERO,
        Vec3::new(1e30, 1e30, -1e30),
        Vec3::new(-3.0, 4.0, 5.0),
    ] {
        let image = render_vertices(vec![Vertex::new(p, [65535, 0, 0]); 3], &settings);
        assert_eq!(lit_pixels(&image, [0, 0, 0]), [(16, 16)], "{p}");
    }
    let spread = vec![
        Vertex::new(Vec3::splat(-1e30), [65535; 3]),
        Vertex::new(Vec3::splat(1e30), [65535; 3]),
        Vertex::new(Vec3::splat(f32::NAN), [65535; 3]),
    ];
    let image = render_vertices(spread, &settings);
    assert_eq!(
        lit_pixels(&image, [0, 0, 0]).len(),
        2,
        "both extremes in view, NaN not drawn"
    );
}

/// Eye-dome lighting darkens a far surface where a nearer one's silhouette stands beside it,
/// and leaves the far surface away from it, the near one's interior and its edge alone (their
/// neighbours are no nearer); nothing goes dark or lights up that was not. By both paths, which
/// shade alike (the compute path in its resolve, the pipeline in a pass over the depth buffer).
#[test]
fn eye_dome_lighting_darkens_beside_silhouettes_only() {
    let white = [65535; 3];
    let mut vertices = Vec::new();
    for py in 10..40 {
        for px in 10..50 {
            vertices.push(at_pixel(px, py, 0.8, white));
        }
    }
    for py in 20..30 {
        for px in 25..35 {
            vertices.push(at_pixel(px, py, 0.2, white));
        }
    }
    let source = VertexSource::from_file(VertexFile::from_vertices("steps", vertices));
    let gpu = gpu();
    let settings = |edl, raster| RenderSettings {
        size: [W, H],
        camera: CameraMode::Ndc,
        background: BG,
        raster,
        edl,
        ..RenderSettings::default()
    };
    let plain = render_source(&gpu, &source, &settings(0.0, Raster::Compute));
    let shaded = render_source(&gpu, &source, &settings(1.0, Raster::Compute));
    let by_pipeline = render_source(&gpu, &source, &settings(1.0, Raster::Pipeline));
    assert_eq!(lit_pixels(&plain, BG), lit_pixels(&shaded, BG));
    assert_eq!(lit_pixels(&shaded, BG), lit_pixels(&by_pipeline, BG));
    for (x, y) in lit_pixels(&shaded, BG) {
        let (a, b) = (
            shaded.pixel(x, y).unwrap(),
            by_pipeline.pixel(x, y).unwrap(),
        );
        assert!(
            (0..3).all(|c| a[c].abs_diff(b[c]) <= 1),
            "({x}, {y}): compute {a:?}, pipeline {b:?}"
        );
    }
    let darkened = |image: &vertexview::gpu::image::RgbaImage| {
        lit_pixels(image, BG)
            .into_iter()
            .filter(|&(x, y)| image.pixel(x, y).unwrap()[0] < 250)
            .count()
    };
    assert!(darkened(&by_pipeline) > 20, "{}", darkened(&by_pipeline));
    let value = |image: &vertexview::gpu::image::RgbaImage, x, y| image.pixel(x, y).unwrap()[0];
    // Beside the near square's left and top edges, and at its corner: darkened.
    for (x, y) in [(24, 25), (30, 19), (24, 19), (35, 25)] {
        assert_eq!(value(&plain, x, y), 255);
        assert!(
            value(&shaded, x, y) < 128,
            "({x}, {y}): {}",
            value(&shaded, x, y)
        );
    }
    // Away from it, inside it, on its edge: as they were.
    for (x, y) in [(12, 12), (45, 35), (30, 25), (25, 25), (34, 29)] {
        assert_eq!(value(&shaded, x, y), 255, "({x}, {y})");
    }
}
