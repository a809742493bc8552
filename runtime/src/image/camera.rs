//! Frames from a video device: a camera read through Video4Linux2 (V4L2),
//! the kernel interface that OpenCV's `VideoCapture` also uses on Linux.
//!
//! The device is opened, asked for frames of about the population's size
//! in one of the uncompressed formats below (the first it accepts, in this
//! order), and read through memory-mapped buffers (or `read`, for devices
//! that offer only that). Each frame is converted to 8-bit RGB or grey, then
//! resized and converted as an image file (Pillow's arithmetic, see the
//! parent module).
//!
//! | format | layout | conversion |
//! |---|---|---|
//! | `YUYV`, `UYVY` | 4:2:2 luma and chroma | ITU-R BT.601, limited range, as OpenCV and libv4l: `R = (298 (Y - 16) + 409 (V - 128) + 128) >> 8`, ... |
//! | `RGB3`, `BGR3` | 24-bit colour | none (channels reordered) |
//! | `GREY` | 8-bit luminance | none |
//!
//! Compressed formats (MJPEG, H.264) are not read: a device that offers no
//! uncompressed format is refused with the list of its formats.
//!
//! The device part exists on 64-bit Linux (x86-64, AArch64, RISC-V 64),
//! whose V4L2 structures it lays out; elsewhere opening a device is an
//! error. The conversion of frames is plain Rust everywhere.

use super::pil::{Mode, Pixels};

/// A pixel format, as V4L2's four-character code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Y0 U Y1 V: two pixels in four bytes.
    Yuyv,
    /// U Y0 V Y1: two pixels in four bytes.
    Uyvy,
    /// Red, green, blue.
    Rgb24,
    /// Blue, green, red.
    Bgr24,
    /// Luminance.
    Grey,
}

impl Format {
    /// The four-character code.
    pub(crate) fn fourcc(self) -> [u8; 4] {
        *match self {
            Format::Yuyv => b"YUYV",
            Format::Uyvy => b"UYVY",
            Format::Rgb24 => b"RGB3",
            Format::Bgr24 => b"BGR3",
            Format::Grey => b"GREY",
        }
    }

    /// Bytes per pixel (in a row).
    fn bytes_per_pixel(self) -> usize {
        match self {
            Format::Yuyv | Format::Uyvy => 2,
            Format::Rgb24 | Format::Bgr24 => 3,
            Format::Grey => 1,
        }
    }
}

/// A frame of `width` x `height` pixels in `format`, whose rows start every
/// `stride` bytes of `data`, as an 8-bit RGB or grey image.
///
/// # Errors
///
/// When `data` is shorter than the frame, or `stride` shorter than a row.
pub(crate) fn to_pixels(
    format: Format,
    width: usize,
    height: usize,
    stride: usize,
    data: &[u8],
) -> Result<Pixels, String> {
    let row = width * format.bytes_per_pixel();
    if width == 0 || height == 0 {
        return Err("the frame has no pixel".into());
    }
    if stride < row || (format.bytes_per_pixel() == 2 && width % 2 == 1) {
        return Err(format!(
            "rows of {stride} bytes cannot hold {width} pixels in {}",
            String::from_utf8_lossy(&format.fourcc())
        ));
    }
    let needed = stride * (height - 1) + row;
    if data.len() < needed {
        return Err(format!(
            "a frame of {} bytes where {width}x{height} pixels need {needed}",
            data.len()
        ));
    }
    let rows = (0..height).map(|y| &data[y * stride..y * stride + row]);
    let (mode, data) = match format {
        Format::Grey => (Mode::L, rows.flatten().copied().collect()),
        Format::Rgb24 => (Mode::Rgb, rows.flatten().copied().collect()),
        Format::Bgr24 => (
            Mode::Rgb,
            rows.flat_map(|r| r.chunks_exact(3).flat_map(|p| [p[2], p[1], p[0]]))
                .collect(),
        ),
        Format::Yuyv | Format::Uyvy => {
            // Offsets of Y0, U, Y1, V in a group of four bytes.
            let [y0, u, y1, v] = if format == Format::Yuyv {
                [0, 1, 2, 3]
            } else {
                [1, 0, 3, 2]
            };
            let rgb = rows
                .flat_map(|r| {
                    r.chunks_exact(4).flat_map(move |g| {
                        let [r0, g0, b0] = yuv_to_rgb(g[y0], g[u], g[v]);
                        let [r1, g1, b1] = yuv_to_rgb(g[y1], g[u], g[v]);
                        [r0, g0, b0, r1, g1, b1]
                    })
                })
                .collect();
            (Mode::Rgb, rgb)
        }
    };
    Ok(Pixels {
        width,
        height,
        mode,
        data,
        nearest: false,
    })
}

/// ITU-R BT.601 (limited range) luma and chroma to RGB, in integers.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(u) - 128;
    let e = i32::from(v) - 128;
    let clip = |x: i32| ((x + 128) >> 8).clamp(0, 255) as u8;
    [
        clip(c + 409 * e),
        clip(c - 100 * d - 208 * e),
        clip(c + 516 * d),
    ]
}

pub(crate) use device::Camera;

/// Where V4L2's structures are not laid out here: opening a device is an
/// error.
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
)))]
mod device {
    use crate::image::pil::Pixels;
    use std::path::Path;

    /// A video device (none can be opened on this platform).
    #[derive(Debug)]
    pub(crate) enum Camera {}

    impl Camera {
        /// Always an error on this platform.
        pub(crate) fn open(_: &Path, _: usize, _: usize) -> Result<Camera, String> {
            Err("video devices are read through V4L2, on 64-bit Linux only".into())
        }

        /// Unreachable: no camera exists.
        pub(crate) fn grab(&mut self) -> Result<Pixels, String> {
            match *self {}
        }

        /// Unreachable: no camera exists.
        pub(crate) fn path(&self) -> &Path {
            match *self {}
        }
    }
}

#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
mod device {
    use super::{Format, to_pixels};
    use crate::image::pil::Pixels;
    use std::fs::File;
    use std::os::fd::AsRawFd;
    use std::path::{Path, PathBuf};

    /// `struct v4l2_capability`.
    #[repr(C)]
    struct Capability {
        driver: [u8; 16],
        card: [u8; 32],
        bus_info: [u8; 32],
        version: u32,
        capabilities: u32,
        device_caps: u32,
        reserved: [u32; 3],
    }

    /// `struct v4l2_pix_format`.
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct PixFormat {
        width: u32,
        height: u32,
        pixelformat: u32,
        field: u32,
        bytesperline: u32,
        sizeimage: u32,
        colorspace: u32,
        private: u32,
        flags: u32,
        ycbcr_enc: u32,
        quantization: u32,
        xfer_func: u32,
    }

    /// The union of `struct v4l2_format` (200 bytes, aligned as a pointer).
    #[repr(C)]
    union FormatUnion {
        pix: PixFormat,
        raw: [u64; 25],
    }

    /// `struct v4l2_format`.
    #[repr(C)]
    struct V4l2Format {
        kind: u32,
        fmt: FormatUnion,
    }

    /// `struct v4l2_requestbuffers`.
    #[repr(C)]
    struct RequestBuffers {
        count: u32,
        kind: u32,
        memory: u32,
        capabilities: u32,
        flags: u8,
        reserved: [u8; 3],
    }

    /// `struct v4l2_timecode`.
    #[repr(C)]
    struct Timecode {
        kind: u32,
        flags: u32,
        frames: u8,
        seconds: u8,
        minutes: u8,
        hours: u8,
        userbits: [u8; 4],
    }

    /// The union `m` of `struct v4l2_buffer`.
    #[repr(C)]
    union BufferLocation {
        offset: u32,
        userptr: u64,
    }

    /// `struct v4l2_buffer`.
    #[repr(C)]
    struct Buffer {
        index: u32,
        kind: u32,
        bytesused: u32,
        flags: u32,
        field: u32,
        timestamp: libc::timeval,
        timecode: Timecode,
        sequence: u32,
        memory: u32,
        m: BufferLocation,
        length: u32,
        reserved2: u32,
        request_fd: u32,
    }

    // The sizes the kernel's request numbers encode (64-bit Linux).
    const _: () = assert!(std::mem::size_of::<Capability>() == 104);
    const _: () = assert!(std::mem::size_of::<V4l2Format>() == 208);
    const _: () = assert!(std::mem::size_of::<RequestBuffers>() == 20);
    const _: () = assert!(std::mem::size_of::<Buffer>() == 88);

    /// `_IOC(dir, 'V', nr, size)`.
    const fn request(dir: u64, nr: u64, size: usize) -> u64 {
        (dir << 30) | ((size as u64) << 16) | ((b'V' as u64) << 8) | nr
    }
    const READ: u64 = 2;
    const WRITE: u64 = 1;
    const QUERYCAP: u64 = request(READ, 0, std::mem::size_of::<Capability>());
    const S_FMT: u64 = request(READ | WRITE, 5, std::mem::size_of::<V4l2Format>());
    const REQBUFS: u64 = request(READ | WRITE, 8, std::mem::size_of::<RequestBuffers>());
    const QUERYBUF: u64 = request(READ | WRITE, 9, std::mem::size_of::<Buffer>());
    const QBUF: u64 = request(READ | WRITE, 15, std::mem::size_of::<Buffer>());
    const DQBUF: u64 = request(READ | WRITE, 17, std::mem::size_of::<Buffer>());
    const STREAMON: u64 = request(WRITE, 18, std::mem::size_of::<i32>());
    const STREAMOFF: u64 = request(WRITE, 19, std::mem::size_of::<i32>());
    const _: () = assert!(QUERYCAP == 0x8068_5600 && S_FMT == 0xc0d0_5605);
    const _: () = assert!(DQBUF == 0xc058_5611 && STREAMON == 0x4004_5612);

    const CAP_VIDEO_CAPTURE: u32 = 0x0000_0001;
    const CAP_READWRITE: u32 = 0x0100_0000;
    const CAP_STREAMING: u32 = 0x0400_0000;
    const CAP_DEVICE_CAPS: u32 = 0x8000_0000;
    const BUF_TYPE_VIDEO_CAPTURE: u32 = 1;
    const MEMORY_MMAP: u32 = 1;

    /// The formats asked for, in order of preference.
    const PREFERRED: [Format; 5] = [
        Format::Yuyv,
        Format::Uyvy,
        Format::Rgb24,
        Format::Bgr24,
        Format::Grey,
    ];

    /// Buffers asked of the driver.
    const BUFFERS: u32 = 4;

    /// Longest wait for a frame, in milliseconds.
    const FRAME_TIMEOUT_MS: i32 = 5000;

    /// `ioctl(fd, request, arg)`, repeated when interrupted.
    ///
    /// # Safety
    ///
    /// `arg` must point to the structure that `request` names.
    unsafe fn ioctl<T>(fd: i32, request: u64, arg: *mut T) -> std::io::Result<()> {
        loop {
            // SAFETY: the caller passes the structure of `request`.
            if unsafe { libc::ioctl(fd, request as libc::Ioctl, arg) } != -1 {
                return Ok(());
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// A buffer of the driver, mapped into this process.
    #[derive(Debug)]
    struct Mapping {
        ptr: *mut libc::c_void,
        len: usize,
    }

    /// How frames are read.
    #[derive(Debug)]
    enum Io {
        /// `read` into this buffer.
        Read(Vec<u8>),
        /// Buffers exchanged with the driver (`VIDIOC_QBUF`/`VIDIOC_DQBUF`).
        Streaming(Vec<Mapping>),
    }

    /// An open video device, delivering frames.
    #[derive(Debug)]
    pub(crate) struct Camera {
        file: File,
        path: PathBuf,
        format: Format,
        width: usize,
        height: usize,
        stride: usize,
        io: Io,
    }

    // SAFETY: the mappings belong to this camera alone (they are created by
    // `open` and unmapped by `drop`), and are only read through `&mut self`;
    // the network shares a camera behind a mutex.
    unsafe impl Send for Camera {}

    impl Camera {
        /// Opens the device at `path` and starts its frames, asking for
        /// `width` x `height` pixels (the driver gives its nearest size).
        pub(crate) fn open(path: &Path, width: usize, height: usize) -> Result<Camera, String> {
            let file = File::options()
                .read(true)
                .write(true)
                .open(path)
                .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
            let fd = file.as_raw_fd();
            // SAFETY: all-zero bytes are a valid `v4l2_capability`.
            let mut cap: Capability = unsafe { std::mem::zeroed() };
            // SAFETY: QUERYCAP fills a `v4l2_capability`.
            unsafe { ioctl(fd, QUERYCAP, &mut cap) }
                .map_err(|e| format!("`{}` is not a V4L2 video device: {e}", path.display()))?;
            let caps = if cap.capabilities & CAP_DEVICE_CAPS != 0 {
                cap.device_caps
            } else {
                cap.capabilities
            };
            if caps & CAP_VIDEO_CAPTURE == 0 {
                return Err(format!("`{}` does not capture video", path.display()));
            }
            let (format, pix) =
                set_format(fd, width, height).map_err(|e| format!("`{}`: {e}", path.display()))?;
            let (w, h) = (pix.width as usize, pix.height as usize);
            let stride = (pix.bytesperline as usize).max(w * format.bytes_per_pixel());
            let io = if caps & CAP_STREAMING != 0 {
                Io::Streaming(
                    start_streaming(fd).map_err(|e| format!("`{}`: {e}", path.display()))?,
                )
            } else if caps & CAP_READWRITE != 0 {
                let size = (pix.sizeimage as usize).max(stride * h);
                Io::Read(vec![0; size])
            } else {
                return Err(format!(
                    "`{}` offers neither streaming nor read I/O",
                    path.display()
                ));
            };
            Ok(Camera {
                file,
                path: path.to_path_buf(),
                format,
                width: w,
                height: h,
                stride,
                io,
            })
        }

        /// The device's path.
        pub(crate) fn path(&self) -> &Path {
            &self.path
        }

        /// Waits for the next frame (at most five seconds) and converts it.
        pub(crate) fn grab(&mut self) -> Result<Pixels, String> {
            let fd = self.file.as_raw_fd();
            let what = |e: std::io::Error| format!("`{}`: {e}", self.path.display());
            wait_readable(fd).map_err(what)?;
            let (format, w, h, stride) = (self.format, self.width, self.height, self.stride);
            match &mut self.io {
                Io::Read(buf) => {
                    let n = loop {
                        // SAFETY: `buf` is valid for `buf.len()` bytes.
                        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                        if n >= 0 {
                            break n as usize;
                        }
                        let e = std::io::Error::last_os_error();
                        if e.kind() != std::io::ErrorKind::Interrupted {
                            return Err(what(e));
                        }
                    };
                    to_pixels(format, w, h, stride, &buf[..n])
                }
                Io::Streaming(maps) => {
                    let mut b = buffer(0);
                    // SAFETY: DQBUF fills a `v4l2_buffer`.
                    unsafe { ioctl(fd, DQBUF, &mut b) }.map_err(what)?;
                    let map = maps
                        .get(b.index as usize)
                        .ok_or_else(|| format!("the driver returned buffer {}", b.index))?;
                    let used = (b.bytesused as usize).min(map.len);
                    // SAFETY: the mapping is `map.len` bytes long, and the
                    // driver does not write to a dequeued buffer.
                    let data = unsafe { std::slice::from_raw_parts(map.ptr.cast::<u8>(), used) };
                    let frame = to_pixels(format, w, h, stride, data);
                    // SAFETY: QBUF reads a `v4l2_buffer`.
                    unsafe { ioctl(fd, QBUF, &mut b) }.map_err(what)?;
                    frame
                }
            }
        }
    }

    impl Drop for Camera {
        fn drop(&mut self) {
            if let Io::Streaming(maps) = &self.io {
                let mut kind = BUF_TYPE_VIDEO_CAPTURE as i32;
                // SAFETY: STREAMOFF reads an `int`; errors are of no use here.
                let _ = unsafe { ioctl(self.file.as_raw_fd(), STREAMOFF, &mut kind) };
                for m in maps {
                    // SAFETY: each mapping was made by `mmap` with this length.
                    unsafe { libc::munmap(m.ptr, m.len) };
                }
            }
        }
    }

    /// A `v4l2_buffer` of the capture queue, memory-mapped, number `index`.
    fn buffer(index: u32) -> Buffer {
        // SAFETY: all-zero bytes are a valid `v4l2_buffer`.
        let mut b: Buffer = unsafe { std::mem::zeroed() };
        b.index = index;
        b.kind = BUF_TYPE_VIDEO_CAPTURE;
        b.memory = MEMORY_MMAP;
        b
    }

    /// Asks for the preferred formats in turn; the first the driver takes.
    fn set_format(fd: i32, width: usize, height: usize) -> Result<(Format, PixFormat), String> {
        let mut offered = Vec::new();
        for format in PREFERRED {
            // SAFETY: all-zero bytes are a valid `v4l2_format`.
            let mut f: V4l2Format = unsafe { std::mem::zeroed() };
            f.kind = BUF_TYPE_VIDEO_CAPTURE;
            let code = u32::from_le_bytes(format.fourcc());
            f.fmt.pix = PixFormat {
                width: u32::try_from(width).unwrap_or(u32::MAX),
                height: u32::try_from(height).unwrap_or(u32::MAX),
                pixelformat: code,
                // SAFETY: the union was zeroed; any bytes are valid `u32`s.
                ..unsafe { f.fmt.pix }
            };
            // SAFETY: S_FMT reads and fills a `v4l2_format`.
            unsafe { ioctl(fd, S_FMT, &mut f) }
                .map_err(|e| format!("cannot set the format of the frames: {e}"))?;
            // SAFETY: the driver filled the `pix` member of a capture format.
            let pix = unsafe { f.fmt.pix };
            if pix.pixelformat == code && pix.width > 0 && pix.height > 0 {
                return Ok((format, pix));
            }
            offered.push(String::from_utf8_lossy(&pix.pixelformat.to_le_bytes()).into_owned());
        }
        offered.dedup();
        Err(format!(
            "none of the formats YUYV, UYVY, RGB3, BGR3, GREY is offered (the device proposes {})",
            offered.join(", ")
        ))
    }

    /// Maps the driver's buffers, queues them and starts the stream.
    fn start_streaming(fd: i32) -> Result<Vec<Mapping>, String> {
        let mut req = RequestBuffers {
            count: BUFFERS,
            kind: BUF_TYPE_VIDEO_CAPTURE,
            memory: MEMORY_MMAP,
            capabilities: 0,
            flags: 0,
            reserved: [0; 3],
        };
        // SAFETY: REQBUFS reads and fills a `v4l2_requestbuffers`.
        unsafe { ioctl(fd, REQBUFS, &mut req) }
            .map_err(|e| format!("cannot get frame buffers: {e}"))?;
        if req.count == 0 {
            return Err("the driver gives no frame buffer".into());
        }
        let mut maps: Vec<Mapping> = Vec::new();
        for index in 0..req.count {
            let mut b = buffer(index);
            // SAFETY: QUERYBUF fills a `v4l2_buffer`.
            unsafe { ioctl(fd, QUERYBUF, &mut b) }
                .map_err(|e| format!("cannot query frame buffer {index}: {e}"))?;
            let len = b.length as usize;
            // SAFETY: the driver sets the `offset` member for MMAP buffers.
            let offset = libc::off_t::from(unsafe { b.m.offset });
            // SAFETY: a new shared mapping of the buffer the driver
            // described; checked below.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd,
                    offset,
                )
            };
            if ptr == libc::MAP_FAILED {
                let e = std::io::Error::last_os_error();
                for m in &maps {
                    // SAFETY: mapped above with this length.
                    unsafe { libc::munmap(m.ptr, m.len) };
                }
                return Err(format!("cannot map frame buffer {index}: {e}"));
            }
            maps.push(Mapping { ptr, len });
        }
        let started = (|| {
            for index in 0..req.count {
                let mut b = buffer(index);
                // SAFETY: QBUF reads a `v4l2_buffer`.
                unsafe { ioctl(fd, QBUF, &mut b) }?;
            }
            let mut kind = BUF_TYPE_VIDEO_CAPTURE as i32;
            // SAFETY: STREAMON reads an `int`.
            unsafe { ioctl(fd, STREAMON, &mut kind) }
        })();
        if let Err(e) = started {
            for m in &maps {
                // SAFETY: mapped above with this length.
                unsafe { libc::munmap(m.ptr, m.len) };
            }
            return Err(format!("cannot start the stream of frames: {e}"));
        }
        Ok(maps)
    }

    /// Waits until a frame can be read, at most [`FRAME_TIMEOUT_MS`].
    fn wait_readable(fd: i32) -> std::io::Result<()> {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            // SAFETY: one valid `pollfd`.
            match unsafe { libc::poll(&mut p, 1, FRAME_TIMEOUT_MS) } {
                1.. => return Ok(()),
                0 => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no frame within {} s", FRAME_TIMEOUT_MS / 1000),
                    ));
                }
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuv_levels_follow_bt601_limited_range() {
        assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
        assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
        assert_eq!(yuv_to_rgb(126, 128, 128), [128, 128, 128]);
        // Pure red, green and blue of BT.601 (studio swing), within one level.
        let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= 1);
        assert!(near(yuv_to_rgb(81, 90, 240), [255, 0, 0]));
        assert!(near(yuv_to_rgb(145, 54, 34), [0, 255, 0]));
        assert!(near(yuv_to_rgb(41, 240, 110), [0, 0, 255]));
    }

    #[test]
    fn frames_become_rgb_or_grey_rows() {
        // 2x2 YUYV with padded rows (stride 6): grey levels, then red and blue.
        let yuyv = [
            16, 128, 235, 128, 9, 9, //
            81, 90, 41, 240, 9, 9,
        ];
        let p = to_pixels(Format::Yuyv, 2, 2, 6, &yuyv).unwrap();
        assert_eq!((p.width, p.height, p.mode), (2, 2, Mode::Rgb));
        assert_eq!(&p.data[..6], &[0, 0, 0, 255, 255, 255]);
        // The second pair shares U = 90, V = 240 (red's chroma).
        assert_eq!(p.data[6..9], yuv_to_rgb(81, 90, 240));
        assert_eq!(p.data[9..12], yuv_to_rgb(41, 90, 240));
        let uyvy = [128, 16, 128, 235];
        let q = to_pixels(Format::Uyvy, 2, 1, 4, &uyvy).unwrap();
        assert_eq!(q.data, [0, 0, 0, 255, 255, 255]);
        let bgr = [1, 2, 3, 4, 5, 6];
        assert_eq!(
            to_pixels(Format::Bgr24, 2, 1, 6, &bgr).unwrap().data,
            [3, 2, 1, 6, 5, 4]
        );
        assert_eq!(
            to_pixels(Format::Rgb24, 1, 2, 4, &[1, 2, 3, 0, 4, 5, 6])
                .unwrap()
                .data,
            [1, 2, 3, 4, 5, 6]
        );
        let grey = to_pixels(Format::Grey, 3, 1, 3, &[7, 8, 9]).unwrap();
        assert_eq!((grey.mode, grey.data), (Mode::L, vec![7, 8, 9]));
    }

    #[test]
    fn short_or_odd_frames_are_errors() {
        assert!(to_pixels(Format::Grey, 4, 4, 4, &[0; 15]).is_err());
        assert!(to_pixels(Format::Rgb24, 2, 1, 5, &[0; 6]).is_err());
        assert!(to_pixels(Format::Yuyv, 3, 1, 6, &[0; 6]).is_err());
        assert!(to_pixels(Format::Grey, 0, 4, 4, &[]).is_err());
        // The last row needs no padding.
        assert!(to_pixels(Format::Grey, 2, 2, 4, &[0; 6]).is_ok());
    }
}
