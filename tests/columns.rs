//! Colouring by a column of the records (`--color FIELD`): read in place, carried in converted
//! records, classes, vectors, the index, and a real lidar file's intensity and classification.

mod common;

use common::*;
use glam::Mat4;
use vertexview::camera::CameraMode;
use vertexview::format::{Code, ColumnKind, ColumnRead, GpuColumn, Layout};
use vertexview::gpu::classes::class_color;
use vertexview::gpu::{
    ColorMap, ColorMode, ColumnColors, FrameParams, PointShape, Ramp, RampAxis, RenderSettings,
    VertexBuffers,
};
use vertexview::VertexSource;

const W: u32 = 64;
const H: u32 = 48;
const BG: [u8; 3] = [10, 20, 30];
const ROW: u32 = 5;

/// Records of `pos:3f t:1f intensity:1H class:1B _:1x`, one per pixel of row 5: pixel k has
/// t = 10 · k / 63, intensity = 1000 · (63 − k), class = k / 8.
const SPEC: &str = "pos:3f t:1f intensity:1H class:1B _:1x";

fn records(big_endian: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for k in 0..W {
        let (x, y) = pixel_center(k, ROW, W, H);
        let mut record = Vec::new();
        let mut put = |bytes: &[u8]| {
            let mut b = bytes.to_vec();
            if big_endian {
                b.reverse();
            }
            record.extend(b);
        };
        for v in [x, y, 0.5, 10.0 * k as f32 / 63.0] {
            put(&v.to_le_bytes());
        }
        put(&(1000 * (63 - k) as u16).to_le_bytes());
        record.push((k / 8) as u8);
        record.push(0);
        out.extend(record);
    }
    out
}

fn ndc(color_mode: ColorMode) -> FrameParams {
    FrameParams {
        view_proj: Mat4::IDENTITY,
        viewport: [W, H],
        point_size: 1.0,
        shape: PointShape::Square,
        color_mode,
        ..Default::default()
    }
}

fn scalar(code: Code, offset: u32, min: f32, max: f32) -> ColorMode {
    ColorMode::Column(ColumnColors {
        read: ColumnRead {
            column: GpuColumn {
                code,
                offset,
                vector: false,
            },
            base: 0.0,
            step: 1.0,
        },
        kind: ColumnKind::Scalar,
        min,
        max,
        map: ColorMap::Viridis,
    })
}

fn near(got: [u8; 4], want: [u8; 3], units: u8) -> bool {
    (0..3).all(|c| got[c].abs_diff(want[c]) <= units)
}

/// A float column and a 16-bit one, read where they lie in records uploaded once: the
/// colormap's table at every stop, by every path, the second column drawn from the same buffers
/// as the first, which still hold exactly the file's bytes (colouring by another column uploads
/// nothing).
#[test]
fn columns_read_in_place_draw_the_colormaps_table() {
    let gpu = gpu();
    let layout = Layout::parse(SPEC).unwrap().gpu().unwrap();
    let bytes = records(false);
    let buffers = VertexBuffers::upload_records(&gpu.device, &bytes, layout, u64::MAX).unwrap();
    let t = render(&gpu, &buffers, &ndc(scalar(Code::F32, 12, 0.0, 10.0)), BG);
    let intensity = render(
        &gpu,
        &buffers,
        &ndc(scalar(Code::U16, 16, 0.0, 63_000.0)),
        BG,
    );
    for k in 0..W {
        let at = f64::from(k) / 63.0;
        let (want_t, want_i) = (
            ColorMap::Viridis.color(at),
            ColorMap::Viridis.color(1.0 - at),
        );
        let (got_t, got_i) = (t.pixel(k, ROW).unwrap(), intensity.pixel(k, ROW).unwrap());
        assert!(near(got_t, want_t, 1), "t at {k}: {got_t:?} vs {want_t:?}");
        assert!(
            near(got_i, want_i, 1),
            "intensity at {k}: {got_i:?}, {want_i:?}"
        );
    }
    assert_eq!(lit_pixels(&t, BG).len(), W as usize);
    // Nothing was written for either column: the GPU holds the file's bytes, as uploaded.
    assert_eq!(read_back(&gpu, &buffers), bytes);
}

/// The bytes `buffers` hold on the GPU, piece after piece.
fn read_back(gpu: &vertexview::gpu::GpuContext, buffers: &VertexBuffers) -> Vec<u8> {
    let mut out = Vec::new();
    for (buffer, _) in buffers.buffers() {
        let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: buffer.size(),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, buffer.size());
        gpu.queue.submit([encoder.finish()]);
        staging
            .slice(..)
            .map_async(wgpu::MapMode::Read, |r| r.unwrap());
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .unwrap();
        out.extend_from_slice(&staging.slice(..).get_mapped_range().unwrap());
    }
    out
}

/// The source for records of `SPEC` (big-endian: converted on upload), coloured by `name`.
fn colored_by(big_endian: bool, name: &str, range: [f64; 2]) -> (VertexSource, ColumnColors) {
    let spec = if big_endian {
        format!(">{SPEC}")
    } else {
        SPEC.to_owned()
    };
    let layout = Layout::parse(&spec).unwrap();
    let mut source =
        VertexSource::from_memory_with("columns.bin", records(big_endian), layout, None).unwrap();
    let column = source.column(name).unwrap();
    let sample = source.column_sample(&column).unwrap();
    let read = source.column_read(&column, &sample, range);
    let colors = ColumnColors {
        read,
        kind: column.kind,
        min: range[0] as f32,
        max: range[1] as f32,
        map: ColorMap::Viridis,
    };
    (source, colors)
}

fn settings(color_mode: ColorMode) -> RenderSettings {
    RenderSettings {
        size: [W, H],
        camera: CameraMode::Ndc,
        color_mode,
        background: BG,
        ..Default::default()
    }
}

/// Records the GPU cannot read in place carry the column in the converted vertices: the same
/// picture as in place, to the 8-bit unit, for a float and a 16-bit integer; classes exactly.
#[test]
fn converted_records_carry_the_column() {
    let gpu = gpu();
    for (name, range) in [("t", [0.0, 10.0]), ("intensity", [0.0, 63_000.0])] {
        let (direct, colors) = colored_by(false, name, range);
        assert!(direct.is_direct(), "{name}");
        let want = render_source(&gpu, &direct, &settings(ColorMode::Column(colors)));
        let (converted, colors) = colored_by(true, name, range);
        assert!(!converted.is_direct(), "{name}");
        assert_eq!(colors.read.column.code, Code::F16);
        let got = render_source(&gpu, &converted, &settings(ColorMode::Column(colors)));
        for k in 0..W {
            let (a, b) = (want.pixel(k, ROW).unwrap(), got.pixel(k, ROW).unwrap());
            assert!(
                near(b, [a[0], a[1], a[2]], 1),
                "{name} at {k}: {b:?} vs {a:?}"
            );
        }
    }
    for big_endian in [false, true] {
        let (source, colors) = colored_by(big_endian, "class", [0.0, 1.0]);
        assert_eq!(colors.kind, ColumnKind::Classes);
        let image = render_source(&gpu, &source, &settings(ColorMode::Column(colors)));
        for k in 0..W {
            let want = class_color(k / 8).map(|v| (v * 255.0).round() as u8);
            assert_eq!(image.pixel(k, ROW).unwrap()[..3], want, "class at {k}");
        }
    }
}

/// A ramp over the index runs from the first vertex to the last, by both paths.
#[test]
fn a_ramp_over_the_index_follows_the_file_order() {
    let gpu = gpu();
    let layout = Layout::parse(SPEC).unwrap().gpu().unwrap();
    let buffers =
        VertexBuffers::upload_records(&gpu.device, &records(false), layout, u64::MAX).unwrap();
    let index = ColorMode::Ramp(Ramp {
        axis: RampAxis::Index,
        min: 0.0,
        max: 63.0,
        map: ColorMap::Magma,
    });
    let image = render(&gpu, &buffers, &ndc(index), BG);
    for k in 0..W {
        let want = ColorMap::Magma.color(f64::from(k) / 63.0);
        assert!(near(image.pixel(k, ROW).unwrap(), want, 1), "index {k}");
    }
}

/// A vector column (three floats) shows as red, green, blue over its range, in place and
/// converted alike.
#[test]
fn a_vector_column_shows_as_red_green_blue() {
    let gpu = gpu();
    let record = |k: u32, big: bool| -> Vec<u8> {
        let (x, y) = pixel_center(k, ROW, W, H);
        let n = [
            k as f32 / 63.0 * 2.0 - 1.0,
            1.0 - k as f32 / 63.0 * 2.0,
            0.0,
        ];
        [x, y, 0.5, n[0], n[1], n[2]]
            .iter()
            .flat_map(|v| {
                let mut b = v.to_le_bytes();
                if big {
                    b.reverse();
                }
                b
            })
            .collect()
    };
    for big in [false, true] {
        let spec = if big {
            ">pos:3f normal:3f"
        } else {
            "pos:3f normal:3f"
        };
        let bytes: Vec<u8> = (0..W).flat_map(|k| record(k, big)).collect();
        let mut source =
            VertexSource::from_memory_with("n.bin", bytes, Layout::parse(spec).unwrap(), None)
                .unwrap();
        let column = source.column("normal").unwrap();
        assert_eq!(column.kind, ColumnKind::Vector);
        let sample = source.column_sample(&column).unwrap();
        let read = source.column_read(&column, &sample, [-1.0, 1.0]);
        assert_eq!(source.is_direct(), !big);
        let colors = ColumnColors {
            read,
            kind: ColumnKind::Vector,
            min: -1.0,
            max: 1.0,
            map: ColorMap::Viridis,
        };
        let image = render_source(&gpu, &source, &settings(ColorMode::Column(colors)));
        for k in 0..W {
            let t = k as f32 / 63.0;
            let want = [t, 1.0 - t, 0.5].map(|v| (v * 255.0).round() as u8);
            let got = image.pixel(k, ROW).unwrap();
            assert!(near(got, want, 1), "big {big}, {k}: {got:?} vs {want:?}");
        }
    }
}

const TILE: &str = "tests/data/32-1-472-150-76.laz";

fn tile_colored_by(name: &str, map: ColorMap) -> (VertexSource, ColumnColors) {
    let (mut source, _) = vertexview::load::open::open(TILE.as_ref(), None).unwrap();
    let column = source.column(name).unwrap();
    let sample = source.column_sample(&column).unwrap();
    let [min, max] = sample.range.unwrap();
    let read = source.column_read(&column, &sample, [min, max]);
    let colors = ColumnColors {
        read,
        kind: column.kind,
        min: min as f32,
        max: max as f32,
        map,
    };
    (source, colors)
}

fn tile_settings(color_mode: ColorMode) -> RenderSettings {
    RenderSettings {
        size: [800, 200],
        camera: CameraMode::Fit {
            yaw: 0.0,
            pitch: 89.0,
        },
        color_mode,
        background: [0, 0, 0],
        up: vertexview::format::Up::Z,
        ..Default::default()
    }
}

/// A real lidar tile coloured by intensity: every lit pixel lies on the colormap's curve.
#[test]
fn a_real_scan_by_intensity_lies_on_the_colormap() {
    let gpu = gpu();
    let (source, colors) = tile_colored_by("intensity", ColorMap::Inferno);
    let image = render_source(&gpu, &source, &tile_settings(ColorMode::Column(colors)));
    let curve: Vec<[u8; 3]> = (0..=1024)
        .map(|i| ColorMap::Inferno.color(f64::from(i) / 1024.0))
        .collect();
    let lit = lit_pixels(&image, [0, 0, 0]);
    assert!(lit.len() > 200, "{} lit pixels", lit.len());
    let mut seen = std::collections::BTreeSet::new();
    for &(x, y) in &lit {
        let p = image.pixel(x, y).unwrap();
        assert!(
            curve.iter().any(|c| near(p, *c, 2)),
            "pixel ({x}, {y}) {p:?} is off the inferno curve"
        );
        seen.insert([p[0], p[1], p[2]]);
    }
    // Intensities vary: many colours of the map, not one.
    assert!(seen.len() > 20, "{} colours", seen.len());
}

/// The same tile by classification: one colour per class present in the file (read by the
/// `las` crate, independently of vertexview), each the class's own.
#[test]
fn classification_gives_one_colour_per_class() {
    let gpu = gpu();
    let mut reader = las::Reader::from_path(TILE).unwrap();
    let points = reader.read_all().unwrap();
    let classes: std::collections::BTreeSet<u8> = points.classification().collect();
    assert_eq!(classes.len(), 4, "{classes:?}");
    let (source, colors) = tile_colored_by("classification", ColorMap::Viridis);
    assert_eq!(colors.kind, ColumnKind::Classes);
    let image = render_source(&gpu, &source, &tile_settings(ColorMode::Column(colors)));
    let drawn: std::collections::BTreeSet<[u8; 3]> = lit_pixels(&image, [0, 0, 0])
        .into_iter()
        .map(|(x, y)| {
            let p = image.pixel(x, y).unwrap();
            [p[0], p[1], p[2]]
        })
        .collect();
    let want: std::collections::BTreeSet<[u8; 3]> = classes
        .iter()
        .map(|&c| class_color(u32::from(c)).map(|v| (v * 255.0).round() as u8))
        .collect();
    assert_eq!(drawn, want);
}

/// A column the file lacks is an error that names the ones it has.
#[test]
fn a_missing_column_names_those_there_are() {
    let (source, _) = vertexview::load::open::open(TILE.as_ref(), None).unwrap();
    let error = source.column("reflectance").unwrap_err().to_string();
    assert!(
        error.ends_with(
            "no column 'reflectance' to colour by; it has: x, y, z, height, index, intensity, \
             scan_angle, user_data, point_source_id, gps_time, return_number, \
             number_of_returns, classification"
        ),
        "{error}"
    );
}

/// An ASCII PLY's properties are columns too: read into the records of its little-endian twin,
/// `quality` colours it as a layout's field would.
#[test]
fn an_ascii_ply_property_is_a_column() {
    let gpu = gpu();
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!(
        "ply\nformat ascii 1.0\nelement vertex {W}\nproperty float x\nproperty float y\nproperty float z\nproperty float quality\nproperty list uchar int extra\nend_header\n"
    );
    for k in 0..W {
        let (x, y) = pixel_center(k, ROW, W, H);
        text += &format!("{x} {y} 0.5 {} 2 7 8\n", 10.0 * k as f32 / 63.0);
    }
    let path = dir.path().join("quality.ply");
    std::fs::write(&path, text).unwrap();
    let (mut source, _) = vertexview::load::open::open(&path, None).unwrap();
    let column = source.column("quality").unwrap();
    let sample = source.column_sample(&column).unwrap();
    let read = source.column_read(&column, &sample, [0.0, 10.0]);
    assert!(source.is_direct());
    let colors = ColumnColors {
        read,
        kind: column.kind,
        min: 0.0,
        max: 10.0,
        map: ColorMap::Viridis,
    };
    let image = render_source(&gpu, &source, &settings(ColorMode::Column(colors)));
    for k in 0..W {
        let want = ColorMap::Viridis.color(f64::from(k) / 63.0);
        assert!(
            near(image.pixel(k, ROW).unwrap(), want, 1),
            "quality at {k}"
        );
    }
}
