import {
  apiRoutes,
  type ArizeLoadResponse,
  type ArizeStatusResponse,
  type FieldsResponse,
  type ProjectsResponse,
} from '@/core/api';
import { apiRequest, type ClientOptions } from './api-request';

/** Lists the server's projects with their span counts. */
export function listProjects(options: ClientOptions = {}): Promise<ProjectsResponse> {
  return apiRequest(apiRoutes.listProjects, { params: {} }, options);
}

/** Lists a project's metadata keys with their stored type and how many spans hold them. */
export function getFields(project: string, options: ClientOptions = {}): Promise<FieldsResponse> {
  return apiRequest(apiRoutes.getFields, { params: { project } }, options);
}

/** Loads a window's spans (at most 31 days) of a project linked to Arize AX into Spanpatch's copy (SPEC §14). */
export function loadFromArize(
  project: string,
  window: { start: string; end: string },
  options: ClientOptions = {},
): Promise<ArizeLoadResponse> {
  return apiRequest(apiRoutes.loadFromArize, { params: { project }, body: window }, options);
}

/** Whether Arize AX answers, takes the key and knows each linked project (it asks Arize now). */
export function arizeStatus(options: ClientOptions = {}): Promise<ArizeStatusResponse> {
  return apiRequest(apiRoutes.arizeStatus, { params: {} }, options);
}
