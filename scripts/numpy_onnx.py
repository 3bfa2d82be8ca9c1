#!/usr/bin/python3
"""A tiny NumPy interpreter for the ONNX ops the fixtures and the demo use.

There is no onnxruntime in the fixture-generation environment, so the generator
scripts run every exported graph through this independent evaluator and compare
with PyTorch's outputs: it checks that the graph itself (attributes, BN in
inference form, initializer values) computes what PyTorch computed.

Supported: Constant, Div, Mul, Add, Sub, Gemm, MatMul, Relu, LeakyRelu, Sigmoid, Tanh,
Identity, Conv (pads, strides, dilations, group), BatchNormalization (inference),
MaxPool, AveragePool (no padding), Flatten.
"""
import numpy as np
import onnx
import onnx.numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    g = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    mg = m // g
    for gi in range(g):
        xs = xp[:, gi * cg:(gi + 1) * cg]
        ws = w[gi * mg:(gi + 1) * mg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dh:i * dh + sh * oh:sh, j * dw:j * dw + sw * ow:sw]
                out[:, gi * mg:(gi + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def _pool(x, a, fn):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    assert not any(a.get("pads", [0, 0, 0, 0])) and not a.get("ceil_mode", 0)
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    win = np.stack([x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
                    for i in range(kh) for j in range(kw)])
    return fn(win, axis=0)


def run(model_path, x, overrides=None):
    """Evaluate the graph on x; overrides maps initializer names to replacement values."""
    m = onnx.load(model_path)
    env = {i.name: onnx.numpy_helper.to_array(i).astype(np.float64) for i in m.graph.initializer}
    for k, v in (overrides or {}).items():
        assert k in env and env[k].shape == v.shape, k
        env[k] = np.asarray(v, dtype=np.float64)
    env[m.graph.input[0].name] = np.asarray(x, dtype=np.float64)
    for nd in m.graph.node:
        a = _attrs(nd)
        v = [env[i] if i else None for i in nd.input]
        t = nd.op_type
        if t == "Constant":
            r = onnx.numpy_helper.to_array(a["value"]).astype(np.float64)
        elif t in ("Div", "Mul", "Add", "Sub"):
            r = {"Div": np.divide, "Mul": np.multiply, "Add": np.add, "Sub": np.subtract}[t](v[0], v[1])
        elif t == "Gemm":
            A = v[0].T if a.get("transA", 0) else v[0]
            B = v[1].T if a.get("transB", 0) else v[1]
            r = a.get("alpha", 1.0) * A @ B
            if len(v) > 2 and v[2] is not None:
                r = r + a.get("beta", 1.0) * v[2]
        elif t == "MatMul":
            r = v[0] @ v[1]
        elif t == "Relu":
            r = np.maximum(v[0], 0)
        elif t == "LeakyRelu":
            r = np.where(v[0] >= 0, v[0], a.get("alpha", 0.01) * v[0])
        elif t == "Sigmoid":
            r = 1 / (1 + np.exp(-v[0]))
        elif t == "Tanh":
            r = np.tanh(v[0])
        elif t == "Identity":
            r = v[0]
        elif t == "Conv":
            r = _conv(v[0], v[1], v[2] if len(v) > 2 else None, a)
        elif t == "BatchNormalization":
            assert len(nd.output) == 1
            x_, s, b, mu, var = v
            sh = (1, -1) + (1,) * (x_.ndim - 2)
            r = (x_ - mu.reshape(sh)) / np.sqrt(var.reshape(sh) + a.get("epsilon", 1e-5))
            r = r * s.reshape(sh) + b.reshape(sh)
        elif t == "MaxPool":
            assert len(nd.output) == 1
            r = _pool(v[0], a, np.max)
        elif t == "AveragePool":
            r = _pool(v[0], a, np.mean)
        elif t == "Flatten":
            ax = a.get("axis", 1)
            r = v[0].reshape(int(np.prod(v[0].shape[:ax])), -1)
        else:
            raise NotImplementedError(t)
        env[nd.output[0]] = r
    return env[m.graph.output[0].name]
