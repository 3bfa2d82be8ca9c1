#!/usr/bin/python3
"""A tiny NumPy interpreter for the ONNX ops the fixtures and the demo use.

There is no onnxruntime in the fixture-generation environment, so the generator
scripts run every exported graph through this independent evaluator and compare
with PyTorch's outputs: it checks that the graph itself (attributes, BN in
inference form, initializer values) computes what PyTorch computed.

Supported: Constant, Div, Mul, Add, Sub, Gemm, MatMul, Relu, LeakyRelu, Sigmoid, Tanh,
Identity, Conv (pads, strides, dilations, group), BatchNormalization (inference),
MaxPool, AveragePool (no padding), Flatten; for the transformer fixtures also Gather,
Shape, Unsqueeze, Squeeze, Concat, Reshape, Transpose, Expand, Slice, Range, Cast,
ConstantOfShape, Equal, Where, Softmax, ReduceMean, Pow, Sqrt, Erf, LayerNormalization,
Gelu and Dropout (inference only). Floating-point values are evaluated in float64;
integer and boolean values keep their types.
"""
import math

import numpy as np
import onnx
import onnx.numpy_helper


def _attrs(node):
    out = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in out.items()}


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


def _f64(a):
    """Floating-point arrays are evaluated in float64; integers and booleans keep their type."""
    a = np.asarray(a)
    return a.astype(np.float64) if np.issubdtype(a.dtype, np.floating) else a


_ERF = np.vectorize(math.erf, otypes=[np.float64])

_CAST = {onnx.TensorProto.FLOAT: np.float64, onnx.TensorProto.DOUBLE: np.float64,
         onnx.TensorProto.FLOAT16: np.float64, onnx.TensorProto.INT64: np.int64,
         onnx.TensorProto.INT32: np.int32, onnx.TensorProto.BOOL: np.bool_}


def _axes(nd, a, v, opset):
    """Axes from the attribute (older opsets) or the second input (newer ones); None if absent."""
    if "axes" in a:
        return [int(i) for i in a["axes"]]
    if len(v) > 1 and v[1] is not None:
        return [int(i) for i in np.atleast_1d(v[1])]
    return None


def run(model_path, x, overrides=None):
    """Evaluate the graph on x and return its first output.

    x is one array for a single-input model, or a dict from input name to array; overrides
    maps initializer names to replacement values.
    """
    m = onnx.load(model_path)
    opset = next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    env = {i.name: _f64(onnx.numpy_helper.to_array(i)) for i in m.graph.initializer}
    for k, v in (overrides or {}).items():
        assert k in env and env[k].shape == v.shape, k
        env[k] = np.asarray(v, dtype=np.float64)
    inits = {i.name for i in m.graph.initializer}
    inputs = [i.name for i in m.graph.input if i.name not in inits]
    feeds = x if isinstance(x, dict) else {inputs[0]: x}
    assert sorted(feeds) == sorted(inputs), (sorted(feeds), inputs)
    for k, val in feeds.items():
        env[k] = _f64(val)
    for nd in m.graph.node:
        a = _attrs(nd)
        v = [env[i] if i else None for i in nd.input]
        t = nd.op_type
        if t == "Constant":
            r = _f64(onnx.numpy_helper.to_array(a["value"]))
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
        elif t == "Gather":
            r = np.take(v[0], v[1].astype(np.int64), axis=a.get("axis", 0))
        elif t == "Shape":
            r = np.array(v[0].shape, dtype=np.int64)[a.get("start", 0):a.get("end", None)]
        elif t == "Unsqueeze":
            r = v[0]
            axes = _axes(nd, a, v, opset)
            for ax in sorted(i % (v[0].ndim + len(axes)) for i in axes):
                r = np.expand_dims(r, ax)
        elif t == "Squeeze":
            axes = _axes(nd, a, v, opset)
            r = np.squeeze(v[0], axis=None if axes is None else tuple(axes))
        elif t == "Concat":
            r = np.concatenate(v, axis=a["axis"])
        elif t == "Reshape":
            shape = [int(d) for d in v[1]]
            if not a.get("allowzero", 0):
                shape = [v[0].shape[i] if d == 0 else d for i, d in enumerate(shape)]
            r = v[0].reshape(shape)
        elif t == "Transpose":
            r = np.transpose(v[0], a.get("perm", None))
        elif t == "Expand":
            r = v[0] * np.ones([int(d) for d in v[1]], dtype=v[0].dtype)
        elif t == "Slice":
            starts, ends = v[1], v[2]
            axes = v[3] if len(v) > 3 and v[3] is not None else range(len(starts))
            steps = v[4] if len(v) > 4 and v[4] is not None else [1] * len(starts)
            sl = [slice(None)] * v[0].ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(st), int(en), int(sp))
            r = v[0][tuple(sl)]
        elif t == "Range":
            r = np.arange(v[0], v[1], v[2]).astype(v[0].dtype)
        elif t == "Cast":
            r = v[0].astype(_CAST[a["to"]])
        elif t == "ConstantOfShape":
            val = _f64(onnx.numpy_helper.to_array(a["value"])) if "value" in a else np.zeros(1)
            r = np.full([int(d) for d in v[0]], val.reshape(-1)[0], dtype=val.dtype)
        elif t == "Equal":
            r = np.equal(v[0], v[1])
        elif t == "Where":
            r = np.where(v[0], v[1], v[2])
        elif t == "Softmax":
            assert opset >= 13, "Softmax before opset 13 coerces to 2-D"
            z = v[0] - v[0].max(axis=a.get("axis", -1), keepdims=True)
            e = np.exp(z)
            r = e / e.sum(axis=a.get("axis", -1), keepdims=True)
        elif t == "ReduceMean":
            axes = _axes(nd, a, v, opset)
            r = v[0].mean(axis=None if axes is None else tuple(axes), keepdims=bool(a.get("keepdims", 1)))
        elif t == "Pow":
            r = np.power(v[0], v[1])
        elif t == "Sqrt":
            r = np.sqrt(v[0])
        elif t == "Erf":
            r = _ERF(v[0])
        elif t == "Gelu":
            assert a.get("approximate", "none") == "none"
            r = 0.5 * v[0] * (1 + _ERF(v[0] / math.sqrt(2)))
        elif t == "LayerNormalization":
            ax = a.get("axis", -1)
            axes = tuple(range(ax % v[0].ndim, v[0].ndim))
            mu = v[0].mean(axis=axes, keepdims=True)
            var = ((v[0] - mu) ** 2).mean(axis=axes, keepdims=True)
            r = (v[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * v[1]
            if len(v) > 2 and v[2] is not None:
                r = r + v[2]
        elif t == "Dropout":
            # inference: no training_mode input (or a false one) makes Dropout the identity
            assert len(v) < 3 or v[2] is None or not bool(v[2]), "active Dropout"
            r = v[0]
        else:
            raise NotImplementedError(t)
        env[nd.output[0]] = r
    return env[m.graph.output[0].name]
