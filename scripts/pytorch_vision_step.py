#!/usr/bin/python3
"""PyTorch baseline for trainer's VisionStepBenchmark: one full fine-tuning step of a torchvision
CNN on the batch and weights that scripts/make_bench_models.py exported.

  /usr/bin/python3 scripts/pytorch_vision_step.py --model resnet18|mobilenetv3 [--threads 2]
          [--models build/bench-models] [--warmup 3] [--steps 10] [--json FILE]

The model is torchvision's (resnet18 or mobilenet_v3_small, 10 classes) with every state_dict
tensor loaded from OUT/<model>/model.onnx (running statistics included) and kept in eval() mode:
BatchNorm in inference form, as trainer trains it (statistics frozen, scale and bias trained).
The step: the 32 images of train.npz, forward, mean cross-entropy, backward,
torch.optim.AdamW(lr 1e-3, weight decay 0.01), fp32, as the benchmark. Prints ms per step (mean
and min over --steps timed steps after --warmup untimed ones), the BLAS torch loaded and the
process's peak RSS (getrusage: import torch, the model and the steps).
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bench_models  # noqa: E402  (the same torchvision constructors)
import torch_blas  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name, folder):
    model, _, _ = make_bench_models.build(name)
    initializers = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(os.path.join(folder, "model.onnx")).graph.initializer}
    state = model.state_dict()
    for key in state:
        if key.endswith("num_batches_tracked"):
            continue
        if key not in initializers:
            raise SystemExit("%s/model.onnx has no initializer %s" % (folder, key))
        state[key] = torch.from_numpy(initializers[key].copy())
    model.load_state_dict(state)
    model.eval()
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, choices=["resnet18", "mobilenetv3"])
    p.add_argument("--models", default=os.path.join(ROOT, "build", "bench-models"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    blas = torch_blas.require_openblas()
    folder = os.path.join(args.models, args.model)
    model = load(args.model, folder)
    data = np.load(os.path.join(folder, "train.npz"))
    x, y = torch.from_numpy(data["input"]), torch.from_numpy(data["labels"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1000)
        if not math.isfinite(loss):
            raise SystemExit("non-finite loss")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mean = sum(times) / len(times)
    print(f"torch {torch.__version__} threads {torch.get_num_threads()} ({os.path.basename(blas)}) {args.model} "
          f"batch {len(x)}: {mean:.1f} ms/step mean, {min(times):.1f} min over {len(times)} steps; "
          f"peak RSS {peak_mib:.0f} MiB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"model": args.model, "threads": torch.get_num_threads(), "blas": blas, "ms_mean": mean,
                       "ms_min": min(times), "steps_ms": times, "peak_rss_mib": peak_mib}, f)


if __name__ == "__main__":
    main()
