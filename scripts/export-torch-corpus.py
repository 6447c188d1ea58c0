#!/usr/bin/python3
"""Exports the PyTorch half of quanta's interop corpus: small models of the shapes people actually
ship (BERT-style encoder, GPT-style decoder, torchvision CNNs, LSTM/GRU, ViT), briefly trained on
synthetic tasks, written by torch.onnx at several opsets with dynamic batch (and sequence) axes.

Dev-time only (PyTorch is never a dependency of quanta or of `npm test`). Run from the project root:

    /usr/bin/python3 scripts/export-torch-corpus.py            # writes test/fixtures/torch/

For every model NAME it writes NAME.onnx and NAME.npz: the inputs (one array per ONNX input name,
samples on axis 0, shapes different from the ones traced at export so the dynamic axes are used)
and PyTorch's own outputs for them as `expected.<output name>`. manifest.json lists the models.
Everything is seeded: rerunning gives the same weights and data (the .onnx bytes may differ
across PyTorch versions).
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import efficientnet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


# ---------------------------------------------------------------------------------------------
# Text models


class BertStyleEncoder(nn.Module):
    """BERT as Hugging Face writes it: word + position + token-type embeddings, position ids from
    a registered buffer sliced to the sequence length, the attention mask turned into an additive
    bias with finfo.min, post-LayerNorm blocks with erf GELU, a tanh pooler and a classifier."""

    def __init__(self, vocab=1000, hidden=64, layers=2, heads=4, ffn=128, max_pos=512, classes=3):
        super().__init__()
        self.heads = heads
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.register_buffer("position_ids", torch.arange(max_pos).expand((1, -1)), persistent=False)
        self.register_buffer("token_type_ids", torch.zeros((1, max_pos), dtype=torch.long), persistent=False)
        self.emb_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(
                nn.ModuleDict(
                    dict(
                        q=nn.Linear(hidden, hidden),
                        k=nn.Linear(hidden, hidden),
                        v=nn.Linear(hidden, hidden),
                        o=nn.Linear(hidden, hidden),
                        norm1=nn.LayerNorm(hidden, eps=1e-12),
                        up=nn.Linear(hidden, ffn),
                        down=nn.Linear(ffn, hidden),
                        norm2=nn.LayerNorm(hidden, eps=1e-12),
                    )
                )
            )
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, classes)

    def split(self, x):
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).permute(0, 2, 1, 3)

    def forward(self, input_ids, attention_mask):
        seq = input_ids.size(1)
        position_ids = self.position_ids[:, :seq]
        token_type_ids = self.token_type_ids[:, :seq].expand(input_ids.size(0), seq)
        x = self.word(input_ids) + self.token_type(token_type_ids) + self.position(position_ids)
        x = self.emb_norm(x)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for blk in self.blocks:
            q, k, v = self.split(blk["q"](x)), self.split(blk["k"](x)), self.split(blk["v"](x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.size(-1)) + bias
            ctx = torch.matmul(scores.softmax(-1), v).permute(0, 2, 1, 3).reshape(x.shape)
            x = blk["norm1"](x + blk["o"](ctx))
            x = blk["norm2"](x + blk["down"](F.gelu(blk["up"](x))))
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.classifier(pooled)


class GptStyleDecoder(nn.Module):
    """GPT-2 as Hugging Face writes it: a lower-triangular causal-mask buffer sliced to the
    sequence, masked_fill with finfo.min, pre-LayerNorm blocks with tanh GELU, learned positions
    from torch.arange, and an LM head tied to the token embedding."""

    def __init__(self, vocab=256, hidden=64, layers=2, heads=4, max_pos=128):
        super().__init__()
        self.heads = heads
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(max_pos, hidden)
        self.register_buffer("causal", torch.tril(torch.ones((max_pos, max_pos), dtype=torch.bool)).view(1, 1, max_pos, max_pos), persistent=False)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(
                nn.ModuleDict(
                    dict(
                        ln1=nn.LayerNorm(hidden),
                        qkv=nn.Linear(hidden, 3 * hidden),
                        proj=nn.Linear(hidden, hidden),
                        ln2=nn.LayerNorm(hidden),
                        fc=nn.Linear(hidden, 4 * hidden),
                        out=nn.Linear(4 * hidden, hidden),
                    )
                )
            )
        self.ln_f = nn.LayerNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # tied, as in GPT-2

    def forward(self, input_ids):
        b, t = input_ids.shape
        pos = torch.arange(0, t, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(pos)
        mask = self.causal[:, :, :t, :t]
        for blk in self.blocks:
            h = blk["ln1"](x)
            q, k, v = blk["qkv"](h).split(h.size(-1), dim=2)
            q, k, v = (z.view(b, t, self.heads, -1).transpose(1, 2) for z in (q, k, v))
            att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.size(-1))
            att = att.masked_fill(~mask, torch.finfo(att.dtype).min).softmax(-1)
            x = x + blk["proj"](torch.matmul(att, v).transpose(1, 2).reshape(b, t, -1))
            x = x + blk["out"](F.gelu(blk["fc"](blk["ln2"](x)), approximate="tanh"))
        return self.lm_head(self.ln_f(x))


class LstmClassifier(nn.Module):
    """Embedding → 2-layer LSTM (batch first) → last step → Linear."""

    def __init__(self, vocab=500, emb=32, hidden=64, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, input_ids):
        out, _ = self.rnn(self.emb(input_ids))
        return self.head(out[:, -1])


class GruClassifier(nn.Module):
    """Embedding → bidirectional GRU → mean over time → Linear."""

    def __init__(self, vocab=500, emb=32, hidden=48, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, input_ids):
        out, _ = self.rnn(self.emb(input_ids))
        return self.head(out.mean(dim=1))


# ---------------------------------------------------------------------------------------------
# Vision models


class VitStyle(nn.Module):
    """ViT: 4x4 patch Conv, class token, learned position embedding, pre-LayerNorm blocks with
    nn.MultiheadAttention and GELU MLPs, classification from the class token."""

    def __init__(self, image=32, patch=4, dim=64, layers=2, heads=4, mlp=128, classes=10):
        super().__init__()
        n = (image // patch) ** 2
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(
                nn.ModuleDict(
                    dict(
                        ln1=nn.LayerNorm(dim, eps=1e-6),
                        attn=nn.MultiheadAttention(dim, heads, batch_first=True),
                        ln2=nn.LayerNorm(dim, eps=1e-6),
                        fc1=nn.Linear(dim, mlp),
                        fc2=nn.Linear(mlp, dim),
                    )
                )
            )
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, image):
        x = self.patch(image).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1) + self.pos
        for blk in self.blocks:
            h = blk["ln1"](x)
            x = x + blk["attn"](h, h, h, need_weights=False)[0]
            x = x + blk["fc2"](F.gelu(blk["fc1"](blk["ln2"](x))))
        return self.head(self.norm(x)[:, 0])


def resnet18_narrow(classes=10, width=8):
    """torchvision's resnet18 (BasicBlock, [2, 2, 2, 2]) with every stage 1/8 as wide."""
    m = torchvision.models.resnet18(num_classes=classes)
    m.inplanes = width
    m.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(width)
    block = torchvision.models.resnet.BasicBlock
    m.layer1 = m._make_layer(block, width, 2)
    m.layer2 = m._make_layer(block, 2 * width, 2, stride=2)
    m.layer3 = m._make_layer(block, 4 * width, 2, stride=2)
    m.layer4 = m._make_layer(block, 8 * width, 2, stride=2)
    m.fc = nn.Linear(8 * width, classes)
    return m


def shufflenet_v2_narrow(classes=10):
    """torchvision's shufflenet_v2_x0_5 with its 1024-channel last conv cut to 256."""
    return torchvision.models.ShuffleNetV2([4, 8, 4], [24, 48, 96, 192, 256], num_classes=classes)


def efficientnet_b0_narrow(classes=10):
    """torchvision's EfficientNet-B0 block settings at width 0.25, depth 0.5."""
    setting, last = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.5)
    return efficientnet.EfficientNet(setting, dropout=0.2, num_classes=classes, last_channel=last)


# ---------------------------------------------------------------------------------------------
# Data: small synthetic tasks, so the models are briefly trained rather than random. Randomly
# initialized deep CNNs amplify tiny input perturbations (mobilenet_v2 at random init turns 60 dB
# of input noise into 18 dB at its logits), which says more about the init than about any
# quantizer; even 60-150 training steps give weights and logit margins more like a real model's.
# (Debian's PyTorch uses the reference BLAS, so training here is slow: the step counts are small.)


def smooth_noise(rng, n, size=32):
    """Smooth random images (low-frequency noise upsampled plus a little pixel noise)."""
    coarse = torch.from_numpy(rng.standard_normal((n, 3, size // 8, size // 8)).astype(np.float32))
    x = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return x + 0.1 * torch.from_numpy(rng.standard_normal((n, 3, size, size)).astype(np.float32))


class ImageTask:
    """10 classes, each a fixed smooth prototype pattern; a sample is its class's prototype plus noise."""

    def __init__(self, seed, classes=10, size=32):
        self.prototypes = smooth_noise(np.random.default_rng(1000 + seed), classes, size)
        self.classes = classes
        self.size = size

    def batch(self, rng, n):
        y = torch.from_numpy(rng.integers(0, self.classes, size=n))
        return (0.8 * self.prototypes[y] + smooth_noise(rng, n, self.size),), y


class TokenTask:
    """K classes over a vocabulary: a sample's tokens come from its class's residue (t % K) 40%
    of the time, uniformly otherwise; optional padding at the end (token 0, mask 0)."""

    def __init__(self, vocab, classes, with_mask):
        self.vocab, self.classes, self.with_mask = vocab, classes, with_mask

    def batch(self, rng, n, seq):
        y = rng.integers(0, self.classes, size=n)
        uniform = rng.integers(1, self.vocab, size=(n, seq))
        topical = rng.integers(0, (self.vocab - 1) // self.classes, size=(n, seq)) * self.classes + y[:, None]
        topical = np.where(topical == 0, self.classes, topical)
        ids = np.where(rng.random((n, seq)) < 0.4, topical, uniform).astype(np.int64)
        if not self.with_mask:
            return (torch.from_numpy(ids),), torch.from_numpy(y)
        lengths = rng.integers(3, seq + 1, size=n)
        mask = (np.arange(seq)[None, :] < lengths[:, None]).astype(np.int64)
        return (torch.from_numpy(ids * mask), torch.from_numpy(mask)), torch.from_numpy(y)


class SequenceTask:
    """Next-token prediction over arithmetic progressions mod 256: token i = (start + i * step) % 256."""

    def batch(self, rng, n, seq):
        start = rng.integers(0, 256, size=(n, 1))
        step = rng.integers(1, 5, size=(n, 1))
        ids = torch.from_numpy(((start + step * np.arange(seq + 1)[None, :]) % 256).astype(np.int64))
        return (ids[:, :-1],), ids[:, 1:]


def train(model, make_batch, steps, lr=2e-3):
    """A few hundred Adam steps of cross-entropy; returns the accuracy on the last 10 batches."""
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    hits = total = 0
    for step in range(steps):
        inputs, y = make_batch()
        logits = model(*inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step >= steps - 10:
            hits += (logits.argmax(-1) == y).sum().item()
            total += y.numel()
    model.eval()
    return hits / total


# ---------------------------------------------------------------------------------------------
# Export


def export(name, model, trace_inputs, data_inputs, input_names, output_names, dynamic_axes, opset, kind, description, train_accuracy):
    model.eval()
    path = os.path.join(OUT, f"{name}.onnx")
    # Exported with autograd on, as most users call it: under no_grad, nn.MultiheadAttention takes
    # its fused inference path (aten::_native_multi_head_attention), which torch.onnx 1.13 cannot export.
    torch.onnx.export(
        model,
        tuple(trace_inputs),
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=opset,
        do_constant_folding=True,
    )
    with torch.no_grad():
        outputs = model(*data_inputs)
    if isinstance(outputs, torch.Tensor):
        outputs = (outputs,)
    arrays = {n: t.numpy() for n, t in zip(input_names, data_inputs)}
    arrays.update({f"expected.{n}": t.numpy() for n, t in zip(output_names, outputs)})
    np.savez(os.path.join(OUT, f"{name}.npz"), **arrays)
    params = sum(p.numel() for p in model.parameters())
    entry = dict(
        name=name,
        opset=opset,
        kind=kind,
        description=description,
        parameters=params,
        train_accuracy=round(train_accuracy, 4),
        inputs={n: [str(t.dtype).replace("torch.", ""), list(t.shape)] for n, t in zip(input_names, data_inputs)},
        traced={n: list(t.shape) for n, t in zip(input_names, trace_inputs)},
        outputs={n: list(t.shape) for n, t in zip(output_names, outputs)},
        dynamic_axes=dynamic_axes,
        bytes=os.path.getsize(path),
    )
    print(f"{name}: opset {opset}, {params:,} parameters, {entry['bytes'] / 1024:.0f} KB, training accuracy {train_accuracy:.3f}", file=sys.stderr)
    return entry


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    manifest = []
    text_axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}

    # BERT-style encoder at opsets 11 and 17 (17: LayerNormalization is one op).
    for opset in (11, 17):
        torch.manual_seed(opset)
        rng = np.random.default_rng(opset)
        m = BertStyleEncoder()
        task = TokenTask(1000, 3, with_mask=True)
        acc = train(m, lambda: task.batch(rng, 32, 16), 120)
        manifest.append(
            export(f"bert_encoder_op{opset}", m, task.batch(rng, 2, 7)[0], task.batch(rng, 64, 16)[0], ["input_ids", "attention_mask"], ["logits"], text_axes, opset, "classes",
                   "BERT-style encoder, 2 layers, hidden 64, 4 heads, 512 positions, padding mask, 3 classes", acc)
        )

    # GPT-style decoder with a tied LM head.
    torch.manual_seed(113)
    rng = np.random.default_rng(113)
    m = GptStyleDecoder()
    task = SequenceTask()
    acc = train(m, lambda: task.batch(rng, 32, 16), 150)
    manifest.append(
        export("gpt_decoder_op13", m, task.batch(rng, 2, 5)[0], task.batch(rng, 24, 12)[0], ["input_ids"], ["logits"],
               {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}, 13, "lm",
               "GPT-style decoder, 2 layers, hidden 64, 128 positions, causal mask, byte vocabulary 256, LM head tied to the embedding", acc)
    )

    # Recurrent classifiers.
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}
    for name, make, opset, description in [
        ("lstm_classifier_op13", LstmClassifier, 13, "Embedding → 2-layer LSTM → last step → Linear, 4 classes"),
        ("gru_classifier_op11", GruClassifier, 11, "Embedding → bidirectional GRU → mean over time → Linear, 4 classes"),
    ]:
        torch.manual_seed(opset + 7)
        rng = np.random.default_rng(opset + 7)
        m = make()
        task = TokenTask(500, 4, with_mask=False)
        acc = train(m, lambda: task.batch(rng, 32, 20), 120)
        manifest.append(export(name, m, task.batch(rng, 2, 6)[0], task.batch(rng, 64, 20)[0], ["input_ids"], ["logits"], axes, opset, "classes", description, acc))

    # Vision: torchvision CNNs (narrowed to fixture size) and a ViT, 3x32x32 inputs.
    vision = [
        ("resnet18_narrow_op13", resnet18_narrow, 13, "torchvision resnet18 layout (BasicBlock [2,2,2,2]) at 1/8 width, 10 classes"),
        ("mobilenet_v2_op11", lambda: torchvision.models.mobilenet_v2(num_classes=10, width_mult=0.25), 11, "torchvision mobilenet_v2, width 0.25, 10 classes"),
        ("mobilenet_v3_small_op17", lambda: torchvision.models.mobilenet_v3_small(num_classes=10, width_mult=0.25), 17, "torchvision mobilenet_v3_small, width 0.25 (Hardswish, SE blocks), 10 classes"),
        ("shufflenet_v2_op13", shufflenet_v2_narrow, 13, "torchvision ShuffleNetV2 (x0.5 stages, channel shuffle) with a 256-channel last conv, 10 classes"),
        ("efficientnet_b0_narrow_op13", efficientnet_b0_narrow, 13, "torchvision EfficientNet-B0 blocks at width 0.25, depth 0.5 (SiLU, SE), 10 classes"),
        ("vit_op17", VitStyle, 17, "ViT: 4x4 patches, class token, 2 pre-LN blocks with nn.MultiheadAttention, 10 classes"),
    ]
    for i, (name, make, opset, description) in enumerate(vision):
        torch.manual_seed(20 + i)
        rng = np.random.default_rng(20 + i)
        m = make()
        task = ImageTask(i)
        acc = train(m, lambda: task.batch(rng, 16), 60)
        manifest.append(
            export(name, m, task.batch(rng, 2)[0], task.batch(rng, 40)[0], ["image"], ["logits"], {"image": {0: "batch"}, "logits": {0: "batch"}}, opset, "classes", description, acc)
        )

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(
            dict(
                generator="scripts/export-torch-corpus.py",
                torch=torch.__version__,
                torchvision=torchvision.__version__,
                models=manifest,
            ),
            f,
            indent=2,
        )
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(manifest)} models, {total / 2**20:.1f} MB in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
