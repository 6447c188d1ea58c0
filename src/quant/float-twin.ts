// Quantized graphs mark the node whose output stands for a float tensor of the original model, so
// verification (`compare --per-layer`) can line the two up by name.

/** Node metadata key naming the float tensor a DequantizeLinear (or Cast×scale) output stands for. */
export const FLOAT_TWIN_KEY = "quanta.float_tensor";
