#!/usr/bin/python3
"""The sharp oracle: trainer's gradients against PyTorch's float64 autograd, model by model.

For each model of the zoo (torchvision 0.14's classifiers, random init, and BERT- and ViT-style
transformers built from torch.nn layers in both export styles):
  1. build it with a fixed seed, perturb every constant-valued floating-point tensor (LayerNorm
     and BatchNorm weights of 1, zero biases, running statistics, layer scales) so that the
     exporter merges nothing, and put it in eval mode (BatchNorm on running statistics, Dropout off);
  2. export it in float32: torch.onnx.export (TorchScript), opset 14, BatchNorm kept as a node
     (training=PRESERVE), no constant folding, so that every ONNX initializer is a state_dict
     tensor under its own name; the torch 2.x style graphs are built with onnx.helper
     (scripts/make_transformer_fixtures.py);
  3. run `trainer gradients` on the float32 export and one fixed batch of 2, with the inputs of its
     Relu, Clip and MaxPool nodes declared outputs (see Kinks);
  4. compute the gradient of the mean cross-entropy for every parameter with the model cast to
     float64 (its values read back from the exported initializers), each kink of ReLU, ReLU6 and max
     pooling taken on the side trainer's forward took, and compare per tensor:
     relative error = max|trainer - torch| / max|torch| <= 1e-4. A tensor whose float64 gradient
     is zero up to rounding (below 1e-6 of the model's largest gradient, e.g. the bias of attention
     keys, which softmax cancels) is held to an absolute bound of 1e-4 of that largest gradient.
     The forward outputs (logits) and the loss are compared too.

Writes build/zoo/<model>/{model.onnx, probe.onnx, data.npz, torch.npz, trainer.npz, result.json},
the table of every result found there to models/zoo.md and a short one into README.md's "Supported
models". With --fixtures, the small models (tiny versions of the torchvision architectures that
need the newer rules, and the transformers) are also written to
java/src/test/resources/fixtures/zoo/<model>/ for ZooGradientsTest.

Run through scripts/zoo (which builds trainer first):  scripts/zoo [--fixtures] [MODEL ...]
ZOO_TRAINER=COMMAND runs another trainer launcher (e.g. a copy of a build, while the sources change).
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_transformer_fixtures as tf  # noqa: E402  (the transformer blocks and the torch 2.x style builder)
import numpy_onnx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "zoo")
FIXTURES = os.path.join(ROOT, "java", "src", "test", "resources", "fixtures", "zoo")
TABLE = os.path.join(ROOT, "models", "zoo.md")
README = os.path.join(ROOT, "README.md")
OPSET = 14
BATCH = 2
BOUND = 1e-4
ZERO = 1e-6

warnings.filterwarnings("ignore")
torch.set_num_threads(2)


# --------------------------------------------------------------------------- the zoo

def torchvision_model(name, size):
    def build():
        return getattr(torchvision.models, name)(weights=None), image_batch(size)
    return build


def image_batch(size, channels=3):
    g = torch.Generator().manual_seed(size)
    x = torch.randn(BATCH, channels, size, size, generator=g)
    return {"input": x.numpy()}, np.array([3, 1], dtype=np.int64)


def tiny(cls, size, **kwargs):
    def build():
        return cls(num_classes=5, **kwargs), image_batch(size)
    return build


def bert():
    torch.manual_seed(10)
    model = tf.BertTiny()
    tf.perturb_layernorms(model, 11)
    rng = np.random.default_rng(20240611)
    feeds, labels = tf.token_batch(rng, BATCH, 12)
    return model, (feeds, labels)


def vit():
    torch.manual_seed(12)
    model = tf.ViTTiny()
    tf.perturb_layernorms(model, 13)
    return model, image_batch(8, channels=1)


TORCHSCRIPT = "torch.onnx.export, opset 14"
TORCH2 = "torch 2.x style (opset 20, onnx.helper)"


class Entry:
    """A model of the zoo: how to build it, how it is exported, whether it is small enough to commit as
    a test fixture, whether its constant-valued tensors are perturbed, and trainer's extra flags."""

    def __init__(self, build, style=TORCHSCRIPT, fixture=False, perturb=True, flags=()):
        self.build, self.style, self.fixture, self.perturb, self.flags = build, style, fixture, perturb, list(flags)


MODELS = {}
for _name, _size in [("alexnet", 224), ("convnext_tiny", 64), ("densenet121", 64), ("efficientnet_b0", 64),
                     ("googlenet", 64), ("maxvit_t", 224), ("mnasnet0_5", 64), ("mobilenet_v2", 64),
                     ("mobilenet_v3_small", 64), ("regnet_y_400mf", 64), ("resnet18", 64), ("resnet50", 64),
                     ("shufflenet_v2_x0_5", 64), ("squeezenet1_0", 64), ("swin_t", 224), ("vgg11_bn", 224),
                     ("vit_b_16", 224), ("wide_resnet50_2", 64), ("efficientnet_v2_s", 64), ("regnet_x_400mf", 64)]:
    MODELS[_name] = Entry(torchvision_model(_name, _size))
MODELS["bert_tiny"] = Entry(bert, fixture=True)
MODELS["bert_tiny_torch2"] = Entry(bert, TORCH2, fixture=True)
MODELS["vit_tiny"] = Entry(vit, fixture=True)
MODELS["vit_tiny_torch2"] = Entry(vit, TORCH2, fixture=True)
# the shared-initializer trap: exported as is, the exporter merges every BatchNorm weight of 1 and bias
# of 0 with its running statistics and with each other; --untie-shared gives every use its copy back
MODELS["resnet18_merged"] = Entry(torchvision_model("resnet18", 64), perturb=False, flags=["--untie-shared"])
# torchvision's own classes at tiny widths: the same exported ops as swin_t, maxvit_t and densenet121
# (Pad, Mod, ScatterND, computed Slices; Einsum; Pad + AveragePool)
MODELS["tiny_swin"] = Entry(tiny(torchvision.models.SwinTransformer, 28, patch_size=[4, 4], embed_dim=8, depths=[2, 2],
                                 num_heads=[1, 2], window_size=[3, 3], stochastic_depth_prob=0.0), fixture=True)
MODELS["tiny_maxvit"] = Entry(tiny(torchvision.models.MaxVit, 16, input_size=(16, 16), stem_channels=8, partition_size=2,
                                   block_channels=[8, 16], block_layers=[1, 1], head_dim=4, stochastic_depth_prob=0.0),
                              fixture=True)
MODELS["tiny_densenet"] = Entry(tiny(torchvision.models.DenseNet, 32, growth_rate=4, block_config=(1, 1),
                                     num_init_features=8, bn_size=2), fixture=True)


# --------------------------------------------------------------------------- steps

def perturb_constants(model, seed):
    """Every floating-point tensor whose elements are all equal gets distinct values, so that no
    two tensors are equal and the exporter merges none (running variances stay positive)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point() or t.numel() == 0 or not bool((t == t.flatten()[0]).all()):
                continue
            noise = torch.rand(t.shape, generator=g, dtype=t.dtype)
            value = float(t.flatten()[0])
            if name.endswith("running_var"):
                t.mul_(1 + 0.5 * noise)
            elif value == 0:
                t.add_(0.1 * (noise - 0.5))
            else:
                t.mul_(1 + 0.2 * (noise - 0.5))
    floats = [t for t in model.state_dict().values() if t.is_floating_point()]
    for i, a in enumerate(floats):
        assert not any(a.shape == b.shape and torch.equal(a, b) for b in floats[i + 1:]), "two equal tensors would merge"


def export(model, feeds, style, path):
    names = list(feeds)
    if style == TORCH2:
        (tf.export_style_bert if "input_ids" in feeds else tf.export_style_vit)(model, path)
        got = numpy_onnx.run(path, feeds)
        with torch.no_grad():
            want = model(*[torch.from_numpy(feeds[n]) for n in names]).numpy()
        assert np.abs(got - want).max() < 1e-4, "the hand-built graph disagrees with torch"
        return
    dynamic = {n: {0: "batch"} for n in names}
    dynamic["logits"] = {0: "batch"}
    torch.onnx.export(model, tuple(torch.from_numpy(feeds[n]) for n in names), path, opset_version=OPSET,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                      input_names=names, output_names=["logits"], dynamic_axes=dynamic)


KINK_OPS = ("Relu", "Clip", "MaxPool")


class Kinks:
    """The sides of the kinks of ReLU, ReLU6 (hardtanh) and max pooling that trainer's float32 forward
    took, replayed in the float64 forward.

    A pre-activation within float32 rounding of zero, or two maxima of a pooling window within rounding
    of each other, can fall on one side in a float32 forward and on the other in float64 (and PyTorch's
    and ONNX Runtime's float32 roundings differ too); the gradient of everything before such a site then
    changes by far more than rounding. So the export's Relu, Clip and MaxPool inputs are declared outputs
    of the model trainer runs (`trainer gradients` writes every float output), and the float64 forward
    takes each side from those values: ReLU's mask from their sign, ReLU6's region, max pooling's
    argmax. `sites` counts the elements where float64's own side differs."""

    def __init__(self, values):
        self.values, self.position, self.sites = values, 0, 0
        self.originals = {n: getattr(F, n) for n in ("relu", "hardtanh", "max_pool2d")}

    def __enter__(self):
        F.relu, F.hardtanh, F.max_pool2d = self.relu, self.hardtanh, self.max_pool2d
        return self

    def __exit__(self, *exc):
        for n, f in self.originals.items():
            setattr(F, n, f)

    def trainers(self, x):
        """trainer's float32 value of the input of the next kink, shaped as x."""
        assert self.position < len(self.values), "more kinks in PyTorch's forward than in the export"
        v = self.values[self.position]
        self.position += 1
        assert v.size == x.numel(), "kink %d: trainer's input has %d elements, PyTorch's %d" % (
            self.position - 1, v.size, x.numel())
        return torch.from_numpy(v.reshape(tuple(x.shape)))

    def relu(self, x, inplace=False):
        mask = self.trainers(x) > 0
        self.sites += int((mask != (x > 0)).sum())
        return x * mask.to(x.dtype)

    def hardtanh(self, x, min_val=-1.0, max_val=1.0, inplace=False):
        v = self.trainers(x)
        region = (v > min_val).to(torch.int8) + (v >= max_val).to(torch.int8)
        self.sites += int((region != (x > min_val).to(torch.int8) + (x >= max_val).to(torch.int8)).sum())
        return torch.where(region == 1, x, torch.full_like(x, min_val).where(region == 0, torch.full_like(x, max_val)))

    def max_pool2d(self, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        _, indices = F.max_pool2d_with_indices(self.trainers(x), kernel_size, stride, padding, dilation, ceil_mode)
        _, own = F.max_pool2d_with_indices(x, kernel_size, stride, padding, dilation, ceil_mode)
        self.sites += int((indices != own).sum())
        out = x.flatten(2).gather(2, indices.flatten(2)).view(indices.shape)
        return (out, indices) if return_indices else out


def declare_kink_inputs(path, probe_path):
    """The export with the input of every Relu, Clip and MaxPool declared a float output, in node order."""
    m = onnx.load(path)
    names = []
    for node in m.graph.node:
        if node.op_type in KINK_OPS and node.input[0] not in names:
            names.append(node.input[0])
    m.graph.output.extend(onnx.helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None) for n in names)
    onnx.save(m, probe_path)
    return names


def torch_gradients(model, feeds, labels, onnx_path, kink_values):
    """float64 loss, logits and gradients of the mean cross-entropy, with the parameters read back from
    the export and the kinks on trainer's sides; and the number of elements where that differs from
    float64's own sides."""
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
    model = model.double()
    load(model, inits, np.float64)
    with Kinks(kink_values) as kinks:
        result = float64_gradients(model, feeds, labels, inits)
        assert kinks.position == len(kink_values), "fewer kinks in PyTorch's forward than in the export"
    return result, kinks.sites


def load(model, inits, dtype):
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.is_floating_point() and name in inits:
                t.copy_(torch.from_numpy(inits[name].astype(dtype)))


def float64_gradients(model, feeds, labels, inits):
    """Loss, logits and gradients of the float64 model."""
    for p in model.parameters():
        p.grad = None
    inputs = [torch.from_numpy(v.astype(np.float64) if v.dtype == np.float32 else v) for v in feeds.values()]
    logits = model(*inputs)
    loss = F.cross_entropy(logits, torch.from_numpy(labels))
    loss.backward()
    # parameters the eval forward does not use (GoogLeNet's auxiliary heads) are not in the export
    unused = [n for n, p in model.named_parameters() if p.grad is None and n not in inits]
    grads = {n: (p.grad if p.grad is not None else torch.zeros_like(p)).numpy().copy()
             for n, p in model.named_parameters() if n not in unused}
    return float(loss), logits.detach().numpy(), grads


def run_trainer(folder, flags):
    started = time.time()
    done = subprocess.run([os.environ.get("ZOO_TRAINER", os.path.join(ROOT, "trainer")), "gradients",
                           "--model", "probe.onnx", "--data", "data.npz", "--out", "trainer.npz", "--threads", "2"]
                          + flags, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("trainer gradients failed: " + done.stderr.strip().splitlines()[-1])
    return time.time() - started


def compare(torch_grads, trainer_npz):
    ours = np.load(trainer_npz)
    largest = max(float(np.abs(g).max()) for g in torch_grads.values())
    rows = []
    for name, g in torch_grads.items():
        assert name in ours.files, "trainer trained no parameter %s" % name
        delta = float(np.abs(ours[name].astype(np.float64) - g).max())
        scale = float(np.abs(g).max())
        zero = scale < ZERO * largest
        error = delta / (largest if zero else scale)
        rows.append({"tensor": name, "error": error, "zero": zero, "size": int(g.size)})
    extra = sorted(f for f in set(ours.files) - set(torch_grads) if not f.startswith("trainer:"))
    assert not extra, "trainer trains tensors torch does not have: %s" % extra
    return rows, ours


def run_model(name, write_fixture):
    entry = MODELS[name]
    folder = os.path.join(BUILD, name)
    os.makedirs(folder, exist_ok=True)
    started = time.time()
    torch.manual_seed(0)
    model, (feeds, labels) = entry.build()
    model.eval()
    if entry.perturb:
        perturb_constants(model, 1)
    path = os.path.join(folder, "model.onnx")
    export(model, feeds, entry.style, path)
    np.savez(os.path.join(folder, "data.npz"), **feeds, labels=labels)
    kinks = declare_kink_inputs(path, os.path.join(folder, "probe.onnx"))
    trainer_seconds = run_trainer(folder, entry.flags)
    ours = np.load(os.path.join(folder, "trainer.npz"))
    (loss, logits, grads), sites = torch_gradients(model, feeds, labels, path,
                                                   [ours["trainer:output:" + k] for k in kinks])
    np.savez(os.path.join(folder, "torch.npz"), **grads)
    rows, ours = compare(grads, os.path.join(folder, "trainer.npz"))
    worst = max(rows, key=lambda r: r["error"])
    output_error = float(np.abs(ours["trainer:output"] - logits).max() / np.abs(logits).max())
    result = {
        "model": name, "export": entry.style + "".join(" " + f for f in entry.flags),
        "input": {k: list(v.shape) for k, v in feeds.items()},
        "parameters": int(sum(g.size for g in grads.values())), "tensors": len(rows),
        "zero_tensors": sum(r["zero"] for r in rows), "worst_tensor": worst["tensor"],
        "worst_error": worst["error"], "output_error": output_error,
        "kinks": len(kinks), "kink_sites": sites,
        "loss_error": abs(float(ours["trainer:loss"]) - loss) / abs(loss),
        "trainer_seconds": round(trainer_seconds, 1), "seconds": round(time.time() - started, 1),
    }
    result["pass"] = bool(worst["error"] <= BOUND and output_error <= BOUND and result["loss_error"] <= BOUND)
    with open(os.path.join(folder, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    if write_fixture and entry.fixture:
        save_fixture(name, folder, grads, loss, logits)
    return result


def save_fixture(name, folder, grads, loss, logits):
    """model.onnx and data.npz as run, and PyTorch's float64 results rounded to float32: every parameter's
    gradient under its name, the loss as `torch:loss` and the logits as `torch:logits`."""
    out = os.path.join(FIXTURES, name)
    os.makedirs(out, exist_ok=True)
    for f in ("model.onnx", "data.npz"):
        with open(os.path.join(folder, f), "rb") as src, open(os.path.join(out, f), "wb") as dst:
            dst.write(src.read())
    arrays = {k: v.astype(np.float32) for k, v in grads.items()}
    arrays["torch:loss"] = np.array(loss, dtype=np.float32)
    arrays["torch:logits"] = logits.astype(np.float32)
    np.savez(os.path.join(out, "gradients.npz"), **arrays)


# --------------------------------------------------------------------------- the table

def write_table():
    rows = []
    for name in MODELS:
        f = os.path.join(BUILD, name, "result.json")
        if os.path.exists(f):
            with open(f) as r:
                rows.append(json.load(r))
    lines = ["# Model zoo: trainer's gradients against PyTorch's", "",
             "Written by `scripts/zoo` (see `scripts/README.md`). Every model is built with a fixed seed (random",
             "init), its constant-valued tensors perturbed so the exporter merges none, exported in eval mode",
             "in float32, and given one batch of %d. PyTorch computes the gradient of the mean cross-entropy for" % BATCH,
             "every parameter with the model cast to float64; `trainer gradients` computes it in float32 on the",
             "export. The error of a tensor is max|trainer - PyTorch| / max|PyTorch| (for a tensor whose float64",
             "gradient is zero up to rounding, / the model's largest gradient); the bound is %g, on the worst" % BOUND,
             "tensor and on the logits (`output`).", "",
             "ReLU, ReLU6 and max pooling have kinks: a pre-activation within float32 rounding of zero, or two",
             "maxima of a pooling window within rounding of each other, can take one side in a float32 forward and",
             "the other in float64 (PyTorch's and ONNX Runtime's float32 roundings differ as well), and the",
             "gradient of everything before such a site then changes by far more than rounding. So the inputs of",
             "the export's Relu, Clip and MaxPool nodes (`kinks`) are declared outputs of the model trainer runs,",
             "and the float64 forward takes each kink on the side trainer's float32 forward took; `sites` counts",
             "the elements where float64's own side differs. Seconds: `trainer gradients` (start-up included) and",
             "the whole row (export, PyTorch, trainer), on a shared 2-core machine.", "",
             "| model | export | input | parameters | tensors | worst tensor | error | output | kinks | sites"
             " | trainer s | total s | |",
             "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        shape = ", ".join("x".join(str(d) for d in s) for s in r["input"].values())
        lines.append("| %s | %s | %s | %s | %d | `%s` | %.1e | %.1e | %d | %d | %.1f | %.0f | %s |" % (
            r["model"], r["export"], shape, format(r["parameters"], ","), r["tensors"], r["worst_tensor"],
            r["worst_error"], r["output_error"], r["kinks"], r["kink_sites"], r["trainer_seconds"], r["seconds"],
            "pass" if r["pass"] else "FAIL"))
    with open(TABLE, "w") as f:
        f.write("\n".join(lines) + "\n")
    write_readme_table(rows)


def write_readme_table(rows):
    """The short table of README.md's "Supported models", between its markers."""
    begin, end = "<!-- zoo:begin (written by scripts/zoo) -->\n", "<!-- zoo:end -->"
    lines = ["| model | export | parameters | worst gradient error | logits error | |",
             "| --- | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append("| %s | %s | %s | %.1e | %.1e | %s |" % (r["model"], r["export"], format(r["parameters"], ","),
                                                         r["worst_error"], r["output_error"],
                                                         "pass" if r["pass"] else "FAIL"))
    with open(README) as f:
        text = f.read()
    start, stop = text.index(begin) + len(begin), text.index(end)
    with open(README, "w") as f:
        f.write(text[:start] + "\n".join(lines) + "\n" + text[stop:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", help="models to run (default: all)")
    parser.add_argument("--fixtures", action="store_true", help="also write the small models as test fixtures")
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error("unknown models %s; known: %s" % (unknown, " ".join(MODELS)))
    failed = []
    for name in args.models or list(MODELS):
        try:
            r = run_model(name, args.fixtures)
            print("%-22s %12s params  worst %.1e (%s)  output %.1e  %5.1fs  %s" % (
                name, format(r["parameters"], ","), r["worst_error"], r["worst_tensor"], r["output_error"],
                r["seconds"], "pass" if r["pass"] else "FAIL"), flush=True)
            if not r["pass"]:
                failed.append(name)
        except Exception as e:  # one model's failure must not hide the others'
            print("%-22s ERROR %s" % (name, str(e).splitlines()[0] if str(e) else repr(e)), flush=True)
            failed.append(name)
    write_table()
    if failed:
        print("failed: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
