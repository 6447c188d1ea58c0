// Rewrite rules: a pattern (`match`), a `check` that says why a matched candidate is not rewritten,
// and a `rewrite`. Keeping the reason apart from the pattern is what lets `--verbose` tell users
// why a BatchNormalization stayed, instead of silently leaving it.

import { definePass, type Pass } from "../pass.js";
import type { Model } from "../../ir/model.js";
import type { Graph } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";

export type CheckResult = { ok: true } | { ok: false; reason: string };

export const OK: CheckResult = { ok: true };
export const fail = (reason: string): CheckResult => ({ ok: false, reason });

export interface RuleContext {
  readonly model: Model;
  readonly graph: Graph;
}

export interface RewriteRule<M = unknown> {
  readonly name: string;
  /** The structural pattern anchored at `node`; null when `node` is not a candidate at all. */
  match(node: Node, ctx: RuleContext): M | null;
  /** Whether the candidate may be rewritten; a failure carries a reason users read. */
  check(match: M, ctx: RuleContext): CheckResult;
  /** Rewrites the graph; runs only after `check` passed on the same, unchanged match. */
  rewrite(match: M, ctx: RuleContext): void;
}

/** Erases a rule's match type so rules of different shapes share one list. */
export function defineRule<M>(rule: RewriteRule<M>): RewriteRule {
  return rule as unknown as RewriteRule;
}

export interface SkippedCandidate {
  /** Name of the node the pattern is anchored at. */
  node: string;
  op: string;
  reason: string;
}

export interface RuleReport {
  rule: string;
  /** Rewrites performed. */
  applied: number;
  /** Candidates left as they are in the final graph, with why. */
  skipped: SkippedCandidate[];
}

/** Sweeps that still change the graph after this many rounds mean two rules undo each other. */
const MAX_SWEEPS = 1000;

/**
 * Applies `rules` to the main graph in node order until a whole sweep rewrites nothing. Reasons
 * come from that last sweep only, so a candidate skipped early but rewritten later (after another
 * rewrite enabled it) is not reported.
 */
export function applyRules(model: Model, rules: readonly RewriteRule[]): RuleReport[] {
  const graph = model.graph;
  const ctx: RuleContext = { model, graph };
  const reports = rules.map((r): RuleReport => ({ rule: r.name, applied: 0, skipped: [] }));
  for (let sweep = 0; ; sweep++) {
    if (sweep === MAX_SWEEPS) throw new Error(`rules ${rules.map((r) => r.name).join(", ")} still rewrite after ${MAX_SWEEPS} sweeps`);
    for (const r of reports) r.skipped = [];
    let changed = false;
    for (const node of [...graph.nodes]) {
      if (node.graph !== graph) continue; // removed by an earlier rewrite of this sweep
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        const m = rule.match(node, ctx);
        if (m === null) continue;
        const c = rule.check(m, ctx);
        if (!c.ok) {
          reports[i]!.skipped.push({ node: node.name, op: node.opType, reason: c.reason });
          continue;
        }
        rule.rewrite(m, ctx);
        reports[i]!.applied++;
        changed = true;
        break; // the node may be gone or changed: the next sweep looks at it again
      }
    }
    if (!changed) return reports;
  }
}

export interface RulePassOptions {
  /** Receives each run's reports (per rule: rewrites and skipped candidates with reasons). */
  onReport?: (reports: readonly RuleReport[]) => void;
}

/** A pass applying `rules` until none applies; modified when any rule fired. */
export function rulePass(name: string, rules: readonly RewriteRule[], opts: RulePassOptions = {}): Pass {
  return definePass(name, (model) => {
    const reports = applyRules(model, rules);
    opts.onReport?.(reports);
    return { model, modified: reports.some((r) => r.applied > 0) };
  });
}

/** Human-readable lines for `--verbose`: one summary per rule, then one line per skipped candidate. */
export function formatRuleReports(reports: readonly RuleReport[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.rule}: applied ${r.applied}, skipped ${r.skipped.length}`);
    for (const s of r.skipped) lines.push(`  ${s.op} "${s.node}": ${s.reason}`);
  }
  return lines;
}
