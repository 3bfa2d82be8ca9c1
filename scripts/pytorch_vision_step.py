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
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bench_models  # noqa: E402  (the same torchvision constructors)
import torch_baseline  # noqa: E402

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
    blas = torch_baseline.require_openblas()
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

    times = torch_baseline.time_steps(step, args.warmup, args.steps)
    torch_baseline.report(f"torch {torch.__version__} {args.model} batch {len(x)}", times, blas,
                          torch.get_num_threads(), args.json, model=args.model)

if __name__ == "__main__":
    main()
