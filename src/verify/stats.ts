// Agreement statistics between a reference tensor and its quantized twin, accumulated over
// batches: SQNR, max absolute error, cosine similarity, and top-1 agreement for class scores.

export class AgreementStats {
  private signal = 0;
  private noise = 0;
  private dot = 0;
  private refNorm = 0;
  private candNorm = 0;
  maxAbsError = 0;
  elements = 0;
  rows = 0;
  agreeingRows = 0;

  /** Adds one batch; `rowLength` > 1 makes each row a set of class scores for top-1 agreement. */
  add(ref: ArrayLike<number>, cand: ArrayLike<number>, rowLength = 0): void {
    if (ref.length !== cand.length) throw new Error(`cannot compare tensors of ${ref.length} and ${cand.length} elements`);
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i]!;
      const c = cand[i]!;
      const d = r - c;
      this.signal += r * r;
      this.noise += d * d;
      this.dot += r * c;
      this.refNorm += r * r;
      this.candNorm += c * c;
      const a = Math.abs(d);
      if (a > this.maxAbsError || Number.isNaN(a)) this.maxAbsError = a;
    }
    this.elements += ref.length;
    if (rowLength > 1) {
      for (let o = 0; o + rowLength <= ref.length; o += rowLength) {
        this.rows++;
        if (argmax(ref, o, rowLength) === argmax(cand, o, rowLength)) this.agreeingRows++;
      }
    }
  }

  /** Signal-to-quantization-noise ratio in dB (Infinity when identical). */
  get sqnrDb(): number {
    if (this.noise === 0) return Infinity;
    return 10 * Math.log10(this.signal / this.noise);
  }

  get cosine(): number {
    const den = Math.sqrt(this.refNorm) * Math.sqrt(this.candNorm);
    return den === 0 ? (this.refNorm === this.candNorm ? 1 : 0) : this.dot / den;
  }

  get top1Agreement(): number | undefined {
    return this.rows ? this.agreeingRows / this.rows : undefined;
  }
}

function argmax(a: ArrayLike<number>, start: number, n: number): number {
  let best = -Infinity;
  let arg = 0;
  for (let j = 0; j < n; j++) {
    const v = a[start + j]!;
    if (v > best) (best = v), (arg = j);
  }
  return arg;
}
