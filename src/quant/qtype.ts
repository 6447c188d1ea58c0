// Integer types quantized tensors are stored in, with their ranges and ONNX element types.

import { DataType } from "../ir/dtype.js";

export type QType = "uint8" | "int8" | "uint16" | "int16";

export const QTYPES: readonly QType[] = ["uint8", "int8", "uint16", "int16"];

export interface QTypeInfo {
  readonly qmin: number;
  readonly qmax: number;
  readonly dtype: DataType;
  readonly signed: boolean;
  readonly bits: number;
}

const INFO: Record<QType, QTypeInfo> = {
  uint8: { qmin: 0, qmax: 255, dtype: DataType.UINT8, signed: false, bits: 8 },
  int8: { qmin: -128, qmax: 127, dtype: DataType.INT8, signed: true, bits: 8 },
  uint16: { qmin: 0, qmax: 65535, dtype: DataType.UINT16, signed: false, bits: 16 },
  int16: { qmin: -32768, qmax: 32767, dtype: DataType.INT16, signed: true, bits: 16 },
};

export function qtypeInfo(t: QType): QTypeInfo {
  return INFO[t];
}
