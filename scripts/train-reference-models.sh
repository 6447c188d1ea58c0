#!/usr/bin/env bash
# Trains the reference models in models/ with quanta itself (run from the project root after
# `npm run build`). Needs Debian's dataset-fashion-mnist (Fashion-MNIST train + test) and
# ../shared/data/text/agnews-test.csv. Times are for this project's 2-core machines.
set -euo pipefail
F=/usr/share/datasets/fashion-mnist
OUT=${OUT:-out/reference}
mkdir -p "$OUT"

# Fashion-MNIST ResNet-style CNN with BatchNorm (~15 min per epoch pair on 2 cores); input pixel/255.
node bin/quanta.js train fmnist-resnet --data "$F/train-images-idx3-ubyte.gz" --eval "$F/t10k-images-idx3-ubyte.gz" \
  --epochs 4 --batch 64 --optimizer adamw --lr 0.003 --weight-decay 0.0005 --schedule cosine --warmup 100 --seed 1 \
  --checkpoint-dir "$OUT/fmnist-ckpt" -o "$OUT/fmnist-cnn.onnx" --json > "$OUT/fmnist-cnn.json"

# AG News encoder: fixed split of the 7,600 labeled headlines (every fifth held out) and a
# WordPiece vocabulary built from the training texts only.
node dist/scripts/prepare-agnews.js "$OUT/agnews" 6000
node bin/quanta.js train agnews-encoder --data "$OUT/agnews/agnews-train.jsonl" --eval "$OUT/agnews/agnews-eval.jsonl" \
  --vocab "$OUT/agnews/vocab.txt" --max-length 64 --epochs 8 --batch 32 --optimizer adamw --lr 0.001 --weight-decay 0.01 \
  --schedule cosine --warmup 50 --seed 1 --threads 1 --checkpoint-dir "$OUT/agnews-ckpt" -o "$OUT/agnews-encoder.onnx" --json > "$OUT/agnews-encoder.json"
cp "$OUT/agnews/vocab.txt" "$OUT/agnews-vocab.txt"
echo "trained models are in $OUT (copy them to models/ to ship them)"
