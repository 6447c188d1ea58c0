// ONNX element types (TensorProto.DataType numbers) and what the IR needs to know about them.

export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

const NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(DataType)) NAMES[v] = k.toLowerCase();

/** Lower-case ONNX name of an element type, e.g. "float", "int8", "bfloat16". */
export function dtypeName(t: number): string {
  return NAMES[t] ?? `dtype(${t})`;
}

export function dtypeFromName(name: string): DataType {
  const key = name.toUpperCase() as keyof typeof DataType;
  const alias: Record<string, DataType> = { FLOAT32: DataType.FLOAT, FLOAT64: DataType.DOUBLE };
  const t = DataType[key] ?? alias[key];
  if (t === undefined) throw new Error(`unknown element type "${name}"`);
  return t;
}

/** Bits per element as stored in raw_data (string: 0, not fixed-size). */
export function dtypeBits(t: number): number {
  switch (t) {
    case DataType.BOOL:
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
      return 8;
    case DataType.UINT16:
    case DataType.INT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return 16;
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 32;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
    case DataType.COMPLEX64:
      return 64;
    case DataType.COMPLEX128:
      return 128;
    case DataType.UINT4:
    case DataType.INT4:
    case DataType.FLOAT4E2M1:
      return 4;
    case DataType.STRING:
      return 0;
    default:
      throw new Error(`unsupported element type ${dtypeName(t)}`);
  }
}

/** Bytes needed to store `count` elements packed as raw_data (4-bit types pack two per byte). */
export function rawByteLength(t: number, count: number): number {
  return Math.ceil((dtypeBits(t) * count) / 8);
}

export function isFloatType(t: number): boolean {
  return (
    t === DataType.FLOAT ||
    t === DataType.DOUBLE ||
    t === DataType.FLOAT16 ||
    t === DataType.BFLOAT16 ||
    (t >= DataType.FLOAT8E4M3FN && t <= DataType.FLOAT8E5M2FNUZ) ||
    t === DataType.FLOAT4E2M1 ||
    t === DataType.FLOAT8E8M0
  );
}

/** ONNX Runtime's tensor type string for an element type, when it has one. */
export function dtypeToHost(t: number): import("../runtime/host-tensor.js").HostType {
  switch (t) {
    case DataType.FLOAT:
      return "float32";
    case DataType.DOUBLE:
      return "float64";
    case DataType.FLOAT16:
      return "float16";
    case DataType.INT8:
      return "int8";
    case DataType.UINT8:
      return "uint8";
    case DataType.INT16:
      return "int16";
    case DataType.UINT16:
      return "uint16";
    case DataType.INT32:
      return "int32";
    case DataType.UINT32:
      return "uint32";
    case DataType.INT64:
      return "int64";
    case DataType.UINT64:
      return "uint64";
    case DataType.BOOL:
      return "bool";
    default:
      throw new Error(`element type ${dtypeName(t)} has no host tensor representation`);
  }
}

export function dtypeFromHost(t: string): DataType {
  const map: Record<string, DataType> = {
    float32: DataType.FLOAT,
    float64: DataType.DOUBLE,
    float16: DataType.FLOAT16,
    int8: DataType.INT8,
    uint8: DataType.UINT8,
    int16: DataType.INT16,
    uint16: DataType.UINT16,
    int32: DataType.INT32,
    uint32: DataType.UINT32,
    int64: DataType.INT64,
    uint64: DataType.UINT64,
    bool: DataType.BOOL,
  };
  const d = map[t];
  if (d === undefined) throw new Error(`host tensor type "${t}" has no ONNX element type`);
  return d;
}
