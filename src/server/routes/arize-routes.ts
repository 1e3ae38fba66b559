import type { Hono } from 'hono';
import { apiRoutes, type ArizeStatusResponse } from '@/core/api';
import { ArizeLoadError, checkLoadWindow } from '@/server/arize';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { requestLog } from '@/server/http/request-context';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

/** The 502 of a failed call to Arize AX: its code says what went wrong, its message how, never the key. */
function arizeError(error: ArizeLoadError): HttpError {
  const { kind, reason } = error.failure;
  const code =
    kind === 'unreachable' || kind === 'timeout'
      ? 'arize_unreachable'
      : kind === 'key_refused'
        ? 'arize_key_refused'
        : kind === 'project_unknown'
          ? 'arize_project_unknown'
          : 'arize_failure';
  return new HttpError(502, code, `Loading from Arize AX failed: ${reason}`);
}

/**
 * The routes of Arize AX as a target (SPEC §14): loading a linked project's spans from Arize into Spanpatch's copy,
 * and whether Arize answers and takes the key (Settings' Test connection).
 */
export function registerArizeRoutes(app: Hono<AppEnv>, { store, maxBodyBytes, arize }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);

  register(apiRoutes.loadFromArize, async (c, { params, body }) => {
    const arizeProject = arize?.config.links.get(params.project);
    if (!arize || arizeProject === undefined) {
      throw new HttpError(
        409,
        'project_not_linked',
        `The project '${params.project.slice(0, 200)}' is not linked to Arize AX: list it in SPANPATCH_ARIZE_PROJECTS to load its spans from Arize`,
      );
    }
    const start = new Date(body.start);
    const end = new Date(body.end);
    const problem = checkLoadWindow(start, end);
    if (problem !== null)
      throw new HttpError(400, 'invalid_body', `The load window is not valid: ${problem}`);
    // Arize is the system of record: a span the copy holds takes Arize's metadata (no history: a load is no patch).
    const counts = { spans_loaded: 0, spans_new: 0, spans_updated: 0, spans_unchanged: 0 };
    try {
      for await (const page of arize.client.loadSpans(
        { arizeProject, start, end },
        { signal: c.req.raw.signal },
      )) {
        const outcome = await store.upsertSpans(params.project, page.spans);
        counts.spans_loaded += page.spans.length;
        counts.spans_new += outcome.inserted;
        counts.spans_updated += outcome.updated;
        counts.spans_unchanged += outcome.unchanged;
      }
    } catch (error) {
      if (!(error instanceof ArizeLoadError)) throw error;
      requestLog(c).warn(
        { arize: error.failure.kind, loaded: counts.spans_loaded },
        `Arize AX: ${error.failure.reason}`,
      );
      throw arizeError(error);
    }
    if (counts.spans_loaded === 0) await store.upsertSpans(params.project, []);
    return c.json(counts);
  });

  register(apiRoutes.arizeStatus, async (c) => {
    const projects: ArizeStatusResponse['projects'] = [];
    if (!arize) return c.json({ projects });
    for (const [project, arizeProject] of arize.config.links) {
      const check = await arize.client.checkConnection(arizeProject, { signal: c.req.raw.signal });
      projects.push({
        project,
        arize_project: arizeProject,
        status: check.status,
        message:
          check.status === 'ok'
            ? `Arize AX answers at ${arize.config.flight.host}:${arize.config.flight.port}, takes the key and knows the project '${arizeProject}'`
            : check.failure.reason,
      });
    }
    return c.json({ projects });
  });
}
