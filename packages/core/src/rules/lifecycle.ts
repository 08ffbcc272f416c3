/**
 * The condition side of an alert's life, pure: given a rule, the state of its instance (one device) and the outcomes
 * of its conditions at time `at`, decide whether the alert is raised, cleared or changes severity. Acknowledgement,
 * escalation and reminders are wall-clock matters of the service, not of the data.
 */
import type { ConditionOutcome } from './conditions.ts';
import { severityRank, type AlertRule, type AlertSeverity } from './types.ts';

export interface RuleInstanceState {
  active: boolean;
  /** severity of the active alert */
  severity: AlertSeverity | null;
  /** per condition id: since when it has been firing without a break (its duration counts from here) */
  firingSince: Record<string, number>;
  /** while active: since when every condition has been clear (the quiet period counts from here) */
  quietSince: number | null;
  /** the latest evaluation time; evaluations never go back in time */
  lastEvaluatedAt: number | null;
}

export function initialInstanceState(active = false, severity: AlertSeverity | null = null): RuleInstanceState {
  return { active, severity, firingSince: {}, quietSince: null, lastEvaluatedAt: null };
}

export type RuleStep =
  | { kind: 'none' }
  | { kind: 'raise'; at: number; severity: AlertSeverity; cause: ConditionOutcome }
  | { kind: 'clear'; at: number; last: ConditionOutcome | null }
  | { kind: 'severity'; at: number; severity: AlertSeverity; cause: ConditionOutcome };

export interface StepResult {
  state: RuleInstanceState;
  step: RuleStep;
  /** the outcome that best describes the alert now (the firing or holding condition, else the first clear one) */
  observation: ConditionOutcome | null;
}

function severityOf(rule: AlertRule, outcome: ConditionOutcome): AlertSeverity {
  const condition = rule.conditions.find((c) => c.id === outcome.conditionId);
  return outcome.severity ?? condition?.severity ?? rule.severity;
}

/** the holding outcome with the worst severity (first in rule order on a tie) */
function worstHolding(rule: AlertRule, holding: ConditionOutcome[]): ConditionOutcome {
  return holding.reduce((worst, o) => (severityRank(severityOf(rule, o)) < severityRank(severityOf(rule, worst)) ? o : worst));
}

/**
 * One evaluation step. Rules:
 * - a condition holds once it has been firing for its forMs (condition's, else the rule's); any holding condition
 *   raises (OR), the worst severity among them is the alert's;
 * - an active alert clears only when every applicable condition is 'clear' for clearAfterQuietMs; a condition that is
 *   firing (not yet long enough), 'hold' (hysteresis band) or 'insufficient' restarts the quiet period, and an
 *   instance with no applicable condition at all cannot clear (no data is not good data);
 * - an evaluation earlier than the previous one is ignored (the caller re-evaluates late data at the latest time).
 */
export function stepRule(rule: AlertRule, previous: RuleInstanceState, outcomes: readonly ConditionOutcome[], at: number): StepResult {
  if (previous.lastEvaluatedAt !== null && at < previous.lastEvaluatedAt) {
    return { state: previous, step: { kind: 'none' }, observation: null };
  }
  const firingSince: Record<string, number> = {};
  const holding: ConditionOutcome[] = [];
  for (const o of outcomes) {
    if (o.status !== 'firing') continue;
    const since = previous.firingSince[o.conditionId] ?? at;
    firingSince[o.conditionId] = since;
    const condition = rule.conditions.find((c) => c.id === o.conditionId);
    const forMs = condition?.forMs ?? rule.forMs;
    if (at - since >= forMs) holding.push(o);
  }
  const applicable = outcomes.filter((o) => o.status !== 'not-applicable');
  const observation =
    holding[0] ?? applicable.find((o) => o.status === 'firing') ?? applicable.find((o) => o.status === 'hold') ?? applicable.find((o) => o.status === 'clear') ?? null;
  const state: RuleInstanceState = { ...previous, firingSince, lastEvaluatedAt: at };

  if (holding.length > 0) {
    const cause = worstHolding(rule, holding);
    const severity = severityOf(rule, cause);
    state.quietSince = null;
    if (!previous.active) {
      state.active = true;
      state.severity = severity;
      return { state, step: { kind: 'raise', at, severity, cause }, observation: cause };
    }
    if (severity !== previous.severity) {
      state.severity = severity;
      return { state, step: { kind: 'severity', at, severity, cause }, observation: cause };
    }
    return { state, step: { kind: 'none' }, observation: cause };
  }

  if (!previous.active) return { state, step: { kind: 'none' }, observation };

  const allClear = applicable.length > 0 && applicable.every((o) => o.status === 'clear');
  if (!allClear) {
    state.quietSince = null;
    return { state, step: { kind: 'none' }, observation };
  }
  const quietSince = previous.quietSince ?? at;
  if (at - quietSince >= rule.clearAfterQuietMs) {
    return {
      state: { active: false, severity: null, firingSince: {}, quietSince: null, lastEvaluatedAt: at },
      step: { kind: 'clear', at, last: observation },
      observation,
    };
  }
  state.quietSince = quietSince;
  return { state, step: { kind: 'none' }, observation };
}
