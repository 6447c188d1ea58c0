// The one interface every feature uses to execute graphs. Implemented over onnxruntime-common's
// API, so the same calling code runs on onnxruntime-node and on onnxruntime-web (wasm).

import type * as ortCommon from "onnxruntime-common";
import type { HostTensor, HostType } from "./host-tensor.js";
import { QuantaError, clipText, quoteName } from "../errors.js";

export type OptimizationLevel = "disabled" | "basic" | "extended" | "all";

export interface SessionOptions {
  /** ONNX Runtime graph optimization level (default "all": int8 kernels need fusion). */
  optimizationLevel?: OptimizationLevel;
  /** Intra-op threads (default: ONNX Runtime's choice). */
  threads?: number;
  /** Write the model as ONNX Runtime optimized it (node only), to see which kernels it fused. */
  optimizedModelPath?: string;
  /**
   * ONNX Runtime log severity: 0 verbose … 3 error … 4 fatal (default). Every error ORT logs is
   * also thrown and reported by quanta as one line, so ORT's own copy on stderr is left out.
   */
  logLevel?: 0 | 1 | 2 | 3 | 4;
}

export interface IOInfo {
  name: string;
  type?: string;
  shape?: (number | string)[];
}

export interface RuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, HostTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface Runtime {
  /** "onnxruntime-node" or "onnxruntime-web". */
  readonly name: string;
  /** Creates a session from serialized model bytes or, in node, a file path. */
  createSession(model: Uint8Array | string, opts?: SessionOptions): Promise<RuntimeSession>;
}

type Ort = typeof ortCommon;

/** Wraps an onnxruntime module (node or web) in the Runtime interface. */
export function ortRuntime(ort: Ort, name: string, extra: Partial<ortCommon.InferenceSession.SessionOptions> = {}): Runtime {
  return {
    name,
    async createSession(model, opts = {}) {
      const so: ortCommon.InferenceSession.SessionOptions = {
        ...extra,
        graphOptimizationLevel: opts.optimizationLevel ?? "all",
        // ORT warns per run about declared-vs-actual output shapes, which floods logs; and what it
        // logs as an error (a kernel failing on a bad model) is thrown too, and reported once.
        logSeverityLevel: opts.logLevel ?? 4,
        ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
        ...(opts.optimizedModelPath ? { optimizedModelFilePath: opts.optimizedModelPath } : {}),
      };
      const session =
        typeof model === "string" ? await ort.InferenceSession.create(model, so) : await ort.InferenceSession.create(model, so);
      return wrapSession(ort, session);
    },
  };
}

function wrapSession(ort: Ort, s: ortCommon.InferenceSession): RuntimeSession {
  // Outputs onnxruntime-node 1.30 kills the process returning, so they are never fetched:
  // sequence, map and optional values (SIGSEGV) and 4-bit tensors (a failed ArrayBuffer allocation).
  const unfetchable = new Map<string, string>();
  for (const m of s.outputMetadata ?? []) {
    if (!m.isTensor) unfetchable.set(m.name, "is a sequence, map or optional value; quanta reads tensor outputs only");
    else if (/^u?int4$/.test(String((m as { type?: string }).type))) unfetchable.set(m.name, "is a 4-bit tensor, which ONNX Runtime's JavaScript binding cannot return; dequantize it inside the model");
  }
  const tensorOutputs = s.outputNames.filter((n) => !unfetchable.has(n));
  return {
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    async run(feeds, outputs) {
      const bad = (outputs ?? []).find((n) => unfetchable.has(n));
      if (bad !== undefined) throw new QuantaError(`output ${quoteName(bad)} ${unfetchable.get(bad)}`);
      if (!outputs && tensorOutputs.length === 0 && s.outputNames.length > 0) {
        throw new QuantaError(`none of the model's outputs (${s.outputNames.slice(0, 3).map((n) => quoteName(n)).join(", ")}) is a tensor ONNX Runtime's JavaScript binding can return (sequence, map, optional or 4-bit)`);
      }
      const ortFeeds: Record<string, ortCommon.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type as never, t.data as never, t.dims as number[]);
      let res: ortCommon.InferenceSession.ReturnType;
      try {
        res = await s.run(ortFeeds, (outputs ?? tensorOutputs) as string[]);
      } catch (e) {
        // A model can load and still fail when it runs (a shape that only clashes at run time, a
        // kernel refusing its input): ORT's first line says what, clipped (it echoes names).
        throw new QuantaError(`ONNX Runtime could not run the model: ${ortMessage(e)}`);
      }
      const out: Record<string, HostTensor> = {};
      for (const [k, t] of Object.entries(res)) {
        out[k] = { type: t.type as HostType, dims: [...t.dims], data: t.data as HostTensor["data"] };
      }
      return out;
    },
    release: () => s.release(),
  };
}

/**
 * ONNX Runtime's error message as one readable line: its first line, without the C++ source path
 * and function signature it embeds, clipped to `max` (it echoes names from the model, which may
 * be megabytes long).
 */
export function ortMessage(e: unknown, max = 240): string {
  // Clipped before any pattern runs, so a megabyte-long name costs nothing.
  const first = clipText(String((e as Error)?.message ?? e).split("\n")[0]!, 4 * max);
  const plain = first
    .replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, "")
    .replace(/Non-zero status code returned while running (\S+) node\. Name:'([^']*)' Status Message: /, "$1 node '$2': ")
    .replace(/\/onnxruntime_src\/[^\s:]+:\d+ (?:[\w:~<>]+\([^()]*\)(?: const)? )?/g, "")
    // A C++ signature without the source path ("int64_t onnxruntime::HandleNegativeAxis(int64_t, int64_t) ").
    .replace(/(?:\b(?:virtual|static) )?(?:\b(?:[\w<>*&]+::)*[\w<>*&]+ )?\bonnxruntime::[\w:~<>]+\([^()]*\)(?: const)? /g, "")
    .replace(/\s+/g, " ")
    .trim();
  return clipText(plain, max);
}
