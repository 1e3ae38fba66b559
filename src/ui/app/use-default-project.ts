import { useEffect } from 'react';
import { listProjects } from '@/client';
import {
  getConnectionSettings,
  setConnectionSettings,
  toClientOptions,
  useConnectionSettings,
} from '@/ui/settings';

/**
 * On a first visit (no project chosen yet), picks the server's project when the choice is obvious: the only
 * project, or the demo project. The user can change it in Settings.
 */
export function useDefaultProject(): void {
  const missing = useConnectionSettings((settings) => settings.project === '');
  useEffect(() => {
    if (!missing) return;
    const controller = new AbortController();
    listProjects({ ...toClientOptions(getConnectionSettings()), signal: controller.signal })
      .then(({ projects }) => {
        const current = getConnectionSettings();
        if (current.project !== '') return;
        const choice =
          projects.length === 1 ? projects[0] : projects.find((project) => project.name === 'demo');
        if (choice) setConnectionSettings({ ...current, project: choice.name });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [missing]);
}
