#!/usr/bin/python3
"""Generate the PyTorch reference fixtures for transformer blocks (both ONNX export styles).

Same procedure and file layout as make_sgd_fixtures.py: a small model with fixed seeds
(float32, CPU, deterministic), exported UNTRAINED in eval mode, then `steps` plain SGD steps
(momentum 0, weight decay 0, mean cross-entropy) in eval mode (dropout off) on one fixed
batch (the whole batch every step), and the outputs on a held batch before and after.

Fixtures (java/src/test/resources/fixtures/<name>/):
  bert_tiny_torchscript  BERT-style classifier (token + position + token-type embeddings,
                         LayerNorm, 2 post-norm encoder layers with an additive attention
                         mask built from attention_mask inside the model, erf GELU, CLS
                         pooling, linear head); torch.onnx.export opset 14: LayerNorm is
                         decomposed (ReduceMean/Sub/Pow/Sqrt/Div), GELU is Erf arithmetic,
                         reshapes to heads are Shape/Gather/Unsqueeze/Concat chains.
  bert_tiny_opset17      the same model and weights, exported at opset 17 (the TorchScript
                         exporter emits LayerNormalization natively there).
  bert_tiny_export_style the same model and weights as a torch.export/dynamo-style graph
                         (opset 20: LayerNormalization, Gelu, inactive Dropout nodes, Gemm
                         for every Linear between 2-D Reshapes, Unsqueeze/ReduceMean-style
                         axes as inputs), built with onnx.helper because torch 1.13 cannot
                         produce it; initializer names = state_dict names.
  vit_tiny               a tiny pre-norm vision transformer on 8x8 digits (Conv2d patch
                         embedding 2x2, CLS token, position embedding, 2 encoder layers,
                         final LayerNorm, head on CLS); torch.onnx.export opset 17.

Files as make_sgd_fixtures.py: model.onnx, train.npz, held.npz, expected.npz,
grads_step0.npz, params_after.npz, fixture.json. The npz inputs are named like the model's
inputs (input_ids/attention_mask/token_type_ids int64, or input float32). The TorchScript
exporter stores the weight of a Linear applied to a 3-D tensor pre-transposed under a
generated name (onnx::MatMul_NNN); grads_step0.npz and params_after.npz are keyed by the
ONNX initializer names (transposed where the initializer is), and fixture.json's
`initializer_sources` maps each such name back to its state_dict tensor.

Run:  /usr/bin/python3 scripts/make_transformer_fixtures.py
Needs torch (1.13 tested) and onnx (1.12 tested); not run at test time.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_onnx  # noqa: E402  (independent NumPy evaluation of the exported graph)
from make_sgd_fixtures import load_csv  # noqa: E402  (the same digits rows as the SGD fixtures)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "java", "src", "test", "resources", "fixtures")
STEPS = 5
TRAIN_ROWS = 32
HELD_ROWS = 16

VOCAB, HIDDEN, HEADS, LAYERS, INTER, MAX_POS, TYPES, CLASSES = 100, 32, 4, 2, 64, 16, 2, 3
SEQ, HELD_SEQ = 16, 12  # the held batch is shorter: exercises the dynamic sequence axis
LN_EPS = 1e-12
MASK_MIN = float(torch.finfo(torch.float32).min)
CLS_ID, SEP_ID, PAD_ID = 2, 3, 0

warnings.filterwarnings("ignore", message="It is recommended that constant folding")
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)


# --------------------------------------------------------------------------- models

class SelfAttention(nn.Module):
    def __init__(self, hidden, heads, p):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(p)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, mask=None):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class Dense(nn.Module):
    """Linear -> Dropout -> LayerNorm(x + residual): BERT's attention.output and output."""

    def __init__(self, d_in, hidden, p):
        super().__init__()
        self.dense = nn.Linear(d_in, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=LN_EPS)
        self.dropout = nn.Dropout(p)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.self = SelfAttention(HIDDEN, HEADS, p)
        self.output = Dense(HIDDEN, HIDDEN, p)

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, INTER)
        self.intermediate_act_fn = nn.GELU()  # erf form

    def forward(self, x):
        return self.intermediate_act_fn(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.attention = Attention(p)
        self.intermediate = Intermediate()
        self.output = Dense(INTER, HIDDEN, p)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(p) for _ in range(LAYERS)])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class Embeddings(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(MAX_POS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LN_EPS)
        self.dropout = nn.Dropout(p)

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
        x = (self.word_embeddings(input_ids) + self.position_embeddings(positions)
             + self.token_type_embeddings(token_type_ids))
        return self.dropout(self.LayerNorm(x))


class BertTiny(nn.Module):
    """A tiny BERT-style sequence classifier with HuggingFace's parameter names."""

    def __init__(self, p=0.1):
        super().__init__()
        self.embeddings = Embeddings(p)
        self.encoder = Encoder(p)
        self.dropout = nn.Dropout(p)
        self.classifier = nn.Linear(HIDDEN, CLASSES)

    def forward(self, input_ids, attention_mask, token_type_ids):
        # the usual extended attention mask: 0 where attended, float32 min where padded
        mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * MASK_MIN
        h = self.encoder(self.embeddings(input_ids, token_type_ids), mask)
        return self.classifier(self.dropout(h[:, 0]))


class ViTBlock(nn.Module):
    def __init__(self, hidden, heads, mlp, p):
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden, eps=1e-6)
        self.attn = SelfAttention(hidden, heads, p)
        self.proj = nn.Linear(hidden, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=1e-6)
        self.fc1 = nn.Linear(hidden, mlp)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(mlp, hidden)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        x = x + self.drop(self.proj(self.attn(self.norm1(x))))
        return x + self.drop(self.fc2(self.act(self.fc1(self.norm2(x)))))


class ViTTiny(nn.Module):
    """Pre-norm ViT on [B,1,8,8]: 2x2 patches (16 tokens) + CLS, 2 blocks, head on CLS."""

    def __init__(self, hidden=24, heads=4, mlp=48, depth=2, patch=2, classes=10, p=0.1):
        super().__init__()
        n = (8 // patch) ** 2
        self.patch_embed = nn.Conv2d(1, hidden, kernel_size=patch, stride=patch)
        self.cls_token = nn.Parameter(0.5 * torch.randn(1, 1, hidden))
        self.pos_embed = nn.Parameter(0.5 * torch.randn(1, n + 1, hidden))
        self.blocks = nn.ModuleList([ViTBlock(hidden, heads, mlp, p) for _ in range(depth)])
        self.norm = nn.LayerNorm(hidden, eps=1e-6)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


def perturb_layernorms(model, gen_seed):
    """LayerNorm gamma/beta away from 1/0, so a swapped or missing scale/bias gradient shows."""
    g = torch.Generator().manual_seed(gen_seed)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.LayerNorm):
                mod.weight.copy_(1.0 + 0.2 * torch.randn(mod.weight.shape, generator=g))
                mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))


# --------------------------------------------------------------------------- data

def token_batch(rng, rows, seq):
    """Random sentences: [CLS] segment A [SEP] segment B [SEP] then padding; real length 4..seq."""
    ids = np.full((rows, seq), PAD_ID, dtype=np.int64)
    mask = np.zeros((rows, seq), dtype=np.int64)
    types = np.zeros((rows, seq), dtype=np.int64)
    for r in range(rows):
        n = int(rng.integers(4, seq + 1))
        ids[r, :n] = rng.integers(4, VOCAB, size=n)
        ids[r, 0] = CLS_ID
        ids[r, n - 1] = SEP_ID
        split = int(rng.integers(1, n - 1))  # [SEP] closing segment A, before the final one
        ids[r, split] = SEP_ID
        mask[r, :n] = 1
        types[r, split + 1:n] = 1
    labels = np.array([int(ids[r, mask[r] == 1].sum()) % CLASSES for r in range(rows)], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}, labels


def text_batches():
    rng = np.random.default_rng(20240611)
    train, y = token_batch(rng, TRAIN_ROWS, SEQ)
    held, _ = token_batch(rng, HELD_ROWS, HELD_SEQ)
    return train, y, held


def digits_batches():
    """Same rows as make_sgd_fixtures.py: train = rows 0..31, held = rows 100..115, pixels / 16."""
    _, arr = load_csv("digits.csv")
    x = (arr[:, :64] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = arr[:, 64].astype(np.int64)
    return {"input": x[:TRAIN_ROWS]}, y[:TRAIN_ROWS], {"input": x[100:100 + HELD_ROWS]}


# --------------------------------------------------------------------------- exports

def torchscript_export(model, sample, path, input_names, opset):
    model.eval()
    dyn = {n: ({0: "batch", 1: "sequence"} if sample[i].dim() == 2 else {0: "batch"})
           for i, n in enumerate(input_names)}
    dyn["logits"] = {0: "batch"}
    torch.onnx.export(model, tuple(sample), path, export_params=True, opset_version=opset,
                      do_constant_folding=True, keep_initializers_as_inputs=False,
                      training=torch.onnx.TrainingMode.EVAL, input_names=input_names,
                      output_names=["logits"], dynamic_axes=dyn)


class GraphMaker:
    """Small onnx.helper wrapper: nodes in order, constants as Constant nodes, fresh names."""

    def __init__(self):
        self.nodes, self.count = [], {}

    def name(self, base):
        self.count[base] = self.count.get(base, 0) + 1
        return "%s_%d" % (base, self.count[base])

    def op(self, op_type, inputs, n_out=1, out=None, **attrs):
        outs = [out] if out else [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(oh.make_node(op_type, inputs, outs, name=self.name("node_" + op_type), **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, value, dtype):
        arr = np.array(value, dtype=dtype)
        return self.op("Constant", [], value=onnx.numpy_helper.from_array(arr, self.name("const")))


def export_style_bert(model, path):
    """BERT as torch.export + the dynamo ONNX exporter lay it out (opset 20), built by hand.

    Every Linear is Reshape to 2-D -> Gemm(transB=1) -> Reshape back (aten.addmm/view),
    LayerNorm is LayerNormalization, GELU is Gelu, every nn.Dropout is an inactive Dropout
    node with a ratio input and no training_mode input, the position ids come from
    Shape/Gather/Range, the mask from Unsqueeze (axes as an input)/Cast/Sub/Mul.
    Initializers are the state_dict tensors, under their state_dict names.
    """
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    g = GraphMaker()
    ratio = g.const(0.1, np.float32)

    def dropout(x):
        return g.op("Dropout", [x, ratio])

    def linear(x3, prefix, d_out, lead):  # x3 [B,S,d_in]
        x2 = g.op("Reshape", [x3, g.const([-1, sd[prefix + ".weight"].shape[1]], np.int64)])
        y2 = g.op("Gemm", [x2, prefix + ".weight", prefix + ".bias"], transB=1)
        return g.op("Reshape", [y2, g.op("Concat", [lead, g.const([d_out], np.int64)], axis=0)])

    def layer_norm(x, prefix):
        return g.op("LayerNormalization", [x, prefix + ".weight", prefix + ".bias"], axis=-1, epsilon=LN_EPS)

    shape = g.op("Shape", ["input_ids"])
    lead = g.op("Slice", [shape, g.const([0], np.int64), g.const([2], np.int64), g.const([0], np.int64)])
    seq_len = g.op("Gather", [shape, g.const(1, np.int64)], axis=0)
    positions = g.op("Unsqueeze", [g.op("Range", [g.const(0, np.int64), seq_len, g.const(1, np.int64)]),
                                   g.const([0], np.int64)])
    e = g.op("Add", [g.op("Gather", ["embeddings.word_embeddings.weight", "input_ids"]),
                     g.op("Gather", ["embeddings.position_embeddings.weight", positions])])
    e = g.op("Add", [e, g.op("Gather", ["embeddings.token_type_embeddings.weight", "token_type_ids"])])
    h = dropout(layer_norm(e, "embeddings.LayerNorm"))

    m = g.op("Unsqueeze", ["attention_mask", g.const([1, 2], np.int64)])
    m = g.op("Cast", [m], to=onnx.TensorProto.FLOAT)
    mask = g.op("Mul", [g.op("Sub", [g.const(1.0, np.float32), m]), g.const(MASK_MIN, np.float32)])
    head_shape = g.const([0, 0, HEADS, HIDDEN // HEADS], np.int64)
    scale = g.const(math.sqrt(HIDDEN // HEADS), np.float32)
    for i in range(LAYERS):
        p = "encoder.layer.%d." % i

        def heads(x):
            return g.op("Transpose", [g.op("Reshape", [x, head_shape])], perm=[0, 2, 1, 3])

        q = heads(linear(h, p + "attention.self.query", HIDDEN, lead))
        k = heads(linear(h, p + "attention.self.key", HIDDEN, lead))
        v = heads(linear(h, p + "attention.self.value", HIDDEN, lead))
        scores = g.op("Div", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]), scale])
        probs = dropout(g.op("Softmax", [g.op("Add", [scores, mask])], axis=-1))
        ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, g.op("Concat", [lead, g.const([HIDDEN], np.int64)], axis=0)])
        a = dropout(linear(ctx, p + "attention.output.dense", HIDDEN, lead))
        a = layer_norm(g.op("Add", [a, h]), p + "attention.output.LayerNorm")
        f = g.op("Gelu", [linear(a, p + "intermediate.dense", INTER, lead)], approximate="none")
        f = dropout(linear(f, p + "output.dense", HIDDEN, lead))
        h = layer_norm(g.op("Add", [f, a]), p + "output.LayerNorm")
    cls = dropout(g.op("Gather", [h, g.const(0, np.int64)], axis=1))
    g.op("Gemm", [cls, "classifier.weight", "classifier.bias"], transB=1, out="logits")

    inputs = [oh.make_tensor_value_info(n, onnx.TensorProto.INT64, ["batch", "sequence"])
              for n in ("input_ids", "attention_mask", "token_type_ids")]
    outputs = [oh.make_tensor_value_info("logits", onnx.TensorProto.FLOAT, ["batch", CLASSES])]
    inits = [onnx.numpy_helper.from_array(v, k) for k, v in sd.items()]
    graph = oh.make_graph(g.nodes, "main_graph", inputs, outputs, inits)
    proto = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 20)], producer_name="trainer-fixtures",
                          producer_version="dynamo-style")
    proto.ir_version = 9  # opset 20 needs IR 9 (onnx 1.15+); onnx 1.12's checker stops at opset 17
    onnx.save(proto, path)


def export_style_vit(model, path):
    """ViTTiny as torch.export + the dynamo ONNX exporter lay it out (opset 20), built by hand.

    Conv patch embedding, Reshape/Transpose to tokens, the CLS token Expanded over the batch and
    Concatenated, LayerNormalization, every Linear as Reshape to 2-D -> Gemm(transB=1) -> Reshape
    back, Gelu, inactive Dropout nodes, CLS pooling as Gather(axis=1). Initializers are the
    state_dict tensors, under their state_dict names.
    """
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    hidden = sd["cls_token"].shape[-1]
    heads = model.blocks[0].attn.heads
    tokens = sd["pos_embed"].shape[1]
    patch = model.patch_embed.kernel_size
    g = GraphMaker()
    ratio = g.const(0.1, np.float32)

    def dropout(x):
        return g.op("Dropout", [x, ratio])

    def linear(x3, prefix, d_out, lead):
        x2 = g.op("Reshape", [x3, g.const([-1, sd[prefix + ".weight"].shape[1]], np.int64)])
        y2 = g.op("Gemm", [x2, prefix + ".weight", prefix + ".bias"], transB=1)
        return g.op("Reshape", [y2, g.op("Concat", [lead, g.const([d_out], np.int64)], axis=0)])

    def layer_norm(x, prefix):
        return g.op("LayerNormalization", [x, prefix + ".weight", prefix + ".bias"], axis=-1, epsilon=1e-6)

    batch = g.op("Slice", [g.op("Shape", ["input"]), g.const([0], np.int64), g.const([1], np.int64)])
    p = g.op("Conv", ["input", "patch_embed.weight", "patch_embed.bias"], kernel_shape=list(patch), strides=list(patch))
    p = g.op("Transpose", [g.op("Reshape", [p, g.const([0, hidden, -1], np.int64)])], perm=[0, 2, 1])
    cls = g.op("Expand", ["cls_token", g.op("Concat", [batch, g.const([1, hidden], np.int64)], axis=0)])
    x = g.op("Add", [g.op("Concat", [cls, p], axis=1), "pos_embed"])
    lead = g.op("Concat", [batch, g.const([tokens], np.int64)], axis=0)
    head_shape = g.const([0, 0, heads, hidden // heads], np.int64)
    scale = g.const(math.sqrt(hidden // heads), np.float32)
    for i in range(len(model.blocks)):
        b = "blocks.%d." % i

        def split(t):
            return g.op("Transpose", [g.op("Reshape", [t, head_shape])], perm=[0, 2, 1, 3])

        h = layer_norm(x, b + "norm1")
        q, k, v = (split(linear(h, b + "attn." + n, hidden, lead)) for n in ("query", "key", "value"))
        scores = g.op("Div", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]), scale])
        probs = dropout(g.op("Softmax", [scores], axis=-1))
        ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, g.op("Concat", [lead, g.const([hidden], np.int64)], axis=0)])
        x = g.op("Add", [x, dropout(linear(ctx, b + "proj", hidden, lead))])
        f = g.op("Gelu", [linear(layer_norm(x, b + "norm2"), b + "fc1", sd[b + "fc1.weight"].shape[0], lead)])
        x = g.op("Add", [x, dropout(linear(f, b + "fc2", hidden, lead))])
    cls = g.op("Gather", [layer_norm(x, "norm"), g.const(0, np.int64)], axis=1)
    g.op("Gemm", [cls, "head.weight", "head.bias"], transB=1, out="logits")

    side = int(round(math.sqrt(tokens - 1))) * patch[0]
    inputs = [oh.make_tensor_value_info("input", onnx.TensorProto.FLOAT, ["batch", 1, side, side])]
    outputs = [oh.make_tensor_value_info("logits", onnx.TensorProto.FLOAT, ["batch", sd["head.weight"].shape[0]])]
    inits = [onnx.numpy_helper.from_array(v, k) for k, v in sd.items()]
    proto = oh.make_model(oh.make_graph(g.nodes, "main_graph", inputs, outputs, inits),
                          opset_imports=[oh.make_opsetid("", 20)], producer_name="trainer-fixtures",
                          producer_version="dynamo-style")
    proto.ir_version = 9
    onnx.save(proto, path)


# --------------------------------------------------------------------------- checks

def check_structure(m, input_names):
    """What onnx 1.12 can check of any opset: SSA, topological order, known inputs, types."""
    known = {i.name for i in m.graph.initializer} | {i.name for i in m.graph.input}
    for nd in m.graph.node:
        for i in nd.input:
            assert not i or i in known, "%s reads undefined %s" % (nd.name, i)
        for o in nd.output:
            assert o not in known, "%s redefines %s" % (nd.name, o)
            known.add(o)
    assert [o.name for o in m.graph.output] == ["logits"]
    assert all(o.name in known for o in m.graph.output)


def check_onnx(path, model, input_names):
    m = onnx.load(path)
    opset = next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    if opset <= onnx.defs.onnx_opset_version():
        onnx.checker.check_model(m, full_check=True)
    check_structure(m, input_names)
    assert [i.name for i in m.graph.input] == input_names, [i.name for i in m.graph.input]
    ops = [n.op_type for n in m.graph.node]
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in m.graph.initializer}
    # Every state_dict tensor is an initializer with the same name and bit-identical value,
    # or (TorchScript MatMul for a Linear on a 3-D tensor) its transpose under a generated name.
    sd = {k: v.numpy() for k, v in model.state_dict().items()}
    sources, unclaimed = {}, dict(inits)
    for k, v in sd.items():
        if k in inits:
            np.testing.assert_array_equal(inits[k], v, err_msg=k)
            sources[k] = {"state_dict": k, "transposed": False}
            del unclaimed[k]
            continue
        hits = [n for n, a in unclaimed.items() if a.shape == v.T.shape and np.array_equal(a, v.T)]
        assert len(hits) == 1, "%s: no unique initializer holds it (%s)" % (k, hits)
        sources[hits[0]] = {"state_dict": k, "transposed": True}
        del unclaimed[hits[0]]
    # Anything else must be a non-float or scalar constant (shape vectors, Dropout ratio, ...)
    for n, a in unclaimed.items():
        assert a.size <= 1 or not np.issubdtype(a.dtype, np.floating), "stray float initializer %s" % n
    for n in m.graph.node:
        if n.op_type == "Dropout":
            assert len(n.input) < 3 or not n.input[2], "Dropout %s has a training_mode input" % n.name
    return m, opset, ops, sources, sorted(unclaimed)


def to_onnx_names(tensors, sources):
    """state_dict-keyed arrays -> ONNX-initializer-keyed arrays (transposed where stored so)."""
    out = {}
    for name, src in sources.items():
        a = tensors[src["state_dict"]]
        out[name] = (a.T if src["transposed"] else a).astype(np.float32)
    return out


def run_fixture(name, model, export_fn, train, y_tr, held, lr, input_names):
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    model.eval()
    path = os.path.join(out, "model.onnx")
    export_fn(model, path)
    m, opset, ops, sources, extra = check_onnx(path, model, input_names)
    size = os.path.getsize(path)
    assert size < 300 * 1024, "%s: model.onnx is %d bytes" % (name, size)

    def torch_in(d):
        return [torch.from_numpy(d[n]) for n in input_names]

    xt, xh, yt = torch_in(train), torch_in(held), torch.from_numpy(y_tr)
    with torch.no_grad():
        before = model(*xh).numpy().copy()
        train_out = model(*xt).numpy()
    for feeds, ref in ((held, before), (train, train_out)):
        err = float(np.abs(numpy_onnx.run(path, feeds) - ref).max())
        assert err < 1e-5, "%s: ONNX graph disagrees with torch (%g)" % (name, err)

    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0, weight_decay=0.0)
    losses, grads0 = [], None
    for step in range(STEPS):
        opt.zero_grad()
        loss = crit(model(*xt), yt)
        loss.backward()
        if step == 0:
            grads0 = {k: p.grad.detach().numpy().copy() for k, p in model.named_parameters()}
        losses.append(float(loss.item()))
        opt.step()
    with torch.no_grad():
        after = model(*xh).numpy().copy()
        final_loss = float(crit(model(*xt), yt).item())
    trained = {k: p.detach().numpy().copy() for k, p in model.named_parameters()}
    trained_onnx = to_onnx_names(trained, sources)
    err = float(np.abs(numpy_onnx.run(path, held, trained_onnx) - after).max())
    assert err < 1e-5, "%s: ONNX graph with trained params disagrees (%g)" % (name, err)
    max_change = float(np.abs(after - before).max())
    assert max_change > 0.1, "%s: training barely moves the outputs (%g)" % (name, max_change)
    assert losses[-1] < losses[0], "%s: SGD does not lower the loss %s" % (name, losses)

    np.savez(os.path.join(out, "train.npz"), **train, labels=y_tr)
    np.savez(os.path.join(out, "held.npz"), **held)
    np.savez(os.path.join(out, "expected.npz"),
             logits_before=before.astype(np.float32), logits_after=after.astype(np.float32))
    np.savez(os.path.join(out, "grads_step0.npz"), **to_onnx_names(grads0, sources))
    np.savez(os.path.join(out, "params_after.npz"), **trained_onnx)

    shapes = {k: list(p.shape) for k, p in model.named_parameters()}
    info = {
        "lr": lr,
        "steps": STEPS,
        "batch_size": TRAIN_ROWS,
        "loss": "cross-entropy",
        "optimizer": "sgd",
        "momentum": 0.0,
        "weight_decay": 0.0,
        "mode": "eval",
        "losses": losses,
        "loss_after_training": final_loss,
        "max_logit_change": max_change,
        "input_names": input_names,
        "output_name": "logits",
        "input_shapes": {n: list(train[n].shape) for n in input_names},
        "held_shapes": {n: list(held[n].shape) for n in input_names},
        "opset": opset,
        "export_style": "torch.onnx.export (TorchScript)" if "dynamo" not in m.producer_version
                        else "torch.export/dynamo style, built with onnx.helper",
        "trainable": {k: list(inits_shape) for k, inits_shape in
                      ((n, trained_onnx[n].shape) for n in sources)},
        "initializer_sources": {k: v["state_dict"] + (" (transposed)" if v["transposed"] else "")
                                for k, v in sources.items() if k != v["state_dict"] or v["transposed"]},
        "parameter_count": int(sum(np.prod(s) for s in shapes.values())),
        "frozen": {},
        "other_initializers": extra,
        "dropout_nodes": ops.count("Dropout"),
        "op_types": sorted(set(ops)),
        "nodes": ops,
        "torch_version": torch.__version__,
        "tolerance_hint": {"loss_rel": 1e-4, "logits_abs": 1e-4},
    }
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")

    print("== %s  (opset %d, lr=%g, %d params, %d nodes, %d bytes)"
          % (name, opset, lr, info["parameter_count"], len(ops), size))
    print("   op types: %s" % " ".join(info["op_types"]))
    for k, v in info["initializer_sources"].items():
        print("   init %-24s <- %s" % (k, v))
    print("   losses: %s  final: %.6f" % (", ".join("%.6f" % l for l in losses), final_loss))
    print("   max |logits_after - logits_before| = %.4f" % max_change)


def main():
    text_in = ["input_ids", "attention_mask", "token_type_ids"]
    train, y_tr, held = text_batches()
    sample = [torch.from_numpy(train[n][:2]) for n in text_in]

    def fresh_bert():
        torch.manual_seed(10)
        bert = BertTiny()
        perturb_layernorms(bert, 11)
        return bert.eval()

    lr_bert = 0.05
    run_fixture("bert_tiny_torchscript", fresh_bert(),
                lambda mdl, p: torchscript_export(mdl, sample, p, text_in, 14),
                train, y_tr, held, lr_bert, text_in)
    run_fixture("bert_tiny_opset17", fresh_bert(),
                lambda mdl, p: torchscript_export(mdl, sample, p, text_in, 17),
                train, y_tr, held, lr_bert, text_in)
    run_fixture("bert_tiny_export_style", fresh_bert(), export_style_bert,
                train, y_tr, held, lr_bert, text_in)

    d_tr, dy_tr, d_he = digits_batches()
    torch.manual_seed(12)
    vit = ViTTiny()
    perturb_layernorms(vit, 13)
    run_fixture("vit_tiny", vit.eval(),
                lambda mdl, p: torchscript_export(mdl, [torch.from_numpy(d_tr["input"][:2])], p, ["input"], 17),
                d_tr, dy_tr, d_he, 0.05, ["input"])


if __name__ == "__main__":
    sys.exit(main())
