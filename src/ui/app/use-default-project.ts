import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  getConnectionSettings,
  projectsQueryOptions,
  setConnectionSettings,
  useConnectionSettings,
} from '@/ui/settings';

/**
 * On a first visit (no project chosen yet), picks the server's project when the choice is obvious: the only
 * project, or the demo project. The user can change it in the header or in Settings. The projects are read
 * through the app's one cache (`projectsQueryOptions`), so the header's project list and this choice share one
 * request. `queryClient` is the app's: the hook runs where the app makes it, above its provider.
 */
export function useDefaultProject(queryClient: QueryClient): void {
  const missing = useConnectionSettings((settings) => settings.project === '');
  const serverUrl = useConnectionSettings((settings) => settings.serverUrl);
  const apiKey = useConnectionSettings((settings) => settings.apiKey);
  const projects = useQuery({ ...projectsQueryOptions({ serverUrl, apiKey }), enabled: missing }, queryClient)
    .data?.projects;
  useEffect(() => {
    if (!missing || projects === undefined) return;
    const current = getConnectionSettings();
    if (current.project !== '') return;
    const choice = projects.length === 1 ? projects[0] : projects.find((project) => project.name === 'demo');
    if (choice) setConnectionSettings({ ...current, project: choice.name });
  }, [missing, projects]);
}
