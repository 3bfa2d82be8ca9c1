#!/usr/bin/python3
"""Write java/src/test/resources/images/: small image files of the kinds a decoder trips on, with
the pixels Pillow (what torchvision's ImageFolder loads with) decodes from them, and PyTorch's
antialiased bilinear resize of a random image, for the tests of dev.trainer.data.image.

Files (each 24x16 pixels or smaller, solid 8x8 blocks so that JPEG keeps the colours):
  grey.png, grey.jpg           8-bit greyscale
  rgb.png, rgb.bmp             RGB
  rgba.png                     RGB with an alpha channel (alpha is dropped, not composited)
  palette_alpha.png            palette with a transparent entry (tRNS)
  palette.gif                  palette GIF
  rgb.jpg                      YCbCr JPEG, 4:4:4
  cmyk.jpg                     CMYK JPEG (Adobe marker), colours checked loosely: Pillow and an
                               ICC-based decoder convert CMYK differently
  exif_<k>.jpg, k = 2..8       the RGB pattern stored so that EXIF orientation k shows it upright
  truncated.jpg                the first half of rgb.jpg
  not_an_image.png             text

expected.json: per file, "rgb" and "grey": Pillow's 8-bit values after ImageOps.exif_transpose and
convert("RGB") / convert("L"), channel-major (CHW), with "height", "width" and "tolerance" (in
8-bit levels: 0 for lossless files, a few levels for JPEG, whose decoders differ in rounding).

resize.json: a random float32 [3, 13, 17] image and torch.nn.functional.interpolate(...,
mode="bilinear", align_corners=False, antialias=True) of it at several sizes.

Run from the repository root with Debian's Python (Pillow, torch):
  /usr/bin/python3 scripts/make_image_fixtures.py
"""
import io
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

OUT = Path("java/src/test/resources/images")
COLOURS = [(230, 30, 40), (40, 200, 60), (30, 60, 220), (250, 220, 30), (20, 20, 20), (245, 245, 245)]


def pattern():
    """A 16x24 RGB image of six solid 8x8 blocks, no two alike, so any flip or turn shows."""
    a = np.zeros((16, 24, 3), np.uint8)
    for k, colour in enumerate(COLOURS):
        y, x = divmod(k, 3)
        a[y * 8:(y + 1) * 8, x * 8:(x + 1) * 8] = colour
    return Image.fromarray(a, "RGB")


def stored_for(image, orientation):
    """The pixels to store so that a viewer applying EXIF `orientation` shows `image`."""
    inverse = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
               4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
               6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_270}
    return image.transpose(inverse[orientation])


def expected(path, tolerance):
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im)
        rgb = np.asarray(upright.convert("RGB"))
        grey = np.asarray(upright.convert("L"))
    return {"height": int(rgb.shape[0]), "width": int(rgb.shape[1]), "tolerance": tolerance,
            "rgb": rgb.transpose(2, 0, 1).reshape(-1).tolist(), "grey": grey.reshape(-1).tolist()}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rgb = pattern()
    grey = rgb.convert("L")
    files = {}

    grey.save(OUT / "grey.png")
    files["grey.png"] = 0
    grey.save(OUT / "grey.jpg", quality=95)
    files["grey.jpg"] = 3
    rgb.save(OUT / "rgb.png")
    files["rgb.png"] = 0
    rgb.save(OUT / "rgb.bmp")
    files["rgb.bmp"] = 0
    rgba = rgb.copy()
    rgba.putalpha(Image.fromarray(np.tile(np.arange(0, 240, 10, dtype=np.uint8), (16, 1)), "L"))
    rgba.save(OUT / "rgba.png")
    files["rgba.png"] = 0
    palette = rgb.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette.save(OUT / "palette_alpha.png", transparency=0)
    files["palette_alpha.png"] = 0
    palette.save(OUT / "palette.gif")
    files["palette.gif"] = 0
    rgb.save(OUT / "rgb.jpg", quality=95, subsampling=0)
    files["rgb.jpg"] = 4
    for k in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = k
        stored_for(rgb, k).save(OUT / f"exif_{k}.jpg", quality=95, subsampling=0, exif=exif.tobytes())
        files[f"exif_{k}.jpg"] = 4
    cmyk = Image.fromarray(np.array([[[255, 0, 0, 0]] * 8 + [[0, 255, 0, 0]] * 8 + [[0, 0, 0, 255]] * 8] * 8,
                                    np.uint8), "CMYK")
    cmyk.save(OUT / "cmyk.jpg", quality=95)
    files["cmyk.jpg"] = None  # checked by colour family only

    data = (OUT / "rgb.jpg").read_bytes()
    (OUT / "truncated.jpg").write_bytes(data[:len(data) // 2])
    (OUT / "not_an_image.png").write_text("this is not a PNG\n")

    table = {}
    for name, tolerance in files.items():
        table[name] = expected(OUT / name, tolerance)
        if tolerance is not None and name.startswith("exif_"):
            upright = np.asarray(rgb).transpose(2, 0, 1).reshape(-1)
            got = np.array(table[name]["rgb"])
            assert np.abs(got - upright).max() <= tolerance, (name, np.abs(got - upright).max())
    (OUT / "expected.json").write_text(json.dumps(table) + "\n")

    torch.manual_seed(20240613)
    image = torch.rand(3, 13, 17)
    resized = {}
    for h, w in [(8, 6), (29, 31), (13, 9), (5, 17), (4, 40)]:
        out = F.interpolate(image[None], size=(h, w), mode="bilinear", align_corners=False, antialias=True)[0]
        resized[f"{h}x{w}"] = [float(f"{v:.9g}") for v in out.reshape(-1)]
    (OUT / "resize.json").write_text(json.dumps(
        {"shape": [3, 13, 17], "input": [float(f"{v:.9g}") for v in image.reshape(-1)], "resized": resized}) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, into {OUT}")


if __name__ == "__main__":
    main()
