// Exponential moving average of one scalar per batch, torch.ao style: the first value
// initializes it, then v += c * (x - v).
//
// Merging: two workers that averaged disjoint runs of batches cannot be combined into "the"
// average without an order, so append() defines it as this run followed by the other's. With
// other's first value b1 and its length m, sequential averaging would have given
//   (1-c)^m * this + sum_k c (1-c)^(m-k) b_k  =  (1-c)^m * (this - b1) + other,
// so keeping b1 makes the merge exact (up to rounding): associative, not commutative.

export interface EmaJSON {
  value: number;
  first: number;
  n: number;
}

export class Ema {
  readonly constant: number;
  value = 0;
  /** The first value pushed, needed by append(). */
  first = 0;
  n = 0;

  constructor(constant: number) {
    this.constant = constant;
  }

  push(x: number): void {
    if (this.n === 0) this.value = this.first = x;
    else this.value += this.constant * (x - this.value);
    this.n++;
  }

  /** As if other's values had been pushed after this one's. */
  append(other: Ema): void {
    if (other.constant !== this.constant) throw new Error(`cannot merge moving averages with constants ${this.constant} and ${other.constant}`);
    if (other.n === 0) return;
    if (this.n === 0) {
      this.value = other.value;
      this.first = other.first;
    } else {
      this.value = (1 - this.constant) ** other.n * (this.value - other.first) + other.value;
    }
    this.n += other.n;
  }

  toJSON(): EmaJSON {
    return { value: this.value, first: this.first, n: this.n };
  }

  static fromJSON(constant: number, json: unknown): Ema {
    const j = json as EmaJSON;
    if (typeof j !== "object" || j === null || !Number.isFinite(j.value) || !Number.isFinite(j.first) || !Number.isInteger(j.n) || j.n < 0) {
      throw new Error("invalid moving-average JSON");
    }
    const e = new Ema(constant);
    if (j.n > 0) Object.assign(e, { value: j.value, first: j.first, n: j.n });
    return e;
  }
}
