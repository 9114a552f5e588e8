//! The image pipeline of uploaded photos (bilans, issue 11): a pure function
//! over the uploaded bytes, no I/O.
//!
//! **In**: the bytes as received, and [`ImageLimits`] (size, pixels,
//! memory), checked *before* anything is decoded. **Out**: a display image
//! and a thumbnail, both re-encoded as JPEG from the decoded pixels, so no
//! metadata (EXIF, GPS position, camera serial…) survives; the camera's
//! orientation is applied first, so the picture shows the right way up.
//! The type is decided by the content (JPEG, PNG or WebP, the only codecs
//! built in), never by the file's name or the browser's claim.
//! **Errors**: [`ImageError`], each with a French message for the form.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, codecs::jpeg::JpegEncoder,
    imageops::FilterType,
};

/// What an upload may weigh and hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLimits {
    /// The largest file, in bytes.
    pub max_bytes: usize,
    /// The widest and tallest image, in pixels.
    pub max_side: u32,
    /// The most pixels (width × height), read from the header before any
    /// pixel is decoded: a decompression bomb stops here.
    pub max_pixels: u64,
    /// The most memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

/// A phone photo fits (12 MB, 8,000 pixels a side); a decompression bomb
/// does not (its header is refused before any pixel is decoded).
pub const LIMITS: ImageLimits = ImageLimits {
    max_bytes: 12 * 1024 * 1024,
    max_side: 8_000,
    max_pixels: 40_000_000,
    max_alloc: 256 * 1024 * 1024,
};

/// The longest side of the clean master kept at upload, in pixels (the
/// variants are made from it).
pub const MASTER_SIDE: u32 = 2_400;

/// The longest side of the display image, in pixels.
pub const DISPLAY_SIDE: u32 = 1_600;
/// The longest side of the thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// JPEG quality of both outputs.
const QUALITY: u8 = 85;

/// An image the pipeline accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    WebP,
}

/// One re-encoded image: JPEG bytes and their size in pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What the pipeline makes of an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// What the upload was, by its content.
    pub kind: ImageKind,
    pub display: Encoded,
    pub thumbnail: Encoded,
}

/// Why an upload is refused (the message goes next to the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("Le fichier pèse {0} Mo : 12 Mo au plus. Réduisez la photo avant de l'envoyer.")]
    TooHeavy(usize),
    #[error("Ce fichier n'est pas une image JPEG, PNG ou WebP.")]
    NotAnImage,
    #[error("L'image est trop grande (8 000 pixels de côté au plus).")]
    TooLarge,
    #[error(
        "L'image compte trop de pixels ({0} millions ; 40 millions au plus) : réduisez sa définition avant de l'envoyer."
    )]
    TooManyPixels(u64),
    #[error("L'image est illisible ou incomplète : enregistrez-la de nouveau, puis réessayez.")]
    Unreadable,
}

/// Decides the type from the content: JPEG, PNG or WebP, else none.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    match image::guess_format(bytes).ok()? {
        ImageFormat::Jpeg => Some(ImageKind::Jpeg),
        ImageFormat::Png => Some(ImageKind::Png),
        ImageFormat::WebP => Some(ImageKind::WebP),
        _ => None,
    }
}

/// Checks, decodes, turns upright and re-encodes an uploaded image (see the
/// module's documentation), within [`LIMITS`].
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    process_within(bytes, &LIMITS)
}

/// [`process`] within other limits.
pub fn process_within(bytes: &[u8], limits: &ImageLimits) -> Result<Processed, ImageError> {
    let (kind, image) = decode_upright(bytes, limits)?;
    Ok(Processed {
        kind,
        display: encode(&fit(&image, DISPLAY_SIDE))?,
        thumbnail: encode(&fit(&image, THUMBNAIL_SIDE))?,
    })
}

/// The first step of the media pipeline, done while the upload is answered:
/// checks (size, type by content, side and pixel count from the header),
/// decodes, turns upright and re-encodes within [`MASTER_SIDE`]. The master
/// is the only thing stored: the uploaded bytes, with their metadata, never
/// reach the store.
pub fn clean_master(
    bytes: &[u8],
    limits: &ImageLimits,
) -> Result<(ImageKind, Encoded), ImageError> {
    let (kind, image) = decode_upright(bytes, limits)?;
    let master = fit_lean(&image, MASTER_SIDE);
    drop(image);
    Ok((kind, encode(&master)?))
}

/// Like [`fit`], by area averaging straight to the size (`thumbnail`):
/// no floating-point copy of the image on the way. A triangle filter
/// (`resize`) first makes one of the new width by the *old* height, four
/// bytes per channel: 86 MB for a 12-megapixel photo, which, times the
/// decoders working at once, put ten simultaneous uploads over 300 MB
/// (issue 9). The master is only ever shown through its display size and
/// thumbnail, made from it with the triangle filter.
fn fit_lean(image: &DynamicImage, side: u32) -> DynamicImage {
    let longest = image.width().max(image.height());
    if longest <= side {
        return image.clone();
    }
    let scale = f64::from(side) / f64::from(longest);
    let (w, h) = (
        ((f64::from(image.width()) * scale).round() as u32).clamp(1, side),
        ((f64::from(image.height()) * scale).round() as u32).clamp(1, side),
    );
    image.thumbnail_exact(w, h)
}

/// The second step, run by a background job: the display size and the
/// thumbnail of a master made by [`clean_master`].
pub fn variants(master: &[u8]) -> Result<(Encoded, Encoded), ImageError> {
    let (_, image) = decode_upright(master, &LIMITS)?;
    let display = fit(&image, DISPLAY_SIDE);
    let thumbnail = fit(&display, THUMBNAIL_SIDE);
    Ok((encode(&display)?, encode(&thumbnail)?))
}

/// Decodes within the limits (checked on the header first) and applies the
/// camera's orientation.
fn decode_upright(
    bytes: &[u8],
    limits: &ImageLimits,
) -> Result<(ImageKind, DynamicImage), ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooHeavy(bytes.len().div_ceil(1024 * 1024)));
    }
    let kind = sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let format = match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::WebP => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoding = image::Limits::default();
    decoding.max_image_width = Some(limits.max_side);
    decoding.max_image_height = Some(limits.max_side);
    decoding.max_alloc = Some(limits.max_alloc);
    reader.limits(decoding);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if width > limits.max_side || height > limits.max_side {
        return Err(ImageError::TooLarge);
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ImageError::TooManyPixels(pixels.div_ceil(1_000_000)));
    }
    let orientation = decoder.orientation().map_err(refusal)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok((kind, image))
}

fn refusal(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        _ => ImageError::Unreadable,
    }
}

/// The image within `side` × `side`, its proportions kept (never enlarged).
/// A large reduction first averages blocks of pixels (`thumbnail`, fast),
/// down to twice the target, then finishes with a triangle filter: as sharp
/// as a triangle filter over the whole picture, several times faster.
fn fit(image: &DynamicImage, side: u32) -> DynamicImage {
    if image.width() <= side && image.height() <= side {
        return image.clone();
    }
    let longest = image.width().max(image.height());
    if longest > side * 3 {
        let scale = f64::from(side * 2) / f64::from(longest);
        let (w, h) = (
            ((f64::from(image.width()) * scale).round() as u32).max(1),
            ((f64::from(image.height()) * scale).round() as u32).max(1),
        );
        return image
            .thumbnail(w, h)
            .resize(side, side, FilterType::Triangle);
    }
    image.resize(side, side, FilterType::Triangle)
}

/// JPEG from the pixels alone (transparency laid on white): no metadata.
fn encode(image: &DynamicImage) -> Result<Encoded, ImageError> {
    // A photo is RGB already: encoded as it is, without two more copies.
    let converted;
    let rgb = match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        _ => {
            let rgba = image.to_rgba8();
            let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
            for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
                let alpha = u16::from(from[3]);
                for c in 0..3 {
                    to[c] = ((u16::from(from[c]) * alpha + 255 * (255 - alpha)) / 255) as u8;
                }
            }
            converted = rgb;
            &converted
        }
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(rgb)
        .map_err(|_| ImageError::Unreadable)?;
    Ok(Encoded {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width` × `height` image with a gradient, encoded as `format`.
    fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 5) as u8, (y * 5) as u8, 128])
        });
        let mut bytes = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image)
            .write_to(&mut bytes, format)
            .unwrap();
        bytes.into_inner()
    }

    /// Inserts an EXIF segment right after the JPEG's start marker: the
    /// orientation `6` (turn 90° clockwise) and a GPS block.
    fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
        // IFD0: two entries, Orientation = 6 and a GPS IFD pointer.
        tiff.extend_from_slice(&[0, 2]);
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        // GPS IFD (offset 38): GPSLatitudeRef = « N ».
        tiff.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(&tiff);
        let length = (segment.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn jpeg_png_and_webp_are_reencoded_as_jpeg_with_a_thumbnail() {
        for (format, kind) in [
            (ImageFormat::Jpeg, ImageKind::Jpeg),
            (ImageFormat::Png, ImageKind::Png),
            (ImageFormat::WebP, ImageKind::WebP),
        ] {
            let out = process(&picture(800, 400, format)).unwrap();
            assert_eq!(out.kind, kind);
            assert_eq!((out.display.width, out.display.height), (800, 400));
            assert_eq!((out.thumbnail.width, out.thumbnail.height), (320, 160));
            assert!(out.display.jpeg.starts_with(&[0xFF, 0xD8]));
            assert!(out.thumbnail.jpeg.starts_with(&[0xFF, 0xD8]));
        }
    }

    #[test]
    fn the_orientation_is_applied_and_no_exif_or_gps_survives() {
        let original = with_exif(&picture(60, 20, ImageFormat::Jpeg));
        assert!(original.windows(4).any(|w| w == b"Exif"));
        let out = process(&original).unwrap();
        assert_eq!((out.display.width, out.display.height), (20, 60));
        for jpeg in [&out.display.jpeg, &out.thumbnail.jpeg] {
            assert!(!jpeg.windows(4).any(|w| w == b"Exif"));
            assert!(
                !jpeg.windows(2).any(|w| w == [0xFF, 0xE1]),
                "no APP1 segment"
            );
        }
    }

    #[test]
    fn the_type_comes_from_the_content_and_limits_come_before_decoding() {
        assert_eq!(process(b"GIF89a\x01\x00"), Err(ImageError::NotAnImage));
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(ImageError::NotAnImage)
        );
        let png = picture(40, 20, ImageFormat::Png);
        let small = ImageLimits {
            max_bytes: png.len() - 1,
            ..LIMITS
        };
        assert!(matches!(
            process_within(&png, &small),
            Err(ImageError::TooHeavy(_))
        ));
        let narrow = ImageLimits {
            max_side: 30,
            ..LIMITS
        };
        assert_eq!(process_within(&png, &narrow), Err(ImageError::TooLarge));
        let mut cut = png.clone();
        cut.truncate(png.len() / 2);
        assert_eq!(process(&cut), Err(ImageError::Unreadable));
        // Large images shrink to the display size, proportions kept.
        let out = process(&picture(3_200, 1_600, ImageFormat::Png)).unwrap();
        assert_eq!((out.display.width, out.display.height), (1_600, 800));
    }
}
