import { describe, expect, it } from 'vitest';
import { initialInstanceState, stepRule, type AlertRule, type ConditionOutcome, type ConditionStatus, type RuleInstanceState, type RuleStep } from '../../src/index.ts';
import { MINUTE } from './helpers.ts';

const RULE: AlertRule = {
  id: 'test.rule',
  name: { en: 'Test', th: 'ทดสอบ' },
  domains: ['waste'],
  severity: 'minor',
  enabled: true,
  conditions: [
    { id: 'a', kind: 'threshold', parameter: 'fillingLevel', op: 'gte', value: 80, clearValue: 60, maxSampleAgeMs: 60 * MINUTE },
    { id: 'b', kind: 'threshold', parameter: 'lidOpen', op: 'gte', value: 1, clearValue: 0, maxSampleAgeMs: 60 * MINUTE, forMs: 30 * MINUTE, severity: 'major' },
  ],
  forMs: 0,
  clearAfterQuietMs: 10 * MINUTE,
  escalation: null,
  reminderEveryMs: null,
  source: 'test',
};

function o(conditionId: string, status: ConditionStatus, value: number | null = null, severity: ConditionOutcome['severity'] = null): ConditionOutcome {
  return { status, conditionId, parameter: null, value, unit: null, standard: null, window: null, severity, detail: status };
}

/** run steps at the given minutes, returning each step's kind */
function run(rule: AlertRule, steps: Array<[number, ConditionOutcome[]]>, start: RuleInstanceState = initialInstanceState()): { kinds: RuleStep['kind'][]; state: RuleInstanceState; last: RuleStep } {
  let state = start;
  const kinds: RuleStep['kind'][] = [];
  let last: RuleStep = { kind: 'none' };
  for (const [minute, outcomes] of steps) {
    const result = stepRule(rule, state, outcomes, minute * MINUTE);
    state = result.state;
    kinds.push(result.step.kind);
    last = result.step;
  }
  return { kinds, state, last };
}

describe('stepRule', () => {
  it('raises as soon as a condition without a duration fires', () => {
    const { kinds, last } = run(RULE, [[0, [o('a', 'firing', 85), o('b', 'clear')]]]);
    expect(kinds).toEqual(['raise']);
    expect(last).toMatchObject({ kind: 'raise', at: 0, severity: 'minor', cause: { conditionId: 'a', value: 85 } });
  });

  it('raises on the other OR condition only after its own duration, with its severity', () => {
    const lid = (minute: number): [number, ConditionOutcome[]] => [minute, [o('a', 'clear', 40), o('b', 'firing', 1)]];
    const { kinds, last } = run(RULE, [lid(0), lid(10), lid(29), lid(30)]);
    expect(kinds).toEqual(['none', 'none', 'none', 'raise']);
    expect(last).toMatchObject({ severity: 'major', cause: { conditionId: 'b' } });
  });

  it('restarts a duration when the condition stops firing in between', () => {
    const lid = (minute: number, status: ConditionStatus): [number, ConditionOutcome[]] => [minute, [o('a', 'clear'), o('b', status)]];
    expect(run(RULE, [lid(0, 'firing'), lid(20, 'clear'), lid(25, 'firing'), lid(50, 'firing'), lid(55, 'firing')]).kinds).toEqual(['none', 'none', 'none', 'none', 'raise']);
  });

  it('clears only after the quiet period of all-clear evaluations', () => {
    const steps: Array<[number, ConditionOutcome[]]> = [
      [0, [o('a', 'firing'), o('b', 'clear')]],
      [5, [o('a', 'clear'), o('b', 'clear')]],
      [14, [o('a', 'clear'), o('b', 'clear')]],
      [15, [o('a', 'clear'), o('b', 'clear')]],
    ];
    expect(run(RULE, steps).kinds).toEqual(['raise', 'none', 'none', 'clear']);
  });

  it('hysteresis: a value in the band neither raises nor clears, and restarts the quiet period', () => {
    expect(run(RULE, [[0, [o('a', 'hold'), o('b', 'clear')]]]).kinds).toEqual(['none']);
    const steps: Array<[number, ConditionOutcome[]]> = [
      [0, [o('a', 'firing'), o('b', 'clear')]],
      [5, [o('a', 'clear'), o('b', 'clear')]],
      [12, [o('a', 'hold'), o('b', 'clear')]],
      [16, [o('a', 'clear'), o('b', 'clear')]],
      [25, [o('a', 'clear'), o('b', 'clear')]],
      [26, [o('a', 'clear'), o('b', 'clear')]],
    ];
    expect(run(RULE, steps).kinds).toEqual(['raise', 'none', 'none', 'none', 'none', 'clear']);
  });

  it('insufficient data never clears an active alert, and not-applicable alone is no evidence', () => {
    const raised = run(RULE, [[0, [o('a', 'firing'), o('b', 'clear')]]]).state;
    const gaps = run(
      RULE,
      [
        [20, [o('a', 'insufficient'), o('b', 'clear')]],
        [60, [o('a', 'insufficient'), o('b', 'clear')]],
        [120, [o('a', 'not-applicable'), o('b', 'not-applicable')]],
      ],
      raised,
    );
    expect(gaps.kinds).toEqual(['none', 'none', 'none']);
    expect(gaps.state.active).toBe(true);
    // a device that only ever sends one of the parameters can still clear on it
    expect(run(RULE, [[130, [o('a', 'clear'), o('b', 'not-applicable')]], [140, [o('a', 'clear'), o('b', 'not-applicable')]]], gaps.state).kinds).toEqual(['none', 'clear']);
  });

  it('changes severity while active when the cause asks for another one', () => {
    const band = (minute: number, severity: 'major' | 'critical'): [number, ConditionOutcome[]] => [minute, [o('a', 'firing', null, severity), o('b', 'clear')]];
    const { kinds, last, state } = run(RULE, [band(0, 'major'), band(10, 'critical'), band(20, 'critical'), band(30, 'major')]);
    expect(kinds).toEqual(['raise', 'severity', 'none', 'severity']);
    expect(last).toMatchObject({ kind: 'severity', severity: 'major' });
    expect(state.severity).toBe('major');
  });

  it('ignores an evaluation earlier than the previous one', () => {
    const later = run(RULE, [[10, [o('a', 'clear'), o('b', 'clear')]]]).state;
    const result = stepRule(RULE, later, [o('a', 'firing'), o('b', 'clear')], 5 * MINUTE);
    expect(result.step.kind).toBe('none');
    expect(result.state).toBe(later);
  });

  it('clears at once with a zero quiet period', () => {
    const quick = { ...RULE, clearAfterQuietMs: 0 };
    expect(run(quick, [[0, [o('a', 'firing'), o('b', 'clear')]], [1, [o('a', 'clear'), o('b', 'clear')]]]).kinds).toEqual(['raise', 'clear']);
  });
});
