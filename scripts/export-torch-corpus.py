#!/usr/bin/python3
"""Exports the PyTorch half of quanta's interop corpus: small models of the shapes people actually
ship (BERT-style encoder, GPT-style decoder, torchvision CNNs, LSTM/GRU, ViT), each trained on a
small synthetic task until it has learned it (manifest.json records the training accuracy and the
accuracy of the exported model on its .npz samples), written by torch.onnx at several opsets with
dynamic batch (and sequence) axes. Trained models matter: an untrained classifier's class scores
are near ties, and top-1 agreement with the quantized model then measures noise, not the quantizer.

Dev-time only (PyTorch is never a dependency of quanta or of `npm test`). Run from the project root:

    /usr/bin/python3 scripts/export-torch-corpus.py              # all models (6-8 minutes on 1 thread)
    /usr/bin/python3 scripts/export-torch-corpus.py --only gpt   # the models whose name matches; manifest entries merged

For every model NAME it writes NAME.onnx and NAME.npz: the inputs (one array per ONNX input name,
samples on axis 0 -- 128 per text classifier, 64 sequences of 12 tokens (768 next-token
positions) for the decoder, 100 per vision model, so that one disagreement does not decide a 99%
top-1 target -- at shapes different from the ones traced at export so the dynamic axes are used)
and PyTorch's own outputs for them as `expected.<output name>`, saved compressed (the image inputs
are normalized 8-bit pixels, which deflate well). manifest.json lists the models.
Everything is seeded: rerunning gives the same weights and data (the .onnx bytes may differ
across PyTorch versions).
"""

import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import efficientnet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


# ---------------------------------------------------------------------------------------------
# Text models


def hf_init(module):
    """Hugging Face's _init_weights for BERT / GPT-2: Linear and Embedding weights normal(0, 0.02),
    zero biases, LayerNorm 1 and 0."""
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class BertStyleEncoder(nn.Module):
    """BERT as Hugging Face writes it: word + position + token-type embeddings, position ids from
    a registered buffer sliced to the sequence length, the attention mask turned into an additive
    bias with finfo.min, post-LayerNorm blocks with erf GELU, a tanh pooler and a classifier;
    initialized as BertPreTrainedModel does (normal 0.02)."""

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
        self.apply(hf_init)

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
    from torch.arange, and an LM head tied to the token embedding; initialized as GPT2PreTrainedModel
    does (normal 0.02, residual projections scaled by 1/sqrt(2 * layers)). With PyTorch's default
    N(0, 1) embedding the tied head starts with logits of std 8 and barely learns."""

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
        self.apply(hf_init)
        for blk in self.blocks:
            for proj in (blk["proj"], blk["out"]):
                nn.init.normal_(proj.weight, std=0.02 / math.sqrt(2 * layers))

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
# Data: small synthetic tasks that every model here can learn to high accuracy in a few hundred
# steps. Randomly initialized or barely trained models make poor fixtures: their class scores are
# near ties (so top-1 agreement with a quantized model measures noise), and deep CNNs at random
# init amplify tiny input perturbations (mobilenet_v2 at random init turns 60 dB of input noise
# into 18 dB at its logits), which says more about the init than about any quantizer.
# (Debian's PyTorch uses the reference BLAS, so training here is slow: the step counts below reach
# the accuracies in manifest.json with the whole script at 6-8 minutes on one thread.)


def smooth_noise(rng, n, size=32):
    """Smooth random images (low-frequency noise upsampled plus a little pixel noise)."""
    coarse = torch.from_numpy(rng.standard_normal((n, 3, size // 8, size // 8)).astype(np.float32))
    x = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return x + 0.1 * torch.from_numpy(rng.standard_normal((n, 3, size, size)).astype(np.float32))


class ImageTask:
    """10 classes, each a fixed smooth prototype pattern; a sample is its class's prototype (weight
    1.2) plus smooth noise (about unit variance), stored as an 8-bit RGB image and normalized the
    way torchvision's Normalize does: (pixel - 128) / 32, so inputs lie in [-4, 4) on a grid of 1/32
    like any real image pipeline's."""

    def __init__(self, seed, classes=10, size=32):
        self.prototypes = smooth_noise(np.random.default_rng(1000 + seed), classes, size)
        self.classes = classes
        self.size = size

    def batch(self, rng, n):
        y = torch.from_numpy(rng.integers(0, self.classes, size=n))
        scene = 1.2 * self.prototypes[y] + smooth_noise(rng, n, self.size)
        pixels = torch.clamp(torch.round(128 + 32 * scene), 0, 255)
        return ((pixels - 128) / 32,), y


class TokenTask:
    """K classes over a vocabulary: a sample's tokens come from its class's residue (t % K) 60%
    of the time, uniformly otherwise; optional padding at the end (token 0, mask 0, at least 3
    real tokens). The best possible accuracy (majority residue) is about 0.96 for BERT's 3
    classes over 3-16 tokens and above 0.99 for 4 classes over 20."""

    def __init__(self, vocab, classes, with_mask, topical=0.6):
        self.vocab, self.classes, self.with_mask, self.topical = vocab, classes, with_mask, topical

    def batch(self, rng, n, seq):
        y = rng.integers(0, self.classes, size=n)
        uniform = rng.integers(1, self.vocab, size=(n, seq))
        topical = rng.integers(0, (self.vocab - 1) // self.classes, size=(n, seq)) * self.classes + y[:, None]
        topical = np.where(topical == 0, self.classes, topical)
        ids = np.where(rng.random((n, seq)) < self.topical, topical, uniform).astype(np.int64)
        if not self.with_mask:
            return (torch.from_numpy(ids),), torch.from_numpy(y)
        lengths = rng.integers(3, seq + 1, size=n)
        mask = (np.arange(seq)[None, :] < lengths[:, None]).astype(np.int64)
        return (torch.from_numpy(ids * mask), torch.from_numpy(mask)), torch.from_numpy(y)


class SequenceTask:
    """Next-token prediction over arithmetic progressions mod 256: token i = (start + i * step) % 256,
    step 1-4. Every prediction after the first is determined by the two tokens before it; the first
    is a guess among 4, so the best possible accuracy is (15 + 1/4) / 16 = 0.95 over the 16 training
    positions and (11 + 1/4) / 12 = 0.94 over the 12 of the exported samples."""

    def batch(self, rng, n, seq):
        start = rng.integers(0, 256, size=(n, 1))
        step = rng.integers(1, 5, size=(n, 1))
        ids = torch.from_numpy(((start + step * np.arange(seq + 1)[None, :]) % 256).astype(np.int64))
        return (ids[:, :-1],), ids[:, 1:]


def train(model, make_batch, steps, lr):
    """AdamW (PyTorch's default weight decay 0.01) on cross-entropy with a one-cycle schedule (10%
    warm-up, cosine decay to ~0); returns the accuracy over the last 20 batches (in training mode)."""
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    hits = total = 0
    recent = []
    for step in range(steps):
        inputs, y = make_batch()
        logits = model(*inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        recent.append((logits.argmax(-1) == y).float().mean().item())
        if (step + 1) % 100 == 0:
            print(f"  step {step + 1}/{steps}: loss {loss.item():.3f}, accuracy {np.mean(recent[-100:]):.3f}", file=sys.stderr)
        if step >= steps - 20:
            hits += (logits.argmax(-1) == y).sum().item()
            total += y.numel()
    model.eval()
    return hits / total


def recalibrate_batchnorm(model, make_batch, batches=25):
    """Recomputes every BatchNorm's running mean and variance as plain averages over `batches`
    batches at the final weights ("precise BN"). After a few hundred steps the running averages
    still remember the early weights (torchvision's MobileNetV3 uses momentum 0.01), so the
    exported eval-mode model would classify worse than the trained one; a model trained for many
    epochs has converged statistics, which is what this stands in for."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [bn.momentum for bn in norms]
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(*make_batch()[0])
    for bn, momentum in zip(norms, momenta):
        bn.momentum = momentum
    model.eval()


# ---------------------------------------------------------------------------------------------
# Export


def export(name, model, trace_inputs, data, input_names, output_names, dynamic_axes, opset, kind, description, train_accuracy, seconds):
    """Writes NAME.onnx and NAME.npz (data = (inputs, labels): the evaluation samples) and returns
    the manifest entry; eval_accuracy is the exported (eval-mode) model's accuracy on those samples."""
    data_inputs, labels = data
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
    eval_accuracy = (outputs[0].argmax(-1) == labels).float().mean().item()
    arrays = {n: t.numpy() for n, t in zip(input_names, data_inputs)}
    arrays.update({f"expected.{n}": t.numpy() for n, t in zip(output_names, outputs)})
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
    params = sum(p.numel() for p in model.parameters())
    entry = dict(
        name=name,
        opset=opset,
        kind=kind,
        description=description,
        parameters=params,
        train_accuracy=round(train_accuracy, 4),
        eval_accuracy=round(eval_accuracy, 4),
        inputs={n: [str(t.dtype).replace("torch.", ""), list(t.shape)] for n, t in zip(input_names, data_inputs)},
        traced={n: list(t.shape) for n, t in zip(input_names, trace_inputs)},
        outputs={n: list(t.shape) for n, t in zip(output_names, outputs)},
        dynamic_axes=dynamic_axes,
        bytes=os.path.getsize(path),
    )
    print(
        f"{name}: opset {opset}, {params:,} parameters, {entry['bytes'] / 1024:.0f} KB, "
        f"accuracy {train_accuracy:.3f} training / {eval_accuracy:.3f} on the {labels.numel()} {'positions' if kind == 'lm' else 'samples'}, trained in {seconds:.0f} s",
        file=sys.stderr,
    )
    return entry


def models():
    """(name, make) for every export; make() trains the model and returns export()'s arguments."""
    text_axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}
    out = []

    # BERT-style encoder at opsets 11 and 17 (17: LayerNormalization is one op).
    def bert(opset):
        torch.manual_seed(opset)
        rng = np.random.default_rng(opset)
        m = BertStyleEncoder()
        task = TokenTask(1000, 3, with_mask=True)
        acc = train(m, lambda: task.batch(rng, 32, 16), STEPS["bert"], lr=2e-3)
        return (m, task.batch(rng, 2, 7)[0], task.batch(rng, 128, 16), ["input_ids", "attention_mask"], ["logits"], text_axes, opset, "classes",
                "BERT-style encoder, 2 layers, hidden 64, 4 heads, 512 positions, padding mask, 3 classes", acc)

    for opset in (11, 17):
        out.append((f"bert_encoder_op{opset}", lambda opset=opset: bert(opset)))

    # GPT-style decoder with a tied LM head.
    def gpt():
        torch.manual_seed(113)
        rng = np.random.default_rng(113)
        m = GptStyleDecoder()
        task = SequenceTask()
        acc = train(m, lambda: task.batch(rng, 32, 16), STEPS["gpt"], lr=5e-3)
        return (m, task.batch(rng, 2, 5)[0], task.batch(rng, 64, 12), ["input_ids"], ["logits"],
                {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}, 13, "lm",
                "GPT-style decoder, 2 layers, hidden 64, 128 positions, causal mask, byte vocabulary 256, LM head tied to the embedding", acc)

    out.append(("gpt_decoder_op13", gpt))

    # Recurrent classifiers.
    rnn_axes = {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}

    def rnn(make, opset, description, key):
        torch.manual_seed(opset + 7)
        rng = np.random.default_rng(opset + 7)
        m = make()
        task = TokenTask(500, 4, with_mask=False)
        acc = train(m, lambda: task.batch(rng, 32, 20), STEPS[key], lr=5e-3)
        return (m, task.batch(rng, 2, 6)[0], task.batch(rng, 128, 20), ["input_ids"], ["logits"], rnn_axes, opset, "classes", description, acc)

    out.append(("lstm_classifier_op13", lambda: rnn(LstmClassifier, 13, "Embedding → 2-layer LSTM → last step → Linear, 4 classes", "lstm")))
    out.append(("gru_classifier_op11", lambda: rnn(GruClassifier, 11, "Embedding → bidirectional GRU → mean over time → Linear, 4 classes", "gru")))

    # Vision: torchvision CNNs (narrowed to fixture size) and a ViT, 3x32x32 inputs.
    vision = [
        ("resnet18_narrow_op13", resnet18_narrow, 13, "torchvision resnet18 layout (BasicBlock [2,2,2,2]) at 1/8 width, 10 classes"),
        ("mobilenet_v2_op11", lambda: torchvision.models.mobilenet_v2(num_classes=10, width_mult=0.25), 11, "torchvision mobilenet_v2, width 0.25, 10 classes"),
        ("mobilenet_v3_small_op17", lambda: torchvision.models.mobilenet_v3_small(num_classes=10, width_mult=0.25), 17, "torchvision mobilenet_v3_small, width 0.25 (Hardswish, SE blocks), 10 classes"),
        ("shufflenet_v2_op13", shufflenet_v2_narrow, 13, "torchvision ShuffleNetV2 (x0.5 stages, channel shuffle) with a 256-channel last conv, 10 classes"),
        ("efficientnet_b0_narrow_op13", efficientnet_b0_narrow, 13, "torchvision EfficientNet-B0 blocks at width 0.25, depth 0.5 (SiLU, SE), 10 classes"),
        ("vit_op17", VitStyle, 17, "ViT: 4x4 patches, class token, 2 pre-LN blocks with nn.MultiheadAttention, 10 classes"),
    ]

    def image(i, name, make, opset, description):
        torch.manual_seed(20 + i)
        rng = np.random.default_rng(20 + i)
        m = make()
        task = ImageTask(i)
        batch, lr = (16, 3e-3) if name.startswith("vit") else (32, 5e-3)
        acc = train(m, lambda: task.batch(rng, batch), STEPS[name.split("_op")[0]], lr=lr)
        recalibrate_batchnorm(m, lambda: task.batch(rng, 64))
        return (m, task.batch(rng, 2)[0], task.batch(rng, 100), ["image"], ["logits"], {"image": {0: "batch"}, "logits": {0: "batch"}}, opset, "classes", description, acc)

    for i, (name, make, opset, description) in enumerate(vision):
        out.append((name, lambda i=i, name=name, make=make, opset=opset, description=description: image(i, name, make, opset, description)))
    return out


# Training steps per model (batch 32, ViT 16; learning rates in models()).
STEPS = dict(
    bert=500,
    gpt=400,
    lstm=400,
    gru=400,
    resnet18_narrow=400,
    mobilenet_v2=400,
    mobilenet_v3_small=400,
    shufflenet_v2=400,
    efficientnet_b0_narrow=400,
    vit=200,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="export only the models whose name matches this regular expression; their manifest entries are replaced, the others kept")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    manifest_path = os.path.join(OUT, "manifest.json")
    previous = {}
    if args.only and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            previous = {m["name"]: m for m in json.load(f)["models"]}
    manifest = []
    t0 = time.time()
    for name, make in models():
        if args.only and not re.search(args.only, name):
            if name in previous:
                manifest.append(previous[name])
            continue
        start = time.time()
        *rest, acc = make()
        manifest.append(export(name, *rest, acc, time.time() - start))

    with open(manifest_path, "w") as f:
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
    print(f"{len(manifest)} models, {total / 2**20:.1f} MB in {OUT}, {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
