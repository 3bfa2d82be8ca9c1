#!/usr/bin/python3
"""Generate the PyTorch reference for LoRA: hand-written adapters (no PEFT) on the tiny BERT.

The base models are the committed bert_tiny_torchscript (every Linear a MatMul with a
pre-transposed weight under a generated name) and bert_tiny_export_style (every Linear a
Gemm with transB=1 and the state_dict's own weight) fixtures. This script rebuilds their
PyTorch model with make_transformer_fixtures.py's code and seeds, and checks that it holds the
committed ONNX initializers and reads the committed batches.

Every Linear inside the encoder layers (query, key, value, attention output, intermediate,
output: trainer's default targets) gets an adapter, written out by hand:

    y = x W^T + b + (x A^T) B^T * alpha / r        A [r, in], B [out, r] (PEFT's layout)

with rank 4 and alpha 8. A and B get fixed non-zero values (in a real run B starts at zero,
which would leave A's gradient zero and prove nothing). In float64:

  grads.npz     d(mean cross-entropy over train.npz)/dA and /dB of every adapter
  expected.npz  logits_adapted: the adapted model on held.npz;
                logits_merged: the plain model with W + alpha/r * B A on held.npz
  factors.npz   the A and B values given

Arrays are keyed "WEIGHT|A" and "WEIGHT|B" by the ONNX weight's name and laid out as trainer
lays out its factors (edit/LoraAdapter.java): like the weight, so for a MatMul weight
[in, out] A is [in, r] (PEFT's A transposed) and B [r, out]; for a Gemm transB=1 weight
[out, in], PEFT's A [r, in] and B [out, r]. fixture.json lists rank, alpha and the targets in
graph order ({"weight", "module", "transposed"}).

The merged weights are also substituted into the committed ONNX graph and evaluated with
numpy_onnx.py: the graph computes logits_merged, so the names and layouts above are right.

Run:  /usr/bin/python3 scripts/make_lora_fixtures.py
Writes java/src/test/resources/fixtures/lora/<base fixture>/; not run at test time.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_onnx  # noqa: E402
import make_transformer_fixtures as base  # noqa: E402  (the model, its seeds, the export checks)

FIXTURES = base.OUT
OUT = os.path.join(FIXTURES, "lora")
RANK, ALPHA = 4, 8.0
SCALE = ALPHA / RANK
TARGETS = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense"]
TEXT_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]

torch.set_default_dtype(torch.float64)


class LoraLinear(nn.Module):
    """A frozen Linear plus (x A^T) B^T * scale: LoRA written out, PEFT's parameter layout."""

    def __init__(self, linear, a, b):
        super().__init__()
        self.linear = linear
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(b)

    def forward(self, x):
        return self.linear(x) + (x @ self.lora_A.T) @ self.lora_B.T * SCALE


def module(root, dotted):
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


def replace(root, dotted, new):
    parent, _, leaf = dotted.rpartition(".")
    setattr(module(root, parent), leaf, new)


def fresh_bert():
    """The committed fixtures' model and weights (make_transformer_fixtures.main's recipe)."""
    torch.manual_seed(10)
    torch.set_default_dtype(torch.float32)
    bert = base.BertTiny()
    base.perturb_layernorms(bert, 11)
    torch.set_default_dtype(torch.float64)
    return bert.eval()


def target_names():
    return ["encoder.layer.%d.%s" % (layer, t) for layer in range(base.LAYERS) for t in TARGETS]


def given_factors():
    """Fixed values: A as trainer initialises it, U(+-1/sqrt(in)); B ~ N(0, 0.2) instead of zero."""
    g = torch.Generator().manual_seed(20240612)
    reference = fresh_bert()
    factors = {}
    for name in target_names():
        linear = module(reference, name)
        bound = 1 / np.sqrt(linear.in_features)
        a = (torch.rand(RANK, linear.in_features, generator=g, dtype=torch.float64) * 2 - 1) * bound
        b = torch.randn(linear.out_features, RANK, generator=g, dtype=torch.float64) * 0.2
        # float32 values, so that trainer's float32 buffer holds exactly what PyTorch used
        factors[name] = (a.float().double(), b.float().double())
    return factors


def load_npz(path):
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def lora_fixture(name, factors):
    folder = os.path.join(FIXTURES, name)
    model_path = os.path.join(folder, "model.onnx")
    bert = fresh_bert()
    _, _, _, sources, _ = base.check_onnx(model_path, bert, TEXT_INPUTS)
    onnx_name = {src["state_dict"]: (onnx_key, src["transposed"]) for onnx_key, src in sources.items()}
    train, held = load_npz(os.path.join(folder, "train.npz")), load_npz(os.path.join(folder, "held.npz"))
    fresh_train, fresh_labels, fresh_held = base.text_batches()
    for k in TEXT_INPUTS:
        assert np.array_equal(train[k], fresh_train[k]) and np.array_equal(held[k], fresh_held[k]), k
    assert np.array_equal(train["labels"], fresh_labels)

    bert = bert.double()
    for p in bert.parameters():
        p.requires_grad_(False)
    plain = fresh_bert().double()
    targets, given, grads = [], {}, {}
    for target in target_names():
        a, b = factors[target]
        adapted = LoraLinear(module(bert, target), a.clone(), b.clone())
        replace(bert, target, adapted)
        weight, stored_transposed = onnx_name[target + ".weight"]
        # A MatMul weight is stored transposed ([in, out]); trainer lays its factors out like it.
        transposed = not stored_transposed
        targets.append({"weight": weight, "module": target, "transposed": transposed})
        merged = module(plain, target).weight.detach() + SCALE * (b @ a)
        with torch.no_grad():
            module(plain, target).weight.copy_(merged)

    def tensors(x):
        return [torch.from_numpy(x[k]) for k in TEXT_INPUTS]

    loss = nn.CrossEntropyLoss()(bert(*tensors(train)), torch.from_numpy(train["labels"]))
    loss.backward()
    for entry in targets:
        adapted = module(bert, entry["module"])
        layout = (lambda t: t) if entry["transposed"] else (lambda t: t.T)
        for factor, tensor in (("A", adapted.lora_A), ("B", adapted.lora_B)):
            given[entry["weight"] + "|" + factor] = np.ascontiguousarray(layout(tensor.detach()).numpy(), np.float32)
            grads[entry["weight"] + "|" + factor] = np.ascontiguousarray(layout(tensor.grad).numpy())
    with torch.no_grad():
        logits_adapted = bert(*tensors(held)).numpy()
        logits_merged = plain(*tensors(held)).numpy()
        logits_base = fresh_bert().double()(*tensors(held)).numpy()
    assert np.abs(logits_adapted - logits_merged).max() < 1e-10, "merging changes what the model computes"
    moved = float(np.abs(logits_adapted - logits_base).max())
    assert moved > 0.1, "the adapters barely change the outputs (%g)" % moved
    assert min(float(np.abs(g).max()) for g in grads.values()) > 1e-4, "a factor's gradient is trivial"

    overrides = {}
    for entry in targets:
        w = module(plain, entry["module"]).weight.detach().numpy()
        overrides[entry["weight"]] = w if entry["transposed"] else w.T
    onnx_err = float(np.abs(numpy_onnx.run(model_path, {k: held[k] for k in TEXT_INPUTS}, overrides) - logits_merged).max())
    assert onnx_err < 1e-5, "%s: the ONNX graph with merged weights disagrees (%g)" % (name, onnx_err)

    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    np.savez(os.path.join(out, "factors.npz"), **given)
    np.savez(os.path.join(out, "grads.npz"), **grads)
    np.savez(os.path.join(out, "expected.npz"), logits_adapted=logits_adapted, logits_merged=logits_merged)
    info = {"base_fixture": name, "rank": RANK, "alpha": ALPHA, "loss": float(loss.item()), "targets": targets,
            "max_logit_change": moved, "torch_version": torch.__version__, "dtype": "float64"}
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print("== lora/%s: %d adapters, loss %.6f, logits moved %.4f by the adapters, ONNX merged error %.1e"
          % (name, len(targets), loss.item(), moved, onnx_err))


def main():
    factors = given_factors()
    for name in ("bert_tiny_torchscript", "bert_tiny_export_style"):
        lora_fixture(name, factors)


if __name__ == "__main__":
    sys.exit(main())
