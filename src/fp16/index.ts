// Float16 conversion for GPU targets.

export { convertToFloat16, convertModelToFloat16, type Float16Options, type Float16Stats, type Float16Pass, type Float16PassResult } from "./convert-model.js";
export { fp16RuleFor, fp16RuleOps, type Fp16Rule, type Float16Rule, type Float32Rule } from "./rules.js";
export { tensorToFloat16, type RangeCounts } from "./convert-tensor.js";
export { compareOutputs, hostFloats, type Agreement } from "./agreement.js";
export { float16RangeCheck, FLOAT16_RANGE_LIMIT, type Float16RangeReport } from "./range-check.js";
