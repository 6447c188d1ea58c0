// Bounds checking for Dataset.get, shared by every reader so the message is the same everywhere.

import { fail } from "./data-error.js";

export function checkIndex(index: number, size: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    fail(`sample index ${index} is out of range for ${what} (${size} samples)`);
  }
}
