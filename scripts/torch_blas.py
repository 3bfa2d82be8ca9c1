"""Which BLAS Debian's torch loaded: its build says only BLAS_INFO=generic, and without
libopenblas0-pthread it runs the reference BLAS (~20x slower matmuls), which voids any
comparison. The PyTorch step scripts call require_openblas() after `import torch`."""


def loaded_blas():
    """The BLAS and LAPACK shared libraries mapped into this process."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line or "lapack" in line}
    return sorted(p for p in paths if p.startswith("/"))


def require_openblas():
    libraries = loaded_blas()
    openblas = [p for p in libraries if "libopenblas" in p.rsplit("/", 1)[-1]]
    if not openblas:
        raise SystemExit("torch loaded no OpenBLAS (%s): apt-get install libopenblas0-pthread, or the PyTorch "
                         "figures measure the reference BLAS" % (", ".join(libraries) or "no BLAS"))
    return openblas[0]
