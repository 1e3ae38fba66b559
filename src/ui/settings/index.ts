export {
  type ConnectionFormInput,
  type ConnectionSettings,
  connectionFormSchema,
  isHttpUrl,
  SERVER_URL_MESSAGE,
} from './connection-form-schema';
export {
  CONNECTION_STORAGE_KEY,
  type ConnectionStorages,
  defaultConnectionSettings,
  loadConnectionSettings,
  type SaveOutcome,
  saveConnectionSettings,
  SESSION_API_KEY_STORAGE_KEY,
} from './connection-storage';
export { getConnectionSettings, reloadConnectionSettings, setConnectionSettings } from './connection-store';
export { type ConnectionStatus, describeConnectionCheck, toClientOptions } from './connection-status';
export { SettingsButton } from './settings-button';
export { useConnectionSettings } from './use-connection-settings';
export { fieldsQueryOptions, useProjectFields } from './api/get-fields';
export { identityQueryOptions, useIdentity } from './api/get-identity';
export { projectTargetQueryOptions, useProjectTarget } from './api/get-project-target';
export { invalidateProject, projectKey, type ServerConnection, serverKey } from './api/server-keys';
export { projectsQueryOptions, useServerProjects } from './api/get-projects';
export { ProjectSwitcher } from './project-switcher';
export { ProjectTargetText } from './project-target-text';
