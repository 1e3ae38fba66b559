import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's engine, read from node_modules once. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}

/** One rule axe-core found broken, and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core on the page as it is. NOTE: the engine is evaluated through the DevTools protocol, which the
 * page's CSP does not govern; `addScriptTag` would inline it as a `<script>`, which the CSP (rightly) blocks.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } }).axe;
    const results = (await axe.run(document)) as { violations: AxeViolation[] };
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target,
        failureSummary: node.failureSummary,
      })),
    }));
  });
}

/** The violations found in every state, readably: state, rule, impact, what it asks, and where. */
export function report(found: Map<string, AxeViolation[]>): string {
  const lines: string[] = [];
  for (const [state, violations] of found) {
    for (const violation of violations) {
      lines.push(`[${state}] ${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}`);
      for (const node of violation.nodes.slice(0, 5)) {
        const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240);
        lines.push(`    at ${JSON.stringify(node.target)}: ${summary}`);
      }
      if (violation.nodes.length > 5) lines.push(`    and ${violation.nodes.length - 5} more`);
    }
  }
  return lines.join('\n');
}
