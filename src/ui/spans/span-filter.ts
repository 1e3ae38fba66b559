import type { MetadataCondition, SpanFilter } from '@/core/api';

/** The OpenInference span kinds the kind filter offers. */
export const SPAN_KINDS = [
  'LLM',
  'CHAIN',
  'RETRIEVER',
  'TOOL',
  'EMBEDDING',
  'RERANKER',
  'AGENT',
  'GUARDRAIL',
  'EVALUATOR',
] as const;

export type ConditionOp = MetadataCondition['op'];

/** The operators of a metadata condition, as the user reads them. */
export const CONDITION_OPS: readonly { op: ConditionOp; label: string }[] = [
  { op: 'eq', label: 'is' },
  { op: 'ne', label: 'is not' },
  { op: 'contains', label: 'contains' },
  { op: 'lt', label: 'is less than' },
  { op: 'gt', label: 'is greater than' },
  { op: 'exists', label: 'is set' },
  { op: 'missing', label: 'is not set' },
];

/** The operators that compare with a value (all but `exists` and `missing`). */
export type ValueOp = Exclude<ConditionOp, 'exists' | 'missing'>;

/** True for the operators that compare with a value (all but `exists` and `missing`). */
export function needsValue(op: ConditionOp): op is ValueOp {
  return op !== 'exists' && op !== 'missing';
}

/** One metadata condition as the form holds it; `id` keeps its row when others are removed. */
export interface ConditionDraft {
  id: number;
  key: string;
  op: ConditionOp;
  value: string;
}

/** The search form as the user fills it in; `from` and `to` are `datetime-local` values, in local time. */
export interface SearchDraft {
  text: string;
  kinds: readonly string[];
  rootsOnly: boolean;
  from: string;
  to: string;
  conditions: readonly ConditionDraft[];
}

export const EMPTY_DRAFT: SearchDraft = {
  text: '',
  kinds: [],
  rootsOnly: false,
  from: '',
  to: '',
  conditions: [],
};

/** A `datetime-local` value (local time) as an ISO 8601 instant; null when blank or not a time. */
export function localTimeToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/**
 * The query filter of a search form (SPEC §10): blank fields are left out, and so are conditions not yet
 * complete (no key, or no value for an operator that needs one), which `incomplete` counts.
 */
export function toSpanFilter(draft: SearchDraft): { filter: SpanFilter; incomplete: number } {
  const filter: SpanFilter = {};
  const text = draft.text.trim();
  if (text !== '') filter.text = text;
  if (draft.kinds.length > 0) filter.kinds = [...draft.kinds];
  if (draft.rootsOnly) filter.roots_only = true;
  const from = localTimeToIso(draft.from);
  const to = localTimeToIso(draft.to);
  if (from !== null || to !== null) {
    filter.start = {};
    if (from !== null) filter.start.from = from;
    if (to !== null) filter.start.to = to;
  }
  let incomplete = 0;
  const metadata: MetadataCondition[] = [];
  for (const condition of draft.conditions) {
    const key = condition.key.trim();
    if (key === '' || (needsValue(condition.op) && condition.value === '')) {
      incomplete++;
      continue;
    }
    const { op } = condition;
    metadata.push(needsValue(op) ? { key, op, value: condition.value } : { key, op });
  }
  if (metadata.length > 0) filter.metadata = metadata;
  return { filter, incomplete };
}
