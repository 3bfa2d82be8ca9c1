"""Writes the .npz fixtures of the data package's tests with numpy itself, so that the Java
reader is checked against the real format rather than against our own writer.

Run from the repository root: python3 scripts/make_npz_fixture.py
"""
import io
import zipfile
from pathlib import Path

import numpy as np

OUT = Path("java/src/test/resources/data")


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
    return buffer.getvalue()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    x = np.arange(24, dtype=np.float32).reshape(4, 1, 2, 3) / 4
    ids = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], dtype=np.int64)
    # np.savez stores entries uncompressed, np.savez_compressed deflates them: both are read.
    np.savez(OUT / "tiny.npz", x=x, ids=ids, labels=np.array([0, 2, 1, 2], dtype=np.int64),
             ignored=np.zeros(7, dtype=np.float32))
    np.savez_compressed(OUT / "tiny_compressed.npz", x=x.astype(np.float64),
                        labels=np.array([[0.5, 1], [1.5, 2], [2.5, 3], [3.5, 4]], dtype=np.float64))

    base = np.arange(6).reshape(3, 2)
    arrays = {dtype: base.astype(dtype) for dtype in ["<f4", "<f8", "<i8", "<i4", "|u1", "|i1", "<i2"]}
    arrays["|b1"] = (base % 2).astype(np.bool_)
    with zipfile.ZipFile(OUT / "formats.npz", "w", zipfile.ZIP_DEFLATED) as zip_file:
        for dtype, array in arrays.items():
            zip_file.writestr(dtype[1:] + ".npy", npy_bytes(array))
        zip_file.writestr("v2.npy", npy_bytes(base.astype("<f4"), version=(2, 0)))
        zip_file.writestr("v3.npy", npy_bytes(base.astype("<f4"), version=(3, 0)))
        zip_file.writestr("fortran.npy", npy_bytes(np.asfortranarray(base.astype("<f4"))))
        zip_file.writestr("bigendian.npy", npy_bytes(base.astype(">f4")))
        zip_file.writestr("nan.npy", npy_bytes(np.array([[0, 1], [np.nan, 3], [4, 5]], dtype="<f4")))
        zip_file.writestr("short.npy", npy_bytes(base[:2].astype("<f4")))
        zip_file.writestr("labels.npy", npy_bytes(np.array([1, 0, 1], dtype="<i8")))


if __name__ == "__main__":
    main()
