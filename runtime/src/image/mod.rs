//! Image and video inputs (ANNarchy's `extensions.image`, SPEC.md 8):
//! rate-coded populations whose `r` holds the pixels of an image, one
//! neuron per pixel (and per colour channel), scaled to `[0, 1]`.
//!
//! * [`ImagePopulation`]: added with
//!   [`NetworkBuilder::image_population`]; [`Network::set_image`] loads an
//!   image file into `r` (ANNarchy's `ImagePopulation.set_image`).
//! * [`VideoPopulation`]: added with
//!   [`NetworkBuilder::video_population`]; its frames come from a
//!   [`FrameSequence`] of image files opened with
//!   [`Network::open_video`]; [`Network::grab_image`] loads the next frame
//!   into `r`, [`Network::release_video`] closes the sequence (ANNarchy's
//!   `start_camera`, `grab_image` and `release`).
//! * [`load_image`]: the values `set_image` writes, for any other use (an
//!   `InputArray`, a `TimedArray` of several images...).
//!
//! # Geometry and layout
//!
//! A population of geometry `(height, width)` receives the luminance of
//! the image; `(height, width, 3)` receives its red, green and blue
//! values; `(height, width, 1)` is the same as `(height, width)`. Any
//! other geometry is an error. Ranks are row-major, as numpy's
//! `np.array(im).reshape(size)`: the pixel in row `y` and column `x` is
//! rank `y * width + x` (grey), and its channel `c` rank
//! `(y * width + x) * 3 + c` (colour). A 640x480 image (width x height)
//! fits a population of geometry `(480, 640)`.
//!
//! # Conversion
//!
//! The values are those of ANNarchy, which relies on the Python Imaging
//! Library (Pillow): the image is resized to `(width, height)` with
//! Pillow's default filter when its size differs (`im.resize((w, h))`:
//! bicubic with antialiasing, applied to premultiplied alpha for images
//! with an alpha channel; nearest neighbour for palette and bilevel
//! images), then converted to grey (`im.convert("L")`: ITU-R 601-2 luma,
//! `(19595 R + 38470 G + 7471 B + 2^15) >> 16`) or to RGB, and each 8-bit
//! level `v` becomes `v / 255`. The resizing and the conversions are a port
//! of Pillow's integer arithmetic, so for PNG, BMP and PNM files the values
//! are exactly those of ANNarchy with Pillow 13: no difference in 3450
//! resizings of random grey, colour, grey+alpha, RGBA, palette, bilevel
//! and colour-keyed PNG, BMP and PBM images of up to 399 pixels a side,
//! shrunk, enlarged, or shrunk in one dimension and enlarged in the other,
//! for grey and colour populations.
//!
//! Differences from ANNarchy:
//!
//! * Pillow resizes in two passes, each rounded to 8 bits. Pillow 13 starts
//!   with the vertical pass when the height shrinks by more than twice as
//!   many pixels as the width (as here); earlier versions always start with
//!   the horizontal one, so their results differ by a few levels in those
//!   cases.
//! * JPEG files are decoded by another decoder than Pillow's libjpeg-turbo:
//!   grey images agree within one level (`1/255`), colour images within a
//!   few levels (the chroma upsampling differs), and up to tens of levels
//!   where the colour changes from one pixel to the next (noise).
//! * A colour population accepts any image (grey ones are replicated into
//!   the three channels, alpha is dropped), as `im.convert("RGB")`;
//!   ANNarchy accepts only RGB images there.
//! * 16-bit images keep the high byte of each sample; Pillow does the same
//!   for 16-bit colour PNG files but opens 16-bit grey images as 32-bit
//!   integers, whose conversion to grey saturates at 255.
//! * CMYK JPEG files are converted to RGB when decoded (Pillow keeps them
//!   as CMYK).
//! * Resizing is silent (ANNarchy prints a warning).
//!
//! # Video
//!
//! ANNarchy's `VideoPopulation` grabs frames from a camera through OpenCV.
//! Here a [`VideoPopulation`] reads its frames from a video device
//! ([`Network::start_camera`]: `/dev/video<port>`, through the kernel's
//! V4L2 interface, on 64-bit Linux, without system libraries) or from a
//! sequence of image files ([`Network::open_video`]: a folder of numbered
//! frames, or a list of paths). Each frame is converted as by
//! [`Network::set_image`]; a camera's frame is first turned into 8-bit RGB
//! or grey from the uncompressed format the device gives (YUYV, UYVY,
//! RGB24, BGR24 or GREY; ITU-R BT.601 for YUV, as OpenCV), where OpenCV
//! would then resize with its bilinear filter. After the last file of a
//! sequence, [`Network::grab_image`] fails (the default,
//! [`EndOfSequence::Error`]) or starts again from the first frame
//! ([`EndOfSequence::Wrap`]). Video files (MP4, AVI...) and compressed
//! camera formats (MJPEG, H.264) are not read.
//!
//! Device capture is tested here for its conversions and its errors only:
//! the machines that run the tests have no camera.
//!
//! # Example
//!
//! ```
//! use annarchy_runtime::network::Network;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A 2x2 grey image (binary PGM): levels 0, 128 (first row), 255, 64.
//! let path = std::env::temp_dir().join(format!("annarchy-doc-{}.pgm", std::process::id()));
//! std::fs::write(&path, b"P5 2 2 255\n\x00\x80\xff\x40")?;
//!
//! let mut b = Network::builder();
//! let same = b.image_population("same", (2, 2))?;
//! let colour = b.image_population("colour", (2, 2, 3))?;
//! let small = b.image_population("small", (1, 1))?;
//! let mut net = b.build()?;
//!
//! net.set_image(same, &path)?;
//! assert_eq!(net.get(same, "r")?, [0.0, 128.0 / 255.0, 1.0, 64.0 / 255.0]);
//! // Colour: the grey level in the three channels of each pixel.
//! net.set_image(colour, &path)?;
//! assert_eq!(net.get(colour, "r")?[3..6], [128.0 / 255.0; 3]);
//! // Shrunk as Pillow does: the bicubic mean of the four pixels, rounded.
//! net.set_image(small, &path)?;
//! assert_eq!(net.get(small, "r")?, [112.0 / 255.0]);
//!
//! // A missing file is an error, and leaves `r` as it was.
//! assert!(net.set_image(same, "no/such/image.png").is_err());
//! assert_eq!(net.get(same, "r")?[2], 1.0);
//! std::fs::remove_file(&path)?;
//! # Ok(())
//! # }
//! ```

mod camera;
mod pil;

use crate::error::{Error, Result};
use crate::geometry::Geometry;
use crate::model::{
    AttrInfo, AttrMut, AttrRef, Locality, ModelInfo, ModelKind, NeuronModel, NeuronState, ValueType,
};
use crate::network::{Network, NetworkBuilder, PopId};
use camera::Camera;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The attribute of both populations: `r = 0.0`, a parameter, as in
/// ANNarchy's `Neuron(parameters="r = 0.0")`.
const R: &[AttrInfo] = &[AttrInfo {
    name: "r",
    is_parameter: true,
    locality: Locality::Local,
    value_type: ValueType::Float,
    init: 0.0,
}];

static IMAGE_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Neuron,
    "ImagePopulation",
    "Rate-coded neuron",
    "",
    false,
    R,
);

static VIDEO_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Neuron,
    "VideoPopulation",
    "Rate-coded neuron",
    "",
    false,
    R,
);

/// What an image population's geometry asks of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    height: usize,
    width: usize,
    colour: bool,
}

impl Shape {
    /// `(h, w)` and `(h, w, 1)`: grey; `(h, w, 3)`: colour.
    fn of(g: Geometry) -> Result<Shape> {
        match *g.dims() {
            [height, width] | [height, width, 1] => Ok(Shape {
                height,
                width,
                colour: false,
            }),
            [height, width, 3] => Ok(Shape {
                height,
                width,
                colour: true,
            }),
            _ => Err(Error::Geometry {
                dims: g.dims().to_vec(),
                reason: "an image population is 2-D (height, width) for grey images or 3-D \
                         (height, width, 3) for colour images"
                    .into(),
            }),
        }
    }
}

/// Reads an image file and returns the values that [`Network::set_image`]
/// gives `r` in a population of this geometry: one per neuron, in rank
/// order, in `[0, 1]` (see the [module documentation](self) for the
/// conversion).
///
/// # Errors
///
/// [`Error::Geometry`] for a geometry that is not `(h, w)`, `(h, w, 1)` or
/// `(h, w, 3)`; [`Error::Invalid`] for a file that cannot be read or
/// decoded.
pub fn load_image(
    path: impl AsRef<Path>,
    geometry: impl TryInto<Geometry, Error = Error>,
) -> Result<Vec<f64>> {
    let shape = Shape::of(geometry.try_into()?)?;
    read(path.as_ref(), shape, "load_image")
}

/// [`load_image`] for a known shape; `object` names the caller in errors.
fn read(path: &Path, shape: Shape, object: &str) -> Result<Vec<f64>> {
    let invalid = |reason: String| Error::Invalid {
        object: object.to_string(),
        reason,
    };
    let bytes = std::fs::read(path)
        .map_err(|e| invalid(format!("cannot read the image `{}`: {e}", path.display())))?;
    let pixels = pil::decode(&bytes)
        .map_err(|e| invalid(format!("cannot decode the image `{}`: {e}", path.display())))?;
    let levels = pixels
        .resize(shape.width, shape.height)
        .convert(shape.colour);
    Ok(levels.into_iter().map(|v| f64::from(v) / 255.0).collect())
}

/// ANNarchy's `ImagePopulation`: a rate-coded population whose `r` (a
/// parameter, initially 0) is set from image files by
/// [`Network::set_image`]. Add one with
/// [`NetworkBuilder::image_population`]; its state is an [`ImageState`].
#[derive(Clone, Copy, Debug)]
pub struct ImagePopulation;

/// The state of an [`ImagePopulation`]: `r`, one value per neuron.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageState {
    r: Vec<f64>,
}

impl ImageState {
    /// The rates: the pixels of the last image, in `[0, 1]`.
    pub fn r(&self) -> &[f64] {
        &self.r
    }
    /// The rates, writable.
    pub fn r_mut(&mut self) -> &mut [f64] {
        &mut self.r
    }
}

impl NeuronModel for ImagePopulation {
    type State = ImageState;
    const INFO: &'static ModelInfo = &IMAGE_INFO;
    fn new_state(size: usize) -> ImageState {
        ImageState { r: vec![0.0; size] }
    }
}

impl NeuronState for ImageState {
    fn info(&self) -> &'static ModelInfo {
        &IMAGE_INFO
    }
    fn size(&self) -> usize {
        self.r.len()
    }
    fn attr(&self, _: usize) -> AttrRef<'_> {
        AttrRef::Array(&self.r)
    }
    fn attr_mut(&mut self, _: usize) -> AttrMut<'_> {
        AttrMut::Array(&mut self.r)
    }
    fn reset(&mut self) {
        self.r.fill(0.0);
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// What [`Network::grab_image`] does after the last frame of a
/// [`FrameSequence`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EndOfSequence {
    /// Fails with [`Error::Invalid`], leaving `r` unchanged (the default).
    #[default]
    Error,
    /// Starts again from the first frame.
    Wrap,
}

/// The frames of a [`VideoPopulation`]: image files read one after the
/// other, and the position of the next one.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameSequence {
    paths: Vec<PathBuf>,
    next: usize,
    at_end: EndOfSequence,
}

/// File extensions (lower case) that [`FrameSequence::from_folder`] takes.
const FRAME_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "bmp", "pgm", "ppm", "pbm", "pnm", "pam",
];

impl FrameSequence {
    /// The frames are these files, in this order.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `paths` is empty. (The files are read by
    /// [`Network::grab_image`].)
    pub fn from_paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Result<Self> {
        let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
        if paths.is_empty() {
            return Err(Error::Invalid {
                object: "frame sequence".into(),
                reason: "at least one frame is needed".into(),
            });
        }
        Ok(FrameSequence {
            paths,
            next: 0,
            at_end: EndOfSequence::Error,
        })
    }

    /// The frames are the image files of a folder (extensions png, jpg,
    /// jpeg, bmp, pgm, ppm, pbm, pnm, pam, in any case), in the order of
    /// their names (byte-wise: number frames with leading zeros,
    /// `frame_007.png`); other files and sub-folders are ignored.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the folder cannot be read or has no image
    /// file.
    pub fn from_folder(folder: impl AsRef<Path>) -> Result<Self> {
        let folder = folder.as_ref();
        let invalid = |reason: String| Error::Invalid {
            object: format!("frame folder `{}`", folder.display()),
            reason,
        };
        let entries =
            std::fs::read_dir(folder).map_err(|e| invalid(format!("cannot be read: {e}")))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| invalid(format!("cannot be read: {e}")))?
                .path();
            let is_frame = path.is_file()
                && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    FRAME_EXTENSIONS
                        .iter()
                        .any(|known| e.eq_ignore_ascii_case(known))
                });
            if is_frame {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(invalid(format!(
                "holds no image file (extensions {})",
                FRAME_EXTENSIONS.join(", ")
            )));
        }
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        FrameSequence::from_paths(paths)
    }

    /// Sets what happens after the last frame (by default an error).
    #[must_use]
    pub fn at_end(mut self, at_end: EndOfSequence) -> Self {
        self.at_end = at_end;
        self
    }

    /// What happens after the last frame.
    pub fn end_behaviour(&self) -> EndOfSequence {
        self.at_end
    }

    /// The frame files, in order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether there is no frame (never: a sequence has at least one).
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Index of the frame that the next [`Network::grab_image`] reads;
    /// [`len`](Self::len) once every frame was read (unless wrapping).
    pub fn position(&self) -> usize {
        self.next
    }

    /// Goes back to the first frame.
    pub fn rewind(&mut self) {
        self.next = 0;
    }

    /// The next frame's path, if any, wrapping around if asked.
    fn next_path(&self) -> Option<(usize, &Path)> {
        let k = match self.at_end {
            EndOfSequence::Wrap => self.next % self.paths.len(),
            EndOfSequence::Error => self.next,
        };
        self.paths.get(k).map(|p| (k, p.as_path()))
    }
}

/// ANNarchy's `VideoPopulation`: an [`ImagePopulation`] whose images are
/// the frames of a video, grabbed one at a time by
/// [`Network::grab_image`], from a camera ([`Network::start_camera`]) or
/// from image files ([`Network::open_video`]; see the
/// [module documentation](self)). Add one with
/// [`NetworkBuilder::video_population`]; its state is a [`VideoState`].
#[derive(Clone, Copy, Debug)]
pub struct VideoPopulation;

/// Where the frames of a [`VideoPopulation`] come from.
#[derive(Clone, Debug)]
enum Source {
    /// Image files.
    Files(FrameSequence),
    /// A video device, shared by the copies of a network.
    Camera(Arc<Mutex<Camera>>),
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        match (self, other) {
            (Source::Files(a), Source::Files(b)) => a == b,
            (Source::Camera(a), Source::Camera(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The state of a [`VideoPopulation`]: `r` and the open source of frames.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoState {
    r: Vec<f64>,
    source: Option<Source>,
}

impl VideoState {
    /// The rates: the pixels of the last frame, in `[0, 1]`.
    pub fn r(&self) -> &[f64] {
        &self.r
    }
    /// The rates, writable.
    pub fn r_mut(&mut self) -> &mut [f64] {
        &mut self.r
    }
    /// The open frame sequence, with its position, if the frames come
    /// from image files.
    pub fn frames(&self) -> Option<&FrameSequence> {
        match &self.source {
            Some(Source::Files(f)) => Some(f),
            _ => None,
        }
    }
    /// The path of the open video device, if the frames come from one.
    pub fn camera(&self) -> Option<PathBuf> {
        match &self.source {
            Some(Source::Camera(c)) => {
                let camera = c.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                Some(camera.path().to_path_buf())
            }
            _ => None,
        }
    }
}

impl NeuronModel for VideoPopulation {
    type State = VideoState;
    const INFO: &'static ModelInfo = &VIDEO_INFO;
    fn new_state(size: usize) -> VideoState {
        VideoState {
            r: vec![0.0; size],
            source: None,
        }
    }
}

impl NeuronState for VideoState {
    fn info(&self) -> &'static ModelInfo {
        &VIDEO_INFO
    }
    fn size(&self) -> usize {
        self.r.len()
    }
    fn attr(&self, _: usize) -> AttrRef<'_> {
        AttrRef::Array(&self.r)
    }
    fn attr_mut(&mut self, _: usize) -> AttrMut<'_> {
        AttrMut::Array(&mut self.r)
    }
    /// `r` back to 0; a frame sequence keeps its position (a camera is
    /// not rewound either).
    fn reset(&mut self) {
        self.r.fill(0.0);
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ImagePopulation {}
    impl Sealed for super::VideoPopulation {}
}

/// The populations that [`Network::set_image`] accepts: [`ImagePopulation`]
/// and [`VideoPopulation`] (as in ANNarchy, a video population is also an
/// image population).
pub trait ImageInput: NeuronModel + sealed::Sealed {
    /// The population's rates.
    #[doc(hidden)]
    fn rates(state: &mut Self::State) -> &mut [f64];
}

impl ImageInput for ImagePopulation {
    fn rates(state: &mut ImageState) -> &mut [f64] {
        &mut state.r
    }
}

impl ImageInput for VideoPopulation {
    fn rates(state: &mut VideoState) -> &mut [f64] {
        &mut state.r
    }
}

/// The geometry of an image population: `(h, w, 1)` becomes `(h, w)`.
fn image_geometry(kind: &str, name: &str, geometry: Geometry) -> Result<Geometry> {
    Shape::of(geometry).map_err(|e| match e {
        Error::Geometry { dims, reason } => Error::Geometry {
            dims,
            reason: format!("{kind} `{name}`: {reason}"),
        },
        other => other,
    })?;
    match *geometry.dims() {
        [height, width, 1] => Geometry::new(&[height, width]),
        _ => Ok(geometry),
    }
}

impl NetworkBuilder {
    /// Adds an [`ImagePopulation`] (ANNarchy's `ImagePopulation(geometry)`):
    /// `(height, width)` for grey images, `(height, width, 3)` for colour
    /// images; `(height, width, 1)` gives `(height, width)`. Its `r` is 0
    /// until [`Network::set_image`].
    ///
    /// # Errors
    ///
    /// [`Error::Geometry`] for any other geometry; the errors of
    /// [`population`](Self::population) (a name in use).
    pub fn image_population(
        &mut self,
        name: &str,
        geometry: impl TryInto<Geometry, Error = Error>,
    ) -> Result<PopId<ImagePopulation>> {
        let g = image_geometry("ImagePopulation", name, geometry.try_into()?)?;
        self.population::<ImagePopulation>(name, g.dims())
    }

    /// Adds a [`VideoPopulation`] (ANNarchy's `VideoPopulation(geometry)`),
    /// with the geometries of [`image_population`](Self::image_population).
    /// Its frames come from [`Network::open_video`].
    ///
    /// # Errors
    ///
    /// As [`image_population`](Self::image_population).
    pub fn video_population(
        &mut self,
        name: &str,
        geometry: impl TryInto<Geometry, Error = Error>,
    ) -> Result<PopId<VideoPopulation>> {
        let g = image_geometry("VideoPopulation", name, geometry.try_into()?)?;
        self.population::<VideoPopulation>(name, g.dims())
    }
}

impl Network {
    /// The shape of an image population, with its name for errors.
    fn image_shape(&self, pop: impl Into<crate::network::AnyPop>, kind: &str) -> Result<Shape> {
        let pop = pop.into();
        let object = format!("{kind} `{}`", self.population_name(pop));
        Shape::of(self.population_geometry(pop)).map_err(|e| match e {
            Error::Geometry { dims, reason } => Error::Geometry {
                dims,
                reason: format!("{object}: {reason}"),
            },
            other => other,
        })
    }

    /// Sets `r` of an image (or video) population from an image file
    /// (PNG, JPEG, BMP, PNM; recognised by content): ANNarchy's
    /// `set_image(filename)`. The image is resized to the population's
    /// geometry if needed and converted to grey or RGB; the values are
    /// `level / 255` (see the [module documentation](self)).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the file cannot be read or decoded;
    /// [`Error::Geometry`] for a population of another geometry than
    /// `(h, w)`, `(h, w, 1)` or `(h, w, 3)` (possible only when added with
    /// [`NetworkBuilder::population`]). `r` is then unchanged.
    pub fn set_image<M: ImageInput>(
        &mut self,
        pop: PopId<M>,
        path: impl AsRef<Path>,
    ) -> Result<()> {
        let kind = M::INFO.type_name;
        let shape = self.image_shape(pop, kind)?;
        let object = format!("{kind} `{}`", self.population_name(pop));
        let values = read(path.as_ref(), shape, &object)?;
        M::rates(self.pop_mut(pop)).copy_from_slice(&values);
        Ok(())
    }

    /// Takes the frames of a video population from image files, replacing
    /// any open sequence or device; `r` is unchanged until
    /// [`grab_image`](Self::grab_image).
    ///
    /// # Errors
    ///
    /// [`Error::Geometry`] for a population of another geometry than
    /// `(h, w)`, `(h, w, 1)` or `(h, w, 3)`.
    pub fn open_video(&mut self, pop: PopId<VideoPopulation>, frames: FrameSequence) -> Result<()> {
        self.image_shape(pop, "VideoPopulation")?;
        self.pop_mut(pop).source = Some(Source::Files(frames));
        Ok(())
    }

    /// Takes the frames of a video population from the camera
    /// `/dev/video<port>` (ANNarchy's `start_camera(camera_port)`),
    /// replacing any open sequence or device; see
    /// [`start_camera_device`](Self::start_camera_device).
    ///
    /// # Errors
    ///
    /// As [`start_camera_device`](Self::start_camera_device).
    pub fn start_camera(&mut self, pop: PopId<VideoPopulation>, port: usize) -> Result<()> {
        self.start_camera_device(pop, format!("/dev/video{port}"))
    }

    /// Takes the frames of a video population from the video device at
    /// `path` (V4L2, 64-bit Linux), replacing any open sequence or device.
    /// The device is asked for frames of the population's size, in the
    /// first uncompressed format it accepts (see the
    /// [module documentation](self)); each [`grab_image`](Self::grab_image)
    /// waits for its next frame. The device stays open until
    /// [`release_video`](Self::release_video) or another source replaces
    /// it; copies of the network ([`Network::try_clone`]) read the same
    /// device.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the device cannot be opened, is not a V4L2
    /// capture device, offers no uncompressed format, or cannot start its
    /// stream of frames, and on other platforms; [`Error::Geometry`] as
    /// [`open_video`](Self::open_video). The population's source is then
    /// unchanged.
    pub fn start_camera_device(
        &mut self,
        pop: PopId<VideoPopulation>,
        path: impl AsRef<Path>,
    ) -> Result<()> {
        let shape = self.image_shape(pop, "VideoPopulation")?;
        let object = format!("VideoPopulation `{}`", self.population_name(pop));
        let camera = Camera::open(path.as_ref(), shape.width, shape.height)
            .map_err(|reason| Error::Invalid { object, reason })?;
        self.pop_mut(pop).source = Some(Source::Camera(Arc::new(Mutex::new(camera))));
        Ok(())
    }

    /// Loads the next frame into `r` (ANNarchy's `grab_image()`), converted
    /// as by [`set_image`](Self::set_image): the next file of a sequence
    /// (which advances), or the next frame of a device.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when no source is open, after the last frame of
    /// a sequence that does not wrap around ([`EndOfSequence::Error`]),
    /// when the frame cannot be read or decoded (a sequence then stays on
    /// that frame), or when a device gives no frame within five seconds.
    /// `r` is then unchanged.
    pub fn grab_image(&mut self, pop: PopId<VideoPopulation>) -> Result<()> {
        let shape = self.image_shape(pop, "VideoPopulation")?;
        let object = format!("VideoPopulation `{}`", self.population_name(pop));
        let invalid = |reason: String| Error::Invalid {
            object: object.clone(),
            reason,
        };
        let frames = match &self.pop(pop).source {
            None => {
                return Err(invalid(
                    "no source of frames is open (Network::open_video or \
                     Network::start_camera opens one)"
                        .into(),
                ));
            }
            Some(Source::Camera(camera)) => {
                let pixels = camera
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .grab()
                    .map_err(invalid)?;
                let levels = pixels
                    .resize(shape.width, shape.height)
                    .convert(shape.colour);
                let r = &mut self.pop_mut(pop).r;
                for (r, v) in r.iter_mut().zip(levels) {
                    *r = f64::from(v) / 255.0;
                }
                return Ok(());
            }
            Some(Source::Files(frames)) => frames,
        };
        let (k, path) = frames.next_path().ok_or_else(|| {
            invalid(format!(
                "the frame sequence ended after its {} frames (rewind it, or open it with \
                 EndOfSequence::Wrap to start again after the last frame)",
                frames.len()
            ))
        })?;
        let values = read(path, shape, &object)?;
        let state = self.pop_mut(pop);
        state.r.copy_from_slice(&values);
        if let Some(Source::Files(f)) = &mut state.source {
            f.next = k + 1;
        }
        Ok(())
    }

    /// Rewinds the open frame sequence of a video population to its first
    /// frame (nothing if none is open, or for a device).
    pub fn rewind_video(&mut self, pop: PopId<VideoPopulation>) {
        if let Some(Source::Files(f)) = &mut self.pop_mut(pop).source {
            f.rewind();
        }
    }

    /// Closes the source of frames of a video population (ANNarchy's
    /// `release()`): returns a frame sequence; closes a device (once no
    /// copy of the network reads it). `r` keeps the last frame.
    pub fn release_video(&mut self, pop: PopId<VideoPopulation>) -> Option<FrameSequence> {
        match self.pop_mut(pop).source.take() {
            Some(Source::Files(f)) => Some(f),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometries_are_grey_or_colour_images() {
        let shape = |d: &[usize]| Shape::of(Geometry::new(d).unwrap());
        assert_eq!(
            shape(&[3, 4]).unwrap(),
            Shape {
                height: 3,
                width: 4,
                colour: false
            }
        );
        assert!(!shape(&[3, 4, 1]).unwrap().colour);
        assert!(shape(&[3, 4, 3]).unwrap().colour);
        for bad in [&[12][..], &[3, 4, 2], &[3, 4, 4], &[2, 3, 4, 3]] {
            assert!(matches!(shape(bad), Err(Error::Geometry { .. })), "{bad:?}");
        }
    }

    #[test]
    fn frame_sequences_end_or_wrap() {
        let f = FrameSequence::from_paths(["a.png", "b.png"]).unwrap();
        assert_eq!(f.next_path().map(|(k, _)| k), Some(0));
        let mut at_end = f.clone();
        at_end.next = 2;
        assert!(at_end.next_path().is_none());
        let mut wrapping = at_end.clone().at_end(EndOfSequence::Wrap);
        assert_eq!(
            wrapping.next_path().map(|(k, p)| (k, p.to_owned())),
            Some((0, "a.png".into()))
        );
        wrapping.rewind();
        assert_eq!(wrapping.position(), 0);
        assert!(FrameSequence::from_paths(Vec::<PathBuf>::new()).is_err());
    }
}
