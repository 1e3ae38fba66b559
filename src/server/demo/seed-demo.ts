import type { SpanStore } from '@/server/store';
import { buildDemoSpans, DEMO_PROJECT } from './demo-spans';

/** Re-creates the demo project: removes it with its history, then stores the deterministic demo spans. */
export async function seedDemoProject(store: SpanStore): Promise<{ project: string; spans: number }> {
  await store.deleteProject(DEMO_PROJECT);
  const outcome = await store.ingestSpans(DEMO_PROJECT, buildDemoSpans());
  return { project: DEMO_PROJECT, spans: outcome.inserted };
}
