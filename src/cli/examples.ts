// Examples shown at the end of each command's --help. They are the README's command lines, and
// test/readme-commands.test.ts runs every one of them (with real files in place of the names).

export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  dynamic: ["quanta dynamic model.onnx -o model.int8.onnx"],
  static: [
    "quanta static model.onnx -o model.qdq.onnx --data calib.npz",
    "quanta static model.onnx -o model.qop.onnx --data images/ --size 224 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --format qop",
  ],
  fp16: ["quanta fp16 model.onnx -o model.fp16.onnx", "quanta fp16 model.onnx -o model.fp16-io32.onnx --keep-io-types"],
  fuse: ["quanta fuse model.onnx -o model.fused.onnx --verbose"],
  compare: ["quanta compare model.onnx model.qdq.onnx --data calib.npz --per-layer"],
  inspect: ["quanta inspect model.onnx", "quanta inspect model.onnx --json"],
  bench: ["quanta bench model.onnx --threads 1 --dim batch=1 --dim sequence=128 --runs 50"],
  eval: [
    "quanta eval model.onnx --data t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz",
    "quanta eval model.onnx --data test.npz --input-key images=input --label-key targets",
  ],
  zoo: ["quanta zoo resnet18 -o resnet18.onnx"],
  qat: ["quanta qat model.onnx --data train-images-idx3-ubyte.gz --eval t10k-images-idx3-ubyte.gz --epochs 1 -o model.int8.onnx"],
  doctor: ["quanta doctor", "quanta doctor --json"],
  train: [
    "quanta train fmnist-resnet --data train-images-idx3-ubyte.gz --eval t10k-images-idx3-ubyte.gz --epochs 4 --batch 64 --optimizer adamw --lr 0.003 --schedule cosine --warmup 100 --checkpoint-dir ckpt -o fmnist-cnn.onnx",
    "quanta train model.onnx --data train.jsonl --vocab vocab.txt --eval held-out.jsonl -o trained.onnx",
  ],
};

export function examplesHelp(command: string): string | undefined {
  const lines = EXAMPLES[command];
  return lines?.length ? `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}` : undefined;
}
