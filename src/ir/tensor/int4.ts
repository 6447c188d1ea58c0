// 4-bit integers as ONNX packs them: two per byte, element 2i in the low nibble.

export function packInt4(values: ArrayLike<number>, signed: boolean): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const lo = signed ? Math.max(-8, Math.min(7, values[i]!)) : Math.max(0, Math.min(15, values[i]!));
    const nibble = lo & 0x0f;
    out[i >> 1]! |= i & 1 ? nibble << 4 : nibble;
  }
  return out;
}

export function unpackInt4(bytes: Uint8Array, count: number, signed: boolean): Int8Array {
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const byte = bytes[i >> 1]!;
    let v = i & 1 ? byte >>> 4 : byte & 0x0f;
    if (signed && v >= 8) v -= 16;
    out[i] = v;
  }
  return out;
}
