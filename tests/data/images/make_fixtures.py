"""Writes the test images of tests/image_population.rs and the values that
ANNarchy's ImagePopulation.set_image() gives for them (expected.rs).

Run from this folder with a Python that has Pillow and NumPy:

    python make_fixtures.py

The pixels come from integer formulas, so the images are the same on every
run. The expected values follow ImagePopulation.set_image() of ANNarchy
4.8 (extensions/image/ImagePopulation.py):

    im = Image.open(path)
    if im.size != (width, height):
        im = im.resize((width, height))      # PIL's default filter
    if dimension == 2: im = im.convert("L")
    r = np.array(im).reshape(size) / 255.

For a colour population (height, width, 3) ANNarchy reshapes the resized
image as it is, which works only for RGB images; the Rust implementation
converts any image to RGB first, as `im.convert("RGB")` does, and so does
this script. expected.rs holds the 8-bit levels (r * 255) in rank order.
"""

import os

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def grey(w, h):
    """Ramps with a checkerboard of hard edges (bicubic overshoots at those)."""
    a = np.zeros((h, w), dtype=np.uint8)
    for y in range(h):
        for x in range(w):
            if (x + y) % 3 == 0:
                a[y, x] = 255 if (x * y) % 2 == 0 else 0
            else:
                a[y, x] = (x * 37 + y * 71 + (x * y) % 7 * 13) % 256
    return a


def colour(w, h):
    a = np.zeros((h, w, 3), dtype=np.uint8)
    for y in range(h):
        for x in range(w):
            a[y, x, 0] = (x * 53 + y * 19) % 256
            a[y, x, 1] = 255 if (x + 2 * y) % 4 == 0 else (x * y * 29 + 7) % 256
            a[y, x, 2] = (255 - x * 31 - y * 17) % 256
    return a


def alpha(w, h):
    a = np.zeros((h, w), dtype=np.uint8)
    for y in range(h):
        for x in range(w):
            a[y, x] = [0, 255, 128, 37, 255, 201][(x + 3 * y) % 6]
    return a


def gradient(w, h):
    a = np.zeros((h, w), dtype=np.uint8)
    for y in range(h):
        for x in range(w):
            a[y, x] = (x * 255 // (w - 1) + (y * 97) % 64) % 256
    return a


def save(name, im, **kw):
    im.save(os.path.join(HERE, name), **kw)


def make_images():
    save("grey.png", Image.fromarray(grey(7, 5), "L"))
    save("grey.pgm", Image.fromarray(grey(7, 5), "L"))
    save("colour.png", Image.fromarray(colour(7, 5), "RGB"))
    save("colour.ppm", Image.fromarray(colour(7, 5), "RGB"))
    rgba = np.dstack([colour(6, 4), alpha(6, 4)])
    save("rgba.png", Image.fromarray(rgba, "RGBA"))
    la = np.dstack([grey(5, 4), alpha(5, 4)])
    save("la.png", Image.fromarray(la, "LA"))
    # Palette image: PIL resizes mode "P" with the nearest neighbour.
    p = Image.new("P", (6, 5))
    p.putpalette([250, 10, 10, 10, 200, 30, 20, 40, 220, 240, 240, 90] + [0] * 756)
    p.putdata([(x * 7 + y * 3 + x * y) % 4 for y in range(5) for x in range(6)])
    save("palette.png", p)
    save("palette.bmp", p)
    # Bilevel image (mode "1"): also resized with the nearest neighbour.
    b = Image.new("1", (6, 5))
    b.putdata([255 if (x * x + 2 * y) % 5 < 2 else 0 for y in range(5) for x in range(6)])
    save("bilevel.png", b)
    # RGB image whose transparency is one colour (tRNS chunk): PIL ignores it.
    c = colour(6, 4)
    key = tuple(int(v) for v in c[1, 2])
    save("rgb_trns.png", Image.fromarray(c, "RGB"), transparency=key)
    save("gradient.png", Image.fromarray(gradient(40, 30), "L"))
    # 8-bit BMP with a grey-ramp palette: Pillow opens it as an L image.
    save("grey.bmp", Image.fromarray(grey(7, 5), "L"))
    # JPEG (lossy): 4:2:0 chroma subsampling for colour, Pillow's default.
    save("colour.jpg", Image.fromarray(colour(16, 12), "RGB"), quality=90)
    save("grey.jpg", Image.fromarray(gradient(16, 12), "L"), quality=90)
    os.makedirs(os.path.join(HERE, "frames"), exist_ok=True)
    for k in range(3):
        f = np.array(
            [[(k * 80 + x * 20 + y * 5) % 256 for x in range(4)] for y in range(3)],
            dtype=np.uint8,
        )
        save(os.path.join("frames", f"frame_{k}.pgm"), Image.fromarray(f, "L"))


def set_image(path, geometry):
    """ANNarchy's ImagePopulation.set_image, returning the 8-bit levels."""
    im = Image.open(os.path.join(HERE, path))
    height, width = geometry[0], geometry[1]
    if im.size != (width, height):
        im = im.resize((width, height))
    im = im.convert("L" if len(geometry) == 2 else "RGB")
    return np.array(im).reshape(int(np.prod(geometry)))


CASES = [
    ("GREY_SAME", "grey.png", (5, 7)),
    ("GREY_DOWN", "grey.png", (3, 4)),
    ("GREY_UP", "grey.png", (9, 11)),
    ("GREY_MIXED", "grey.png", (8, 3)),
    ("GREY_WIDE", "grey.png", (3, 10)),
    ("COLOUR_SAME", "colour.png", (5, 7, 3)),
    ("COLOUR_DOWN", "colour.png", (3, 4, 3)),
    ("COLOUR_UP", "colour.png", (8, 10, 3)),
    ("COLOUR_SAME_L", "colour.png", (5, 7)),
    ("COLOUR_DOWN_L", "colour.png", (3, 4)),
    ("COLOUR_UP_L", "colour.png", (6, 9)),
    ("COLOUR_WIDE", "colour.png", (2, 9, 3)),
    ("GREY_AS_RGB", "grey.png", (4, 6, 3)),
    ("RGBA_DOWN_L", "rgba.png", (3, 4)),
    ("RGBA_UP", "rgba.png", (7, 9, 3)),
    ("LA_DOWN_L", "la.png", (2, 3)),
    ("LA_UP", "la.png", (6, 8, 3)),
    ("PALETTE_DOWN_L", "palette.png", (3, 4)),
    ("PALETTE_UP", "palette.png", (7, 9, 3)),
    ("PALETTE_BMP_DOWN_L", "palette.bmp", (3, 4)),
    ("PALETTE_BMP_UP", "palette.bmp", (7, 9, 3)),
    ("GREY_BMP_DOWN", "grey.bmp", (3, 4)),
    ("GREY_BMP_WIDE", "grey.bmp", (3, 10)),
    ("BILEVEL_UP_L", "bilevel.png", (7, 9)),
    ("BILEVEL_DOWN_L", "bilevel.png", (3, 4)),
    ("TRNS_DOWN_L", "rgb_trns.png", (3, 4)),
    ("TRNS_UP", "rgb_trns.png", (5, 7, 3)),
    ("GRADIENT_DOWN", "gradient.png", (4, 5)),
    ("GRADIENT_DOWN_RGB", "gradient.png", (3, 7, 3)),
    ("GRADIENT_FLAT", "gradient.png", (4, 30)),
    ("GRADIENT_TALL", "gradient.png", (29, 12)),
]

# JPEG decoders differ slightly: these are compared with a tolerance.
JPEG_CASES = [
    ("JPEG_GREY_SAME", "grey.jpg", (12, 16)),
    ("JPEG_GREY_DOWN", "grey.jpg", (5, 7)),
    ("JPEG_COLOUR_SAME", "colour.jpg", (12, 16, 3)),
    ("JPEG_COLOUR_SAME_L", "colour.jpg", (12, 16)),
    ("JPEG_COLOUR_DOWN", "colour.jpg", (5, 7, 3)),
    ("JPEG_COLOUR_UP", "colour.jpg", (20, 30, 3)),
]


def main():
    make_images()
    lines = [
        "// Generated by make_fixtures.py with Pillow "
        + PIL.__version__
        + ": do not edit.",
        "//",
        "// (name, image, geometry, levels): the 8-bit levels (r * 255, rank",
        "// order) that ANNarchy's ImagePopulation.set_image() gives.",
    ]
    for const, cases, doc in [
        ("CASES", CASES, "PNG files"),
        ("JPEG_CASES", JPEG_CASES, "JPEG files, decoded by libjpeg-turbo"),
    ]:
        lines.append("")
        lines.append(f"/// The cases of {doc}: image file, population geometry, levels.")
        lines.append(f"pub const {const}: &[(&str, &str, &[usize], &[u8])] = &[")
        for name, path, geometry in cases:
            levels = ", ".join(str(int(v)) for v in set_image(path, geometry))
            dims = ", ".join(str(d) for d in geometry)
            lines.append(f'    ("{name}", "{path}", &[{dims}], &[{levels}]),')
        lines.append("];")
    with open(os.path.join(HERE, "expected.rs"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
