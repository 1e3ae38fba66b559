import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useId, useRef, useState } from 'react';
import { type FieldError, useForm, useWatch } from 'react-hook-form';
import { arizeStatus, type ConnectionCheck, testConnection } from '@/client';
import { arizeCheckText } from '@/core/words';
import { Modal } from '@/ui/shared/modal';
import {
  type ConnectionFormInput,
  type ConnectionSettings,
  connectionFormSchema,
} from './connection-form-schema';
import { pageOrigin } from './connection-storage';
import {
  type ConnectionStatus,
  describeConnectionCheck,
  projectOptionText,
  type ServerProject,
  statusTone,
  toClientOptions,
} from './connection-status';
import { getConnectionSettings, setConnectionSettings } from './connection-store';

/** The projects a server listed, for the server URL and API key that listed them. */
interface ListedProjects {
  connection: string;
  projects: ServerProject[];
}

/** Identifies a server URL and API key pair as typed, so a project list is shown only for the server it came from. */
function connectionId(serverUrl: string, apiKey: string): string {
  return JSON.stringify([serverUrl.trim().replace(/\/+$/, ''), apiKey.trim()]);
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return present.length > 0 ? present.join(' ') : undefined;
}

function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  if (!error?.message) return null;
  return (
    <p id={id} className="settings-field-error">
      {error.message}
    </p>
  );
}

/**
 * The "Connection settings" dialog: server URL, API key, project (a list when the server answers), whether to
 * remember the key, a connection test, Save and Cancel. Opens with the saved settings; Cancel and Esc discard.
 */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const id = useId();
  const ids = {
    serverUrl: `${id}-server-url`,
    apiKey: `${id}-api-key`,
    project: `${id}-project`,
    remember: `${id}-remember`,
  };
  const [initial] = useState(getConnectionSettings);
  const {
    register,
    handleSubmit,
    control,
    trigger,
    getValues,
    setFocus,
    formState: { errors },
  } = useForm<ConnectionFormInput, unknown, ConnectionSettings>({
    resolver: zodResolver(connectionFormSchema),
    defaultValues: initial,
  });
  const [serverUrl, apiKey, project] = useWatch({ control, name: ['serverUrl', 'apiKey', 'project'] });
  const [listed, setListed] = useState<ListedProjects | null>(null);
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const pending = useRef<AbortController | null>(null);

  /** Asks the server for its projects, cancelling any earlier question; null when this one was cancelled. */
  const askServer = async (target: {
    serverUrl: string;
    apiKey: string;
  }): Promise<ConnectionCheck | null> => {
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    let check: ConnectionCheck;
    try {
      check = await testConnection({ ...toClientOptions(target), signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) return null;
      check = { ok: false, reason: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    if (controller.signal.aborted) return null;
    pending.current = null;
    return check;
  };

  const showProjects = (target: { serverUrl: string; apiKey: string }, check: ConnectionCheck) =>
    setListed(
      check.ok
        ? { connection: connectionId(target.serverUrl, target.apiKey), projects: check.projects }
        : null,
    );

  useEffect(() => {
    setFocus('serverUrl');
    // Quietly list the saved server's projects so the project field can offer them.
    const saved = connectionFormSchema.pick({ serverUrl: true, apiKey: true }).safeParse(initial);
    if (saved.success) {
      void askServer(saved.data).then((check) => {
        if (check) showProjects(saved.data, check);
      });
    }
    return () => pending.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the dialog opens: it lists the projects of the saved server, not of what is typed later
  }, []);

  const onTest = async () => {
    const valid = await trigger(['serverUrl', 'apiKey'], { shouldFocus: true });
    const target = connectionFormSchema.pick({ serverUrl: true, apiKey: true }).safeParse(getValues());
    if (!valid || !target.success) {
      setStatus({ outcome: 'fix-fields', text: 'Fix the server URL or API key above, then test again.' });
      return;
    }
    setStatus({ outcome: 'testing', text: `Testing the connection to ${target.data.serverUrl}…` });
    const check = await askServer(target.data);
    if (!check) return;
    showProjects(target.data, check);
    const chosen = getValues('project').trim();
    const described = describeConnectionCheck(check, {
      ...target.data,
      project: chosen,
      pageOrigin: pageOrigin(),
    });
    setStatus(described);
    // A project linked to Arize AX: the server asks Arize whether it answers, takes the key and knows the project.
    const linked =
      check.ok && check.projects.find((listed) => listed.name === chosen)?.target.kind === 'arize';
    if (described.outcome !== 'connected' || !linked) return;
    setStatus({ outcome: 'testing', text: `${described.text}. Asking Arize AX…` });
    const arize = await arizeStatus(toClientOptions(target.data)).catch(() => null);
    const entry = arize?.projects.find((listed) => listed.project === chosen);
    setStatus(
      entry
        ? {
            outcome: entry.status === 'ok' ? 'connected' : 'arize-problem',
            text: `${described.text}. ${arizeCheckText(entry)}`,
          }
        : described,
    );
  };

  const onSave = (settings: ConnectionSettings) => {
    const outcome = setConnectionSettings(settings);
    if (outcome.ok) onClose();
    else setSaveError(outcome.message);
  };

  const projects = listed?.connection === connectionId(serverUrl, apiKey) ? listed.projects : null;
  const projectIsListed = projects?.some((candidate) => candidate.name === project) ?? false;
  const errorId = (field: keyof typeof ids) => `${ids[field]}-error`;
  const hintId = (field: keyof typeof ids) => `${ids[field]}-hint`;
  const fieldProps = (field: 'serverUrl' | 'apiKey' | 'project', hint: boolean) => ({
    id: ids[field],
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': describedBy(hint && hintId(field), errors[field] && errorId(field)),
  });
  const tone = status && statusTone(status.outcome);

  return (
    <Modal title="Connection settings" onClose={onClose} className="settings-dialog">
      <form
        className="settings-form"
        noValidate
        onSubmit={(event) => void handleSubmit(onSave)(event)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape' || event.defaultPrevented) return;
          event.preventDefault();
          onClose();
        }}
      >
        <div className="settings-field">
          <label htmlFor={ids.serverUrl}>Server URL</label>
          <input
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            {...fieldProps('serverUrl', true)}
            {...register('serverUrl')}
          />
          <p id={hintId('serverUrl')} className="settings-hint">
            The Spanpatch server; by default the one that serves this page.
          </p>
          <FieldMessage id={errorId('serverUrl')} error={errors.serverUrl} />
        </div>

        <div className="settings-field">
          <label htmlFor={ids.apiKey}>API key</label>
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            {...fieldProps('apiKey', true)}
            {...register('apiKey')}
          />
          <p id={hintId('apiKey')} className="settings-hint">
            Leave empty if the server has no API keys.
          </p>
          <FieldMessage id={errorId('apiKey')} error={errors.apiKey} />
        </div>

        <div className="settings-field settings-field-checkbox">
          <input
            type="checkbox"
            id={ids.remember}
            aria-describedby={hintId('remember')}
            {...register('rememberApiKey')}
          />
          <label htmlFor={ids.remember}>Remember API key</label>
          <p id={hintId('remember')} className="settings-hint">
            Unticked, the key is kept only until this browser session ends.
          </p>
        </div>

        <div className="settings-field">
          <label htmlFor={ids.project}>Project</label>
          {projects && projects.length > 0 ? (
            <select {...fieldProps('project', true)} {...register('project')}>
              {project === '' && <option value="">Choose a project</option>}
              {project !== '' && !projectIsListed && (
                <option value={project}>{project} (not on this server)</option>
              )}
              {projects.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {projectOptionText(candidate)}
                </option>
              ))}
            </select>
          ) : (
            <input
              type="text"
              autoComplete="off"
              spellCheck={false}
              {...fieldProps('project', true)}
              {...register('project')}
            />
          )}
          <p id={hintId('project')} className="settings-hint">
            {projects
              ? projects.length > 0
                ? 'The projects this server holds.'
                : 'The server has no projects yet: type the name your traces will use.'
              : 'Type the project name, or test the connection to choose from the server’s projects.'}
          </p>
          <FieldMessage id={errorId('project')} error={errors.project} />
        </div>

        <div className="settings-test">
          <button type="button" onClick={() => void onTest()}>
            Test connection
          </button>
          <p
            role="status"
            aria-label="Connection test"
            className={`settings-status${tone ? ` settings-status-${tone}` : ''}`}
          >
            {status?.text}
          </p>
        </div>

        {saveError && (
          <p role="alert" className="settings-save-error">
            {saveError}
          </p>
        )}

        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
