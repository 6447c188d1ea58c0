// Training in ONNX Runtime: the step graph (forward, loss, backward, optimizer as one ONNX model),
// its K-steps-per-run Loop form, and the trainer that drives them with data and checkpoints.

export { train, AUTO_LOOP_MAX_PARAMS, AUTO_STEPS_PER_RUN, type TrainOptions, type TrainProgress, type TrainResult, type EpochReport } from "./trainer.js";
export { buildStepGraph, allSlots, type StepGraph, type StepGraphOptions, type LossSpec, type Slot } from "./step-graph.js";
export { buildLoopGraph, type LoopGraph } from "./loop-graph.js";
export { openRunner, type StepRunner, type StepResult, type TrainingState } from "./runner.js";
export { lrSchedule, type ScheduleSpec, type LrSchedule, type LrScheduleOptions } from "./schedule.js";
export { trainableParams } from "./trainable-params.js";
export { epochOrder, epochSeed, stepsPerEpoch } from "./data-order.js";
export { batchLoader, type BatchLoader, type Feeds } from "./batch-feeds.js";
export { withWeights, readWeights } from "./weights.js";
export { writeCheckpoint, readCheckpoint, latestCheckpoint, listCheckpoints, CHECKPOINT_FORMAT, type Checkpoint, type CheckpointMeta } from "./checkpoint.js";
export * from "./optimizers/index.js";
