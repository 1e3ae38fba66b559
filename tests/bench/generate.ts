/** Deterministic test data for benchmarks: a sheet an analyst would export from pandas. */
import { createRandom } from '../../src/server/demo/demo-spans';
import type { IncomingSpan } from '../../src/server/patch/plan-ingest';

/** A 16-hex-character span ID from a number. */
export function spanIdFor(index: number): string {
  return (index * 2654435761 + 0x1f2e3d4c).toString(16).padStart(16, '0').slice(-16);
}

/**
 * CSV text of `rows` rows: span ID, 8 metadata columns of mixed types, and a patch_document. With `rowsPerSpan`
 * over 1, each span ID is on that many rows in a row (every row then warned `duplicate_span_id`).
 */
export function generateSheetCsv(rows: number, seed = 7, rowsPerSpan = 1): string {
  const random = createRandom(seed);
  const header = [
    'context.span_id',
    'attributes.metadata.reviewed',
    'attributes.metadata.reviewer',
    'attributes.metadata.quality',
    'attributes.metadata.score',
    'attributes.metadata.ticket_id',
    'attributes.metadata.tags',
    'attributes.metadata.note',
    'attributes.metadata.turn',
    'patch_document',
  ];
  const reviewers = ['ana', 'bo', 'chen', 'dita', 'emre'];
  const lines = [header.join(',')];
  for (let index = 0; index < rows; index++) {
    const quality = 1 + Math.floor(random() * 5);
    const fields = [
      spanIdFor(Math.floor(index / rowsPerSpan)),
      random() < 0.5 ? 'true' : 'false',
      reviewers[index % reviewers.length] ?? 'ana',
      String(quality),
      (random() * 100).toFixed(2),
      `T-${100000 + index}`,
      `"[""a"",""b${quality}""]"`,
      random() < 0.2 ? '' : `"checked, ok ${index}"`,
      String(index % 17),
      random() < 0.3 ? `"{""source"":""bench"",""batch"":${index % 10}}"` : '',
    ];
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const traceModels = [
  'gpt-4o-mini',
  'gpt-4o',
  'claude-3-5-sonnet',
  'llama-3.1-70b-instruct',
  'gemini-1.5-pro',
];
/** How often each model serves a trace, in the order of `traceModels`. */
const modelShares = [0.4, 0.3, 0.15, 0.1, 0.05];
const userTiers = ['free', 'pro', 'enterprise'];
/** How often each tier sends a trace, in the order of `userTiers`. */
const tierShares = [0.6, 0.3, 0.1];
const regions = ['us-east', 'us-west', 'eu-west', 'ap-south'];
const supportTools = [
  'lookup_order',
  'search_knowledge_base',
  'get_account_status',
  'create_support_ticket',
  'refund_payment',
  'send_email',
];

/** A step of a trace: a span's name and kind, and its children. */
interface TraceStep {
  name: string;
  kind: string;
  children?: TraceStep[];
}

function pickOne<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pickOne from an empty list');
  return item;
}

function pickShared(random: () => number, items: readonly string[], shares: readonly number[]): string {
  let left = random();
  for (const [index, share] of shares.entries()) {
    left -= share;
    if (left < 0) return items[index] ?? '';
  }
  return items.at(-1) ?? '';
}

/** One trace's root and steps, ~4 spans on average, up to 3 levels deep. */
function traceSteps(random: () => number, model: string): TraceStep {
  const llm = (): TraceStep => ({ name: `chat ${model}`, kind: 'LLM' });
  const tool = (): TraceStep => ({ name: pickOne(random, supportTools), kind: 'TOOL' });
  const roll = random();
  if (roll < 0.3) {
    const retrieve: TraceStep = {
      name: 'retrieve_documents',
      kind: 'RETRIEVER',
      children: [{ name: 'embed text-embedding-3-small', kind: 'EMBEDDING' }],
    };
    const steps =
      random() < 0.5 ? [retrieve, llm()] : [retrieve, { name: 'rerank_documents', kind: 'RERANKER' }, llm()];
    return { name: 'rag_pipeline', kind: 'CHAIN', children: steps };
  }
  if (roll < 0.6) {
    const steps = [llm(), tool(), llm()];
    if (random() < 0.4) steps.splice(2, 0, tool());
    if (random() < 0.3) steps.unshift({ name: 'guardrail.check_pii', kind: 'GUARDRAIL' });
    return { name: 'support_agent.run', kind: 'AGENT', children: steps };
  }
  if (roll < 0.75) {
    return {
      name: 'text_to_sql',
      kind: 'CHAIN',
      children: [llm(), { name: 'run_sql_query', kind: 'TOOL' }, llm()],
    };
  }
  if (roll < 0.9) return { name: 'summarize_conversation', kind: 'CHAIN', children: [llm()] };
  return {
    name: 'classify_intent',
    kind: 'CHAIN',
    children: [llm(), { name: 'route_to_queue', kind: 'TOOL' }],
  };
}

/**
 * Stored traces for a query benchmark, `batchSize` spans at a time (whole traces, so a batch may run over by a
 * few), `totalSpans` in all, deterministic (seeded): ~4 spans per trace under a CHAIN or AGENT root, up to 3
 * levels deep, ~25 span names, every span with the trace's metadata (6–8 keys): `user_id`, `user_tier` (free 60%,
 * pro 30%, enterprise 10%), `model` (gpt-4o-mini 40%, gpt-4o 30%, …), `session_id` (1–8 turns a session), `turn`,
 * `reviewed` (true 10%), and sometimes `region` and, on LLM spans, `prompt_version`.
 */
export function* traceSpanBatches(
  totalSpans: number,
  batchSize: number,
  seed = 11,
): Generator<IncomingSpan[]> {
  const random = createRandom(seed);
  const hex = (words: number) =>
    Array.from({ length: words }, () =>
      Math.floor(random() * 4_294_967_296)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
  let at = Date.parse('2025-01-06T00:00:00.000Z');
  let session = '';
  let turnsLeft = 0;
  let turn = 0;
  let user = '';
  let tier = '';
  let made = 0;
  let batch: IncomingSpan[] = [];
  while (made < totalSpans) {
    if (turnsLeft === 0) {
      session = `sess_${hex(2)}`;
      turnsLeft = 1 + Math.floor(random() * 8);
      turn = 0;
      user = `user_${String(1 + Math.floor(random() * 20_000)).padStart(5, '0')}`;
      tier = pickShared(random, userTiers, tierShares);
    }
    turnsLeft--;
    turn++;
    const model = pickShared(random, traceModels, modelShares);
    const shared: Record<string, string | number> = {
      user_id: user,
      user_tier: tier,
      model,
      session_id: session,
      turn,
      reviewed: random() < 0.1 ? 'true' : 'false',
    };
    if (random() < 0.5) shared.region = pickOne(random, regions);
    const traceId = hex(4);
    let clock = at;
    const add = (step: TraceStep, parentSpanId: string | null): void => {
      const spanId = hex(2);
      const startTime = new Date(clock).toISOString();
      clock += 1 + Math.floor(random() * 40);
      const metadata =
        step.kind === 'LLM' && random() < 0.5
          ? { ...shared, prompt_version: pickOne(random, ['v1', 'v2', 'v3']) }
          : shared;
      const span: IncomingSpan = {
        spanId,
        traceId,
        parentSpanId,
        name: step.name,
        kind: step.kind,
        startTime,
        endTime: null,
        metadata,
      };
      batch.push(span);
      made++;
      for (const child of step.children ?? []) add(child, spanId);
      clock += 50 + Math.floor(random() * 3_000);
      span.endTime = new Date(clock).toISOString();
    };
    add(traceSteps(random, model), null);
    at += 5_000 + Math.floor(random() * 50_000);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
