import type { ClientOptions, ConnectionCheck } from '@/client';
import { connectedAs, type ProjectsResponse } from '@/core/api';
import { countText } from '@/ui/shared/format';
import { describeFailedCheck } from '@/ui/shared/request-error';
import type { ConnectionSettings } from './connection-form-schema';

/** A project of the server, with its span count. */
export type ServerProject = ProjectsResponse['projects'][number];

/** What the "Test connection" line says, and which kind of answer it is. */
export type ConnectionStatus = {
  outcome:
    | 'testing'
    | 'fix-fields'
    | 'connected'
    | 'choose-project'
    | 'unknown-project'
    | 'unreachable'
    | 'missing-key'
    | 'wrong-key'
    | 'not-spanpatch'
    | 'server-error'
    | 'arize-problem';
  text: string;
};

/** How a status looks: under way, fine, or a problem. */
export function statusTone(outcome: ConnectionStatus['outcome']): 'pending' | 'ok' | 'error' {
  switch (outcome) {
    case 'testing':
      return 'pending';
    case 'connected':
    case 'choose-project':
      return 'ok';
    default:
      return 'error';
  }
}

/** The client options of a connection: base URL and, when set, the API key. */
export function toClientOptions(settings: Pick<ConnectionSettings, 'serverUrl' | 'apiKey'>): ClientOptions {
  return settings.apiKey === ''
    ? { baseUrl: settings.serverUrl }
    : { baseUrl: settings.serverUrl, apiKey: settings.apiKey };
}

const MAX_LISTED_PROJECTS = 10;

/** A project as an option of the project list: "demo (5,000 spans)". */
export function projectOptionText(project: ServerProject): string {
  return `${project.name} (${countText(project.spans, 'span')})`;
}

function listProjects(projects: readonly ServerProject[]): string {
  const shown = projects.slice(0, MAX_LISTED_PROJECTS).map(projectOptionText).join(', ');
  const more = projects.length - MAX_LISTED_PROJECTS;
  return more > 0 ? `${shown} and ${more.toLocaleString('en-US')} more` : shown;
}

/**
 * Says in plain words what a connection test found: connected (as which key, whether it is read-only, and the
 * project's span count), which project to pick, or what is wrong — server unreachable, API key missing or refused, project unknown (listing those
 * that exist), or not a Spanpatch server.
 */
export function describeConnectionCheck(
  check: ConnectionCheck,
  context: { serverUrl: string; apiKey: string; project: string; pageOrigin?: string },
): ConnectionStatus {
  const { serverUrl, apiKey, project, pageOrigin } = context;
  if (check.ok) {
    // NOTE: a read-only key is said first, before the project: it is what the user must know before working.
    const { as, readOnly } = connectedAs(check.identity);
    const found = check.projects.find((candidate) => candidate.name === project);
    if (found) {
      const spans = `${found.name}, ${countText(found.spans, 'span')}`;
      return {
        outcome: 'connected',
        text: readOnly
          ? `Connected${as} — ${readOnly}. Project ${spans}.`
          : `Connected${as}: project ${spans}`,
      };
    }
    const existing =
      check.projects.length === 0
        ? 'It has no projects yet: send traces to it first.'
        : `Projects there: ${listProjects(check.projects)}.`;
    const connected = `Connected to ${serverUrl}${as}${readOnly ? ` — ${readOnly}.` : ''}`;
    if (project === '') {
      return {
        outcome: 'choose-project',
        text: `${connected}${readOnly ? '' : '.'} Choose a project. ${existing}`,
      };
    }
    return {
      outcome: 'unknown-project',
      text: `${connected}${readOnly ? ' It' : ', but it'} has no project "${project}". ${existing}`,
    };
  }
  // NOTE: a failure is said as every tab says it (one sentence for an unreachable server, src/ui/shared).
  return describeFailedCheck(check, { serverUrl, apiKey, pageOrigin });
}
