//! RGBA images: PNG in and out, and the perceptual comparison behind `render --reference`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why an image could not be read, written or compared.
#[derive(Debug, Error)]
pub enum ImageError {
    /// The file could not be opened, created or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said (part of the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// The file is not a PNG this crate can read.
    #[error("{}: not a readable PNG: {message}", path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        message: String,
    },
    /// Encoding failed.
    #[error("{}: cannot encode PNG: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
    /// Compared images differ in size.
    #[error("the images differ in size: reference {reference:?}, result {result:?}")]
    SizeMismatch {
        /// Width and height of the reference.
        reference: [u32; 2],
        /// Width and height of the result.
        result: [u32; 2],
    },
}

/// An 8-bit RGBA image, rows top to bottom, tightly packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaImage {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl RgbaImage {
    /// An image from `width * height * 4` bytes, or `None` if the length does not match.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<RgbaImage> {
        let len = (width as usize)
            .checked_mul(height as usize)?
            .checked_mul(4)?;
        (pixels.len() == len).then_some(RgbaImage {
            width,
            height,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// All pixels, RGBA, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixel at column `x`, row `y` (row 0 at the top), or `None` outside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        self.pixels[at..at + 4].try_into().ok()
    }

    /// Writes the image as an 8-bit RGBA PNG, whole or not at all (see
    /// [`output::write_atomically`](crate::write::output::write_atomically)): a failed write leaves
    /// what was at `path` before.
    pub fn write_png(&self, path: impl AsRef<Path>) -> Result<(), ImageError> {
        let path = path.as_ref();
        let mut encode_error = None;
        crate::write::output::write_atomically(path, |out| {
            self.encode_png(out).map_err(|e| match e {
                png::EncodingError::IoError(error) => error,
                other => {
                    let message = other.to_string();
                    encode_error = Some(other);
                    std::io::Error::other(message)
                }
            })
        })
        .map_err(|error| match encode_error.take() {
            Some(e) => ImageError::Encode {
                path: path.to_owned(),
                message: e.to_string(),
            },
            None => ImageError::Io {
                path: path.to_owned(),
                error,
            },
        })
    }

    /// Encodes the image as an 8-bit RGBA PNG into `out`, with the png crate's fast settings
    /// (fdeflate with the adaptive filter): several times faster than its default
    /// compression, for files a little larger. `cargo bench --bench png` measures both.
    pub fn encode_png(&self, out: impl std::io::Write) -> Result<(), png::EncodingError> {
        let mut encoder = png::Encoder::new(out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()
    }

    /// Reads a PNG of any colour type and bit depth as 8-bit RGBA.
    pub fn read_png(path: impl AsRef<Path>) -> Result<RgbaImage, ImageError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|error| ImageError::Io {
            path: path.to_owned(),
            error,
        })?;
        let decode = |message: String| ImageError::Decode {
            path: path.to_owned(),
            message,
        };
        let mut decoder = png::Decoder::new(BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(|e| decode(e.to_string()))?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| decode("image too large".into()))?;
        let mut buf = vec![0; size];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|e| decode(e.to_string()))?;
        buf.truncate(info.buffer_size());
        let channels = match info.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => return Err(decode("palette was not expanded".into())),
        };
        let row = info.line_size;
        let mut pixels = Vec::with_capacity(info.width as usize * info.height as usize * 4);
        for line in buf.chunks_exact(row) {
            for px in line[..info.width as usize * channels].chunks_exact(channels) {
                pixels.extend_from_slice(&match *px {
                    [g] => [g, g, g, 255],
                    [g, a] => [g, g, g, a],
                    [r, g, b] => [r, g, b, 255],
                    [r, g, b, a] => [r, g, b, a],
                    _ => [0; 4],
                });
            }
        }
        RgbaImage::new(info.width, info.height, pixels)
            .ok_or_else(|| decode("truncated image data".into()))
    }

    fn rgb(&self) -> Vec<u8> {
        self.pixels
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    }
}

/// Default `--threshold`: the largest mean FLIP error that still passes. wgpu's own image tests
/// use thresholds from 0.01 to 0.1; one-pixel points make every small shift count, so a little
/// room is left for different rasterisers.
pub const DEFAULT_THRESHOLD: f32 = 0.05;

/// The difference between a reference image and a result.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Mean FLIP error over all pixels, from 0 (identical) to 1 (opposite): NVIDIA's perceptual
    /// measure, as in wgpu's own tests.
    pub mean_flip: f32,
    /// Pixels whose RGB differs at all.
    pub differing_pixels: u64,
    /// FLIP error per pixel through the magma colour map: black where equal, bright where not.
    pub diff: RgbaImage,
}

impl Comparison {
    /// Whether the mean error is at most `threshold`.
    pub fn passes(&self, threshold: f32) -> bool {
        self.mean_flip <= threshold
    }
}

/// Compares `result` with `reference` by mean FLIP error (alpha is ignored).
pub fn compare(reference: &RgbaImage, result: &RgbaImage) -> Result<Comparison, ImageError> {
    if (reference.width, reference.height) != (result.width, result.height) {
        return Err(ImageError::SizeMismatch {
            reference: [reference.width, reference.height],
            result: [result.width, result.height],
        });
    }
    let (w, h) = (reference.width, reference.height);
    let differing_pixels = reference
        .pixels
        .chunks_exact(4)
        .zip(result.pixels.chunks_exact(4))
        .filter(|(a, b)| a[..3] != b[..3])
        .count() as u64;
    if w == 0 || h == 0 {
        return Ok(Comparison {
            mean_flip: 0.0,
            differing_pixels,
            diff: reference.clone(),
        });
    }
    let a = nv_flip::FlipImageRgb8::with_data(w, h, &reference.rgb());
    let b = nv_flip::FlipImageRgb8::with_data(w, h, &result.rgb());
    let error_map = nv_flip::flip(a, b, nv_flip::DEFAULT_PIXELS_PER_DEGREE);
    let mean_flip = nv_flip::FlipPool::from_image(&error_map).mean();
    let diff_rgb = error_map.apply_color_lut(&nv_flip::magma_lut()).to_vec();
    let diff_pixels = diff_rgb
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let diff = RgbaImage::new(w, h, diff_pixels).ok_or(ImageError::SizeMismatch {
        reference: [w, h],
        result: [w, h],
    })?;
    Ok(Comparison {
        mean_flip,
        differing_pixels,
        diff,
    })
}
