#!/usr/bin/python3
"""quanta's zoo model fmnist-resnet in PyTorch, for the `torch` benchmark suite (bench/torch-compare.ts).

The architecture mirrors src/zoo/resnet.ts with FMNIST_RESNET (src/zoo/catalog.ts): small stem
(3x3/1 conv, no max pool), one torchvision BasicBlock per stage, widths 16/32/64, stride 2 and a
1x1 conv + BN projection where the shape changes, global average pool, Linear classifier. The
parameter names are torchvision's, which are also the ONNX initializer names, so the weights load
by name from the .npz quanta writes, and the script refuses to time anything unless the network
reproduces quanta's numbers:
  1. eval-mode logits vs the logits ONNX Runtime computed for the same batch;
  2. one training step (train-mode BN, cross-entropy, SGD momentum) vs quanta's step graph:
     the loss, every parameter's gradient (implied by quanta's update) and updated value.
Then it times training steps and prints one JSON line on stdout.

Usage: fmnist_resnet.py --weights W.npz --check C.npz --threads T [--steps 20] [--warmup 3]
"""

import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOLERANCE = 1e-3
WIDTHS = (16, 32, 64)  # FMNIST_RESNET.widths; blocks [1, 1, 1]
IN_CHANNELS = 1
CLASSES = 10


def conv(cin, cout, k, stride):
    # Bias-free with padding k//2, as quanta's conv() and torchvision's conv3x3/conv1x1.
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)


def bn(c):
    # ONNX BatchNormalization(epsilon=1e-5, momentum=0.9) is torch's eps=1e-5, momentum=0.1.
    return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = conv(cin, cout, 3, stride)
        self.bn1 = bn(cout)
        self.conv2 = conv(cout, cout, 3, 1)
        self.bn2 = bn(cout)
        self.downsample = nn.Sequential(conv(cin, cout, 1, stride), bn(cout)) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class FmnistResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = conv(IN_CHANNELS, WIDTHS[0], 3, 1)
        self.bn1 = bn(WIDTHS[0])
        cin = WIDTHS[0]
        for s, width in enumerate(WIDTHS):
            # One block per stage; stride 2 from the second stage on, as in resnet.ts.
            setattr(self, f"layer{s + 1}", nn.Sequential(BasicBlock(cin, width, 2 if s > 0 else 1)))
            cin = width
        self.fc = nn.Linear(cin, CLASSES)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)  # GlobalAveragePool + Flatten
        return self.fc(x)  # Gemm(transB=1) is Linear


def load_quanta_weights(model, arrays):
    """Loads every parameter and buffer by name; the name sets and shapes must match exactly."""
    sd = model.state_dict()
    wanted = {k for k in sd if not k.endswith("num_batches_tracked")}  # torch-only counter
    missing, extra = sorted(wanted - set(arrays)), sorted(set(arrays) - wanted)
    if missing or extra:
        sys.exit(f"fmnist_resnet.py: weights do not match the architecture; missing {missing}, unexpected {extra}")
    new = {}
    for k, v in sd.items():
        if k in wanted:
            a = arrays[k]
            if tuple(a.shape) != tuple(v.shape) or a.dtype != np.float32:
                sys.exit(f"fmnist_resnet.py: {k} is {a.dtype}{list(a.shape)} in the .npz but float32{list(v.shape)} here")
            new[k] = torch.from_numpy(np.ascontiguousarray(a))
        else:
            new[k] = v
    model.load_state_dict(new, strict=True)


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True, help=".npz of the ONNX model's initializers, keyed by name")
    ap.add_argument("--check", required=True, help=".npz with input, labels, logits, lr, step_loss and after.<param>")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    weights = dict(np.load(args.weights))
    check = dict(np.load(args.check))
    x = torch.from_numpy(check["input"])
    y = torch.from_numpy(check["labels"]).long()
    lr = float(check["lr"])

    def fresh():
        m = FmnistResNet()
        load_quanta_weights(m, weights)
        return m, torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9)

    def step(m, opt):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # quanta's step also hands its loss back to the host

    # 1. Inference: eval-mode logits vs ONNX Runtime's on the same batch.
    model, opt = fresh()
    model.eval()
    with torch.no_grad():
        logits_diff = max_abs(model(x).numpy(), check["logits"])
    if not logits_diff <= TOLERANCE:
        sys.exit(f"fmnist_resnet.py: NOT the same network: eval logits differ from ONNX Runtime's by {logits_diff:.3g} (> {TOLERANCE})")

    # 2. Training: one step from the same weights vs quanta's step graph.
    model.train()
    loss_diff = abs(step(model, opt) - float(check["step_loss"]))
    params = dict(model.named_parameters())
    after = {k[len("after."):]: v for k, v in check.items() if k.startswith("after.")}
    if set(after) != set(params):
        sys.exit(f"fmnist_resnet.py: quanta trained {sorted(after)} but torch trains {sorted(params)}")
    # The first SGD step is p - lr*g on both sides (a zero momentum buffer in quanta, the gradient
    # itself in torch), so quanta's update implies its gradient: compare that with autograd's
    # rather than the parameters, whose difference lr would shrink 100x.
    grad_diff = max(max_abs((weights[k].astype(np.float64) - v) / lr, params[k].grad.numpy()) for k, v in after.items())
    param_diff = max(max_abs(params[k].detach().numpy(), v) for k, v in after.items())
    if not (loss_diff <= TOLERANCE and grad_diff <= TOLERANCE and param_diff <= TOLERANCE):
        sys.exit(f"fmnist_resnet.py: training step differs from quanta's: loss by {loss_diff:.3g}, gradients by up to {grad_diff:.3g}, parameters by up to {param_diff:.3g} (> {TOLERANCE})")

    # 3. Timing, from the initial weights again, batch statistics (train mode) throughout.
    model, opt = fresh()
    model.train()
    for _ in range(args.warmup):
        step(model, opt)
    ms = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step(model, opt)
        ms.append((time.perf_counter() - t0) * 1000)
    median = float(np.median(ms))
    print(json.dumps({
        "threads": torch.get_num_threads(),
        "stepMsMedian": median,
        "samplesPerSec": x.shape[0] * 1000 / median,
        "maxAbsDiff": logits_diff,
        "stepLossDiff": loss_diff,
        "stepGradMaxDiff": grad_diff,
        "stepParamMaxDiff": param_diff,
        "torchVersion": torch.__version__,
        "stepMs": ms,
    }))


if __name__ == "__main__":
    main()
