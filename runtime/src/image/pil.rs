//! Decoding, resizing and colour conversion of images, computed as the
//! Python Imaging Library (Pillow) computes `Image.open(path)`,
//! `im.resize((w, h))` and `im.convert("L")` / `im.convert("RGB")`.
//!
//! The arithmetic follows Pillow's `libImaging` (`Resample.c`,
//! `Geometry.c`, `Convert.c`) step by step, integer rounding included, so
//! that the 8-bit results are the same:
//!
//! * resizing with the bicubic filter (`a = -0.5`) whose support widens
//!   with the reduction factor when shrinking (antialiasing), separably:
//!   one pass per dimension, each rounded and clipped to 8 bits, the
//!   horizontal one first unless the height shrinks by more than twice as
//!   many pixels as the width (Pillow 13); coefficients in fixed point
//!   with 22 fractional bits;
//! * images with alpha (PIL modes LA and RGBA) resized with premultiplied
//!   alpha, as `Image.resize` does;
//! * palette and bilevel images (PIL modes P and 1: PNG files with a
//!   palette or one bit per pixel, PBM files, BMP files of 8 bits per pixel
//!   or fewer unless their palette is a grey ramp) resized with the nearest
//!   neighbour, which PIL always uses for them;
//! * RGB to grey with ITU-R 601-2 weights in 16-bit fixed point.

use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

/// The channels of a decoded image: PIL's modes L, LA, RGB and RGBA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Grey.
    L,
    /// Grey and alpha.
    La,
    /// Red, green, blue.
    Rgb,
    /// Red, green, blue and alpha.
    Rgba,
}

impl Mode {
    /// Values per pixel.
    pub(crate) fn channels(self) -> usize {
        match self {
            Mode::L => 1,
            Mode::La => 2,
            Mode::Rgb => 3,
            Mode::Rgba => 4,
        }
    }
}

/// An 8-bit image, row-major, channels interleaved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pixels {
    /// Columns.
    pub(crate) width: usize,
    /// Rows.
    pub(crate) height: usize,
    /// Channels.
    pub(crate) mode: Mode,
    /// `height * width * channels` values.
    pub(crate) data: Vec<u8>,
    /// Whether PIL holds this image as a palette (P) or bilevel (1)
    /// image, which it resizes with the nearest neighbour.
    pub(crate) nearest: bool,
}

/// The first bytes of every PNG file.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// Decodes an image file's bytes (PNG, JPEG, BMP, PNM; recognised by
/// content). 16-bit samples keep their high byte, as PIL does for 16-bit
/// colour PNG files.
pub(crate) fn decode(bytes: &[u8]) -> Result<Pixels, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("not a PNG, JPEG, BMP or PNM image".into());
    }
    let bmp = reader.format() == Some(ImageFormat::Bmp);
    let decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let bilevel = decoder.original_color_type() == ExtendedColorType::L1;
    let decoded = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    let (width, height) = (decoded.width() as usize, decoded.height() as usize);
    if width == 0 || height == 0 {
        return Err("the image has no pixel".into());
    }
    let high_bytes = |v: Vec<u16>| v.into_iter().map(|x| (x >> 8) as u8).collect();
    let (mode, data) = match decoded {
        DynamicImage::ImageLuma8(b) => (Mode::L, b.into_raw()),
        DynamicImage::ImageLumaA8(b) => (Mode::La, b.into_raw()),
        DynamicImage::ImageRgb8(b) => (Mode::Rgb, b.into_raw()),
        DynamicImage::ImageRgba8(b) => (Mode::Rgba, b.into_raw()),
        DynamicImage::ImageLuma16(b) => (Mode::L, high_bytes(b.into_raw())),
        DynamicImage::ImageLumaA16(b) => (Mode::La, high_bytes(b.into_raw())),
        DynamicImage::ImageRgb16(b) => (Mode::Rgb, high_bytes(b.into_raw())),
        DynamicImage::ImageRgba16(b) => (Mode::Rgba, high_bytes(b.into_raw())),
        other => (Mode::Rgba, other.to_rgba8().into_raw()),
    };
    let mut pixels = Pixels {
        width,
        height,
        mode,
        data,
        nearest: bilevel || (bmp && bmp_palette(bytes)),
    };
    // The decoder expands palettes, bit depths below 8 and colour-key
    // transparency (tRNS); PIL keeps the first two as modes P and 1 and
    // ignores the colour key of grey and RGB images.
    if bytes.len() > 25 && bytes.starts_with(&PNG_SIGNATURE) && &bytes[12..16] == b"IHDR" {
        let (depth, colour) = (bytes[24], bytes[25]);
        pixels.nearest |= colour == 3 || (colour == 0 && depth == 1);
        if matches!(colour, 0 | 2) {
            pixels.drop_alpha();
        }
    }
    Ok(pixels)
}

/// Whether Pillow opens a BMP file as a palette (P) or bilevel (1) image:
/// 8 bits per pixel or fewer, unless the palette is the grey ramp
/// `0, 1, 2...` of more than two colours (then Pillow drops it: mode L).
fn bmp_palette(bytes: &[u8]) -> bool {
    let u16_at = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    let palette = || -> Option<bool> {
        let header = u32_at(14)? as usize;
        // OS/2 headers: 3 bytes per colour and no count of colours.
        let (bits, colours, entry) = if header == 12 {
            (u16_at(24)?, 0, 3)
        } else {
            (u16_at(28)?, u32_at(46)?, 4)
        };
        if bits > 8 {
            return Some(false);
        }
        let colours = if colours == 0 {
            1 << bits
        } else {
            colours as usize
        };
        if colours == 2 || colours > 256 {
            return Some(true);
        }
        let start = 14 + header;
        let grey = (0..colours).all(|i| {
            bytes.get(start + i * entry..start + i * entry + 3) == Some(&[i as u8; 3][..])
        });
        Some(!grey)
    };
    palette().unwrap_or(false)
}

impl Pixels {
    /// Removes the alpha channel, if any.
    fn drop_alpha(&mut self) {
        let (mode, keep) = match self.mode {
            Mode::La => (Mode::L, 1),
            Mode::Rgba => (Mode::Rgb, 3),
            Mode::L | Mode::Rgb => return,
        };
        let n = self.mode.channels();
        self.data = self
            .data
            .chunks_exact(n)
            .flat_map(|p| p[..keep].iter().copied())
            .collect();
        self.mode = mode;
    }

    /// `im.resize((width, height))` with PIL's default filter (bicubic;
    /// nearest neighbour for palette and bilevel images). The same size
    /// gives a copy.
    pub(crate) fn resize(&self, width: usize, height: usize) -> Pixels {
        if (width, height) == (self.width, self.height) {
            return self.clone();
        }
        let data = if self.nearest {
            self.resize_nearest(width, height)
        } else if matches!(self.mode, Mode::La | Mode::Rgba) {
            let mut premultiplied = self.clone();
            premultiplied.premultiply();
            let mut out = Pixels {
                data: premultiplied.resample(width, height),
                width,
                height,
                ..premultiplied
            };
            out.unpremultiply();
            out.data
        } else {
            self.resample(width, height)
        };
        Pixels {
            width,
            height,
            data,
            ..*self
        }
    }

    /// `im.convert("L")` (`colour == false`) or `im.convert("RGB")`:
    /// `height * width` or `height * width * 3` levels, row-major.
    pub(crate) fn convert(&self, colour: bool) -> Vec<u8> {
        let n = self.mode.channels();
        let pixels = self.data.chunks_exact(n);
        match (self.mode, colour) {
            (Mode::L | Mode::La, false) => pixels.map(|p| p[0]).collect(),
            (Mode::Rgb | Mode::Rgba, false) => pixels.map(luminance).collect(),
            (Mode::L | Mode::La, true) => pixels.flat_map(|p| [p[0]; 3]).collect(),
            (Mode::Rgb | Mode::Rgba, true) => pixels.flat_map(|p| [p[0], p[1], p[2]]).collect(),
        }
    }

    /// PIL's conversion of LA to La and RGBA to RGBa.
    fn premultiply(&mut self) {
        let n = self.mode.channels();
        for p in self.data.chunks_exact_mut(n) {
            let alpha = p[n - 1];
            for c in &mut p[..n - 1] {
                *c = muldiv255(*c, alpha);
            }
        }
    }

    /// PIL's conversion of La to LA and RGBa to RGBA.
    fn unpremultiply(&mut self) {
        let n = self.mode.channels();
        for p in self.data.chunks_exact_mut(n) {
            let alpha = u32::from(p[n - 1]);
            if alpha != 0 && alpha != 255 {
                for c in &mut p[..n - 1] {
                    *c = (255 * u32::from(*c) / alpha).min(255) as u8;
                }
            }
        }
    }

    /// `ImagingResample` with the bicubic filter: one pass per dimension
    /// that changes. When both change, the horizontal pass comes first,
    /// unless the height shrinks by more than twice as many pixels as the
    /// width does (Pillow 13; earlier versions always start with the
    /// horizontal pass). Each pass rounds to 8 bits.
    fn resample(&self, width: usize, height: usize) -> Vec<u8> {
        let n = self.mode.channels();
        let (w, h) = (self.width as i64, self.height as i64);
        let vertical_first = width as i64 != w
            && height as i64 != h
            && h - height as i64 > 0
            && h - height as i64 > 2 * (w - width as i64);
        let mut data = self.data.clone();
        if vertical_first {
            data = resample_vertical(&data, self.width * n, self.height, height);
            data = resample_horizontal(&data, self.width, height, width, n);
        } else {
            if width != self.width {
                data = resample_horizontal(&data, self.width, self.height, width, n);
            }
            if height != self.height {
                data = resample_vertical(&data, width * n, self.height, height);
            }
        }
        data
    }

    /// `ImagingScaleAffine`: nearest-neighbour scaling, the source
    /// position advancing by `in / out` per output pixel from half a step.
    fn resize_nearest(&self, width: usize, height: usize) -> Vec<u8> {
        let n = self.mode.channels();
        let columns = nearest_indices(self.width, width);
        let mut out = vec![0; height * width * n];
        for (row_out, yi) in out
            .chunks_exact_mut(width * n)
            .zip(nearest_indices(self.height, height))
        {
            let Some(yi) = yi else { continue };
            let row_in = &self.data[yi * self.width * n..(yi + 1) * self.width * n];
            for (p_out, xi) in row_out.chunks_exact_mut(n).zip(&columns) {
                if let Some(xi) = xi {
                    p_out.copy_from_slice(&row_in[xi * n..(xi + 1) * n]);
                }
            }
        }
        out
    }
}

/// `ImagingResampleHorizontal_8bpc`: rows of `width` pixels of `n`
/// channels resampled to `out_width` pixels.
fn resample_horizontal(
    data: &[u8],
    width: usize,
    rows: usize,
    out_width: usize,
    n: usize,
) -> Vec<u8> {
    let c = Coefficients::new(width, out_width);
    let mut out = vec![0; rows * out_width * n];
    for (row_in, row_out) in data
        .chunks_exact(width * n)
        .zip(out.chunks_exact_mut(out_width * n))
    {
        for (p_out, (&start, k)) in row_out
            .chunks_exact_mut(n)
            .zip(c.starts.iter().zip(c.weights()))
        {
            for (ch, v) in p_out.iter_mut().enumerate() {
                let sum = k
                    .iter()
                    .enumerate()
                    .map(|(x, &k)| i64::from(row_in[(start + x) * n + ch]) * i64::from(k))
                    .sum::<i64>();
                *v = clip8(sum);
            }
        }
    }
    out
}

/// `ImagingResampleVertical_8bpc`: `rows` rows of `stride` values
/// resampled to `out_rows` rows.
fn resample_vertical(data: &[u8], stride: usize, rows: usize, out_rows: usize) -> Vec<u8> {
    let c = Coefficients::new(rows, out_rows);
    let mut out = vec![0; out_rows * stride];
    for (row_out, (&start, k)) in out
        .chunks_exact_mut(stride)
        .zip(c.starts.iter().zip(c.weights()))
    {
        for (i, v) in row_out.iter_mut().enumerate() {
            let sum = k
                .iter()
                .enumerate()
                .map(|(y, &k)| i64::from(data[(start + y) * stride + i]) * i64::from(k))
                .sum::<i64>();
            *v = clip8(sum);
        }
    }
    out
}

/// Source index of each output index in nearest-neighbour scaling from
/// `in_size` to `out_size` (`None` outside of the source).
fn nearest_indices(in_size: usize, out_size: usize) -> Vec<Option<usize>> {
    // Pillow passes the box as floats: (double)(float(in) - 0.f) / out.
    let step = f64::from(in_size as f32) / out_size as f64;
    let mut position = step * 0.5;
    (0..out_size)
        .map(|_| {
            let i = if position < 0.0 {
                None
            } else {
                Some(position as usize)
            };
            position += step;
            i.filter(|&i| i < in_size)
        })
        .collect()
}

/// PIL's `MULDIV255`: `a * b / 255`, rounded.
fn muldiv255(a: u8, b: u8) -> u8 {
    let t = u32::from(a) * u32::from(b) + 128;
    (((t >> 8) + t) >> 8) as u8
}

/// PIL's `L24`: ITU-R 601-2 luma of an RGB pixel, 16-bit fixed point.
fn luminance(p: &[u8]) -> u8 {
    let (r, g, b) = (u32::from(p[0]), u32::from(p[1]), u32::from(p[2]));
    ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) as u8
}

/// Fractional bits of the resampling coefficients (`PRECISION_BITS`).
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// The 8-bit value of a fixed-point sum (with the rounding half added).
fn clip8(sum: i64) -> u8 {
    ((sum + (1 << (PRECISION_BITS - 1))) >> PRECISION_BITS).clamp(0, 255) as u8
}

/// PIL's bicubic kernel, `a = -0.5`.
fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// Support of the bicubic kernel.
const BICUBIC_SUPPORT: f64 = 2.0;

/// The fixed-point coefficients of one resampling pass
/// (`precompute_coeffs` and `normalize_coeffs_8bpc`).
struct Coefficients {
    /// First source index of each output index.
    starts: Vec<usize>,
    /// Number of source indices of each output index.
    counts: Vec<usize>,
    /// `ksize` coefficients per output index.
    values: Vec<i32>,
    /// Coefficients per output index.
    ksize: usize,
}

impl Coefficients {
    fn new(in_size: usize, out_size: usize) -> Coefficients {
        let scale = f64::from(in_size as f32) / out_size as f64;
        let filterscale = scale.max(1.0);
        let support = BICUBIC_SUPPORT * filterscale;
        let ksize = support.ceil() as usize * 2 + 1;
        let mut c = Coefficients {
            starts: Vec::with_capacity(out_size),
            counts: Vec::with_capacity(out_size),
            values: vec![0; out_size * ksize],
            ksize,
        };
        let mut k = vec![0.0; ksize];
        for (xx, out) in c.values.chunks_exact_mut(ksize).enumerate() {
            let center = (xx as f64 + 0.5) * scale;
            let ss = 1.0 / filterscale;
            // C's `(int)` truncates toward zero, as `as` does.
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
            let count = xmax.saturating_sub(xmin);
            let mut ww = 0.0;
            for (x, kx) in k.iter_mut().enumerate().take(count) {
                *kx = bicubic(((x + xmin) as f64 - center + 0.5) * ss);
                ww += *kx;
            }
            for (kx, o) in k.iter().zip(out.iter_mut()).take(count) {
                let v = if ww == 0.0 { *kx } else { *kx / ww };
                let scaled = v * f64::from(1u32 << PRECISION_BITS);
                *o = if v < 0.0 {
                    (scaled - 0.5) as i32
                } else {
                    (scaled + 0.5) as i32
                };
            }
            c.starts.push(xmin);
            c.counts.push(count);
        }
        c
    }

    /// The coefficients of each output index, one slice per index.
    fn weights(&self) -> impl Iterator<Item = &[i32]> {
        self.values
            .chunks_exact(self.ksize)
            .zip(&self.counts)
            .map(|(k, &n)| &k[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bicubic_kernel_interpolates_and_sums_to_one() {
        assert_eq!(bicubic(0.0), 1.0);
        assert_eq!(bicubic(1.0), 0.0);
        assert_eq!(bicubic(2.0), 0.0);
        assert_eq!(bicubic(-0.5), bicubic(0.5));
        let sum: f64 = (-2..=2).map(|i| bicubic(f64::from(i) + 0.25)).sum();
        approx::assert_abs_diff_eq!(sum, 1.0, epsilon = 1e-12);
    }

    #[test]
    fn fixed_point_coefficients_sum_to_one() {
        for (i, o) in [(7, 3), (3, 7), (40, 4), (5, 5), (1, 9)] {
            let c = Coefficients::new(i, o);
            for k in c.weights() {
                let sum: i64 = k.iter().map(|&v| i64::from(v)).sum();
                assert!((sum - (1 << PRECISION_BITS)).abs() <= k.len() as i64);
            }
            assert!(c.starts.iter().zip(&c.counts).all(|(s, n)| s + n <= i));
        }
    }

    #[test]
    fn uniform_images_stay_uniform() {
        for mode in [Mode::L, Mode::La, Mode::Rgb, Mode::Rgba] {
            let n = mode.channels();
            let p = Pixels {
                width: 5,
                height: 3,
                mode,
                data: [90, 200, 17, 255][..n].repeat(15),
                nearest: false,
            };
            for (w, h) in [(2, 2), (9, 4), (5, 7)] {
                let r = p.resize(w, h);
                assert_eq!((r.width, r.height, r.data.len()), (w, h, w * h * n));
                assert_eq!(r.data, [90, 200, 17, 255][..n].repeat(w * h));
            }
        }
    }

    #[test]
    fn grey_and_colour_conversions_are_pils() {
        let p = Pixels {
            width: 2,
            height: 1,
            mode: Mode::Rgba,
            data: vec![255, 0, 0, 9, 10, 20, 30, 255],
            nearest: false,
        };
        // 255 * 0.299 = 76.2; 0.299 * 10 + 0.587 * 20 + 0.114 * 30 = 18.16.
        assert_eq!(p.convert(false), [76, 18]);
        assert_eq!(p.convert(true), [255, 0, 0, 10, 20, 30]);
        let la = Pixels {
            width: 1,
            height: 1,
            mode: Mode::La,
            data: vec![7, 0],
            nearest: false,
        };
        assert_eq!(la.convert(true), [7, 7, 7]);
    }

    #[test]
    fn premultiplication_round_trips_opaque_and_transparent_pixels() {
        assert_eq!(muldiv255(255, 255), 255);
        assert_eq!(muldiv255(200, 0), 0);
        assert_eq!(muldiv255(100, 128), 50);
        let mut p = Pixels {
            width: 2,
            height: 1,
            mode: Mode::La,
            data: vec![200, 255, 100, 128],
            nearest: false,
        };
        p.premultiply();
        assert_eq!(p.data, [200, 255, 50, 128]);
        p.unpremultiply();
        assert_eq!(p.data, [200, 255, 99, 128]);
    }

    #[test]
    fn nearest_neighbour_picks_source_pixels() {
        assert_eq!(
            nearest_indices(4, 2),
            [Some(1), Some(3)],
            "centres 1.0 and 3.0"
        );
        assert_eq!(nearest_indices(2, 5).len(), 5);
        assert!(
            nearest_indices(3, 7)
                .iter()
                .all(|i| i.is_some_and(|i| i < 3))
        );
        let p = Pixels {
            width: 2,
            height: 1,
            mode: Mode::L,
            data: vec![0, 255],
            nearest: true,
        };
        assert_eq!(p.resize(4, 2).data, [0, 0, 255, 255, 0, 0, 255, 255]);
    }

    #[test]
    fn unknown_content_is_an_error() {
        assert!(decode(b"not an image").is_err());
        assert!(decode(&PNG_SIGNATURE).is_err());
        assert!(decode(b"BM").is_err());
    }

    #[test]
    fn bmp_palettes_are_told_from_grey_ramps() {
        // File header (14 bytes), 40-byte info header, then the palette.
        let bmp = |bits: u16, colours: u32, palette: &[[u8; 4]]| {
            let mut b = vec![0; 54];
            b[..2].copy_from_slice(b"BM");
            b[14..18].copy_from_slice(&40u32.to_le_bytes());
            b[28..30].copy_from_slice(&bits.to_le_bytes());
            b[46..50].copy_from_slice(&colours.to_le_bytes());
            b.extend(palette.iter().flatten());
            b
        };
        let ramp: Vec<[u8; 4]> = (0..=255).map(|i| [i, i, i, 0]).collect();
        assert!(!bmp_palette(&bmp(8, 0, &ramp)), "grey ramp: mode L");
        assert!(
            !bmp_palette(&bmp(8, 3, &ramp[..3])),
            "short grey ramp: mode L"
        );
        assert!(!bmp_palette(&bmp(24, 0, &[])), "true colour");
        assert!(
            bmp_palette(&bmp(1, 0, &[[0; 4], [255, 255, 255, 0]])),
            "bilevel"
        );
        let mut coloured = ramp.clone();
        coloured[7] = [1, 2, 3, 0];
        assert!(bmp_palette(&bmp(8, 0, &coloured)), "palette");
        assert!(!bmp_palette(b"BM"), "truncated");
    }
}
