// A view of a dataset's first N samples (DataOptions.limit), keeping its labels and metadata.

import type { Dataset } from "./dataset.js";
import { checkIndex } from "./check-index.js";

export function takeFirst(ds: Dataset, limit: number): Dataset {
  if (limit >= ds.size) return ds;
  return {
    description: `${ds.description}, first ${limit}`,
    size: limit,
    inputNames: ds.inputNames,
    hasLabels: ds.hasLabels,
    ...(ds.classNames ? { classNames: ds.classNames } : {}),
    ...(ds.labelOffset !== undefined ? { labelOffset: ds.labelOffset } : {}),
    ...(ds.entries !== undefined ? { entries: ds.entries } : {}),
    ...(ds.notes !== undefined ? { notes: ds.notes } : {}),
    ...(ds.assignedInputs !== undefined ? { assignedInputs: ds.assignedInputs } : {}),
    get: async (index) => {
      checkIndex(index, limit, ds.description);
      return ds.get(index);
    },
  };
}
