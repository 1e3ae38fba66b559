import type { IncomingSpan } from '@/server/patch/plan-ingest';

/** Name of the demo project `npm start` seeds on an empty database. */
export const DEMO_PROJECT = 'demo';

const SEED = 20_250_505;
const TARGET_SPANS = 5_000;
const FIRST_TRACE_AT = Date.parse('2025-05-05T08:00:00.000Z');

/** A small, fast, seeded PRNG (mulberry32): the same seed always gives the same demo data. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Generator {
  random: () => number;
  usedIds: Set<string>;
}

function hexId(generator: Generator, bytes: 8 | 16): string {
  for (;;) {
    let id = '';
    for (let i = 0; i < bytes / 4; i++) {
      id += Math.floor(generator.random() * 4_294_967_296)
        .toString(16)
        .padStart(8, '0');
    }
    if (!/^0+$/.test(id) && !generator.usedIds.has(id)) {
      generator.usedIds.add(id);
      return id;
    }
  }
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function between(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'llama-3.1-70b-instruct'] as const;
const tools = [
  'lookup_order',
  'search_knowledge_base',
  'get_account_status',
  'create_support_ticket',
  'run_sql_query',
];
const workflows = [
  { root: 'rag_pipeline', steps: ['retrieve', 'llm'] },
  { root: 'support_agent.run', steps: ['llm', 'tool', 'llm'] },
  { root: 'support_agent.run', steps: ['llm', 'tool', 'tool', 'llm'] },
  { root: 'rag_pipeline', steps: ['retrieve', 'rerank', 'llm'] },
  { root: 'summarize_conversation', steps: ['llm'] },
  { root: 'text_to_sql', steps: ['llm', 'tool', 'llm'] },
] as const;

interface SpanDraft {
  name: string;
  kind: string;
  durationMs: number;
  metadata: Record<string, string | number | null> | null;
}

function stepSpan(generator: Generator, step: string): SpanDraft {
  const { random } = generator;
  switch (step) {
    case 'retrieve':
      return {
        name: 'retrieve_documents',
        kind: 'RETRIEVER',
        durationMs: between(random, 40, 400),
        metadata: random() < 0.3 ? { top_k: pick(random, [3, 5, 8, 10]) } : null,
      };
    case 'rerank':
      return {
        name: 'rerank_documents',
        kind: 'RERANKER',
        durationMs: between(random, 30, 200),
        metadata: null,
      };
    case 'tool':
      return {
        name: pick(random, tools),
        kind: 'TOOL',
        durationMs: between(random, 20, 900),
        metadata: null,
      };
    default: {
      const metadata: Record<string, string | number | null> = {};
      if (random() < 0.3) metadata.score = between(random, 1, 99) / 100;
      if (random() < 0.2) metadata.prompt_version = pick(random, ['v1', 'v2', 'v3']);
      return {
        name: `chat ${pick(random, models)}`,
        kind: 'LLM',
        durationMs: between(random, 350, 6_000),
        metadata: Object.keys(metadata).length > 0 ? metadata : null,
      };
    }
  }
}

function rootMetadata(random: () => number, trace: number): Record<string, string | number | null> | null {
  if (random() >= 0.7) return null;
  const metadata: Record<string, string | number | null> = {
    user_id: `user_${String(between(random, 1, 400)).padStart(4, '0')}`,
    session_id: `sess_${String(Math.floor(trace / 3)).padStart(5, '0')}`,
    turn: between(random, 1, 12),
  };
  if (random() < 0.2) {
    metadata.reviewed = 'false';
    metadata.reviewer_note = null;
  }
  return metadata;
}

/** The question a demo trace answers, its input: one per trace, so spans of one name differ by their input. */
function demoQuestion(trace: number): string {
  return `Where is my order ${4000 + trace}?\nThe customer wrote in on the support chat.`;
}

/**
 * The demo project's spans: about 5,000 OpenInference spans in traces of a CHAIN root with LLM, RETRIEVER,
 * RERANKER and TOOL children, deterministic (seeded), so sample sheets can name fixed span IDs. Some carry
 * metadata of each stored type: `user_id`, `session_id`, `reviewed`, `prompt_version` (Utf8), `turn`, `top_k`
 * (Int64), `score` (Float64), `reviewer_note` (only null).
 */
export function buildDemoSpans(): IncomingSpan[] {
  const generator: Generator = { random: createRandom(SEED), usedIds: new Set() };
  const { random } = generator;
  const spans: IncomingSpan[] = [];
  let traceStart = FIRST_TRACE_AT;
  for (let trace = 0; spans.length < TARGET_SPANS; trace++) {
    const workflow = pick(random, workflows);
    const traceId = hexId(generator, 16);
    const rootId = hexId(generator, 8);
    const root: IncomingSpan = {
      spanId: rootId,
      traceId,
      parentSpanId: null,
      name: workflow.root,
      kind: 'CHAIN',
      startTime: new Date(traceStart).toISOString(),
      endTime: null,
      metadata: undefined,
      // NOTE: made from the trace's number, not the random generator, so the span IDs stay as they were.
      input: demoQuestion(trace),
      output: `Order ${4000 + trace} shipped on ${new Date(traceStart).toISOString().slice(0, 10)}.`,
    };
    const metadata = rootMetadata(random, trace);
    if (metadata) root.metadata = JSON.stringify(metadata);
    spans.push(root);
    let at = traceStart + between(random, 2, 30);
    for (const step of workflow.steps) {
      const draft = stepSpan(generator, step);
      spans.push({
        spanId: hexId(generator, 8),
        traceId,
        parentSpanId: rootId,
        name: draft.name,
        kind: draft.kind,
        startTime: new Date(at).toISOString(),
        endTime: new Date(at + draft.durationMs).toISOString(),
        metadata: draft.metadata ? JSON.stringify(draft.metadata) : undefined,
        ...(draft.kind === 'LLM'
          ? { input: demoQuestion(trace), output: `Looking up order ${4000 + trace}.` }
          : {}),
      });
      at += draft.durationMs + between(random, 1, 20);
    }
    root.endTime = new Date(at).toISOString();
    traceStart += between(random, 20_000, 180_000);
  }
  return spans;
}

/** The demo project's span IDs, in generation order (each trace's CHAIN root first, then its children). */
export function demoSpanIds(): string[] {
  return buildDemoSpans().map((span) => span.spanId);
}
