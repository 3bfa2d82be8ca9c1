"""What the PyTorch baseline scripts share: the BLAS check and the timed loop with its report.

Debian's torch says only BLAS_INFO=generic, and without libopenblas0-pthread it runs the
reference BLAS (~20x slower matmuls), which voids any comparison: require_openblas() refuses
that. time_steps() runs a step function after warm-up and reports ms per step and the process's
peak RSS (getrusage: import torch, the model and the steps)."""
import json
import math
import os
import resource
import time


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


def time_steps(step, warmup, steps):
    """ms of each of `steps` calls of step() (which returns the loss) after `warmup` untimed ones."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1000)
        if not math.isfinite(loss):
            raise SystemExit("non-finite loss")
    return times


def report(title, times, blas, threads, json_path, **fields):
    """Prints one line (mean, min, peak RSS) and, with json_path, writes the figures there."""
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mean = sum(times) / len(times)
    print(f"{title} ({os.path.basename(blas)}, {threads} threads): {mean:.1f} ms/step mean, "
          f"{min(times):.1f} min over {len(times)} steps; peak RSS {peak_mib:.0f} MiB")
    if json_path:
        with open(json_path, "w") as f:
            json.dump(dict(fields, threads=threads, blas=blas, ms_mean=mean, ms_min=min(times), steps_ms=times,
                           peak_rss_mib=peak_mib), f)
