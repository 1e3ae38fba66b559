import { useId } from 'react';
import './settings.css';
import { useServerProjects } from './api/get-projects';
import { getConnectionSettings, setConnectionSettings } from './connection-store';
import { useConnectionSettings } from './use-connection-settings';

/**
 * The header's project: a labelled list of the server's projects, the current one chosen, on every tab. Choosing
 * another saves it as Settings does (every tab then reads that project). The current project is listed even when
 * the server does not answer or does not hold it, so the header always says where the app works.
 */
export function ProjectSwitcher() {
  const id = useId();
  const serverUrl = useConnectionSettings((settings) => settings.serverUrl);
  const apiKey = useConnectionSettings((settings) => settings.apiKey);
  const project = useConnectionSettings((settings) => settings.project);
  const projects = useServerProjects({ serverUrl, apiKey });
  const listed = projects.some((candidate) => candidate.name === project);
  return (
    <span className="project-switcher">
      <label htmlFor={id}>Project</label>
      <select
        id={id}
        value={project}
        onChange={(event) => {
          const chosen = event.target.value;
          if (chosen !== '') setConnectionSettings({ ...getConnectionSettings(), project: chosen });
        }}
      >
        {project === '' && <option value="">Choose a project</option>}
        {project !== '' && !listed && <option value={project}>{project}</option>}
        {projects.map((candidate) => (
          <option key={candidate.name} value={candidate.name}>
            {candidate.name}
          </option>
        ))}
      </select>
    </span>
  );
}
