// The common shape every text reader produces, plus the field names tried when the user names none.

export interface TextRow {
  readonly text: string;
  /** The label as written in the file (numbers as their decimal text), if the file has labels. */
  readonly label?: string;
  /** 1-based line in the file, for error messages. */
  readonly line: number;
}

export interface TextTable {
  readonly rows: TextRow[];
  /** Where text and labels came from, for the dataset description (e.g. "column 'sentence'"). */
  readonly textSource: string;
  readonly labelSource?: string;
}

/** Text fields / header names tried in order (case-insensitive for headers). */
export const TEXT_NAMES = ["text", "sentence", "sentence1", "content", "review", "document", "message", "sms", "body"] as const;
/** Label fields / header names tried in order. */
export const LABEL_NAMES = ["label", "labels", "class", "class index", "category", "target", "y"] as const;
