#!/usr/bin/python3
"""PyTorch baseline for trainer's MiniLmStepBenchmark: one full fine-tuning step of a
MiniLM-L6-sized BERT encoder with a mean-pooled classification head.

  /usr/bin/python3 scripts/pytorch_minilm_step.py [--threads 2] [--batch 32] [--seq 128]
          [--warmup 1] [--steps 5] [--classes 5]

The encoder is all-MiniLM-L6-v2's shape, written in plain torch (Debian's torch 1.13 has no
`transformers`): word (30522), position (512) and token-type (2) embeddings, LayerNorm,
6 layers of 12-head self-attention over hidden 384 with an additive padding mask, FFN 1536
with erf GELU, post-LayerNorm (eps 1e-12); then mean pooling over the mask and Linear(384, C),
as `trainer --head classify:C` attaches it (22.7 M parameters). Weights are random with a fixed
seed: the step's cost does not depend on their values (the ONNX file's MatMul weights are
anonymous initializers, so loading them would need the graph traced; not worth it for timing).
No dropout: trainer trains the exported inference graph, which has none.

The step: random token ids (fixed seed), all-ones mask, zero token types, integer labels;
forward, mean cross-entropy, backward, torch.optim.AdamW(lr 5e-5, weight decay 0.01), fp32.
Prints ms per step (mean and min over --steps timed steps after --warmup untimed ones) and the
process's peak RSS (resource.getrusage, which includes import torch and the model).
"""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_baseline  # noqa: E402

VOCAB, MAX_POS, TYPES = 30522, 512, 2
HIDDEN, LAYERS, HEADS, FFN = 384, 6, 12, 1536
EPS = 1e-12


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.ModuleList(nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.ffn_in = nn.Linear(HIDDEN, FFN)
        self.ffn_out = nn.Linear(FFN, HIDDEN)
        self.ffn_norm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, mask_add):
        b, s, _ = x.shape
        q, k, v = (lin(x).view(b, s, HEADS, HIDDEN // HEADS).transpose(1, 2) for lin in self.qkv)
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + mask_add
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.attn_norm(x + self.attn_out(context))
        return self.ffn_norm(x + self.ffn_out(F.gelu(self.ffn_in(x))))


class MiniLmClassifier(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.word = nn.Embedding(VOCAB, HIDDEN)
        self.position = nn.Embedding(MAX_POS, HIDDEN)
        self.token_type = nn.Embedding(TYPES, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.head = nn.Linear(HIDDEN, classes)

    def forward(self, ids, mask, types):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.norm(self.word(ids) + self.position(positions) + self.token_type(types))
        mask_add = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_add)
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(pooled)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--classes", type=int, default=5)
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    blas = torch_baseline.require_openblas()
    torch.manual_seed(42)
    model = MiniLmClassifier(args.classes)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    ids = torch.randint(0, VOCAB, (args.batch, args.seq))
    mask = torch.ones(args.batch, args.seq, dtype=torch.long)
    types = torch.zeros(args.batch, args.seq, dtype=torch.long)
    labels = torch.randint(0, args.classes, (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, mask, types), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    times = torch_baseline.time_steps(step, args.warmup, args.steps)
    params = sum(q.numel() for q in model.parameters())
    torch_baseline.report(f"torch {torch.__version__} params {params} batch {args.batch} seq {args.seq}", times, blas,
                          torch.get_num_threads(), args.json, model="minilm")

if __name__ == "__main__":
    main()
