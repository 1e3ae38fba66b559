import { apiRoutes, type FieldsResponse, type ProjectsResponse } from '@/core/api';
import { apiRequest, type ClientOptions } from './api-request';

/** Lists the server's projects with their span counts. */
export function listProjects(options: ClientOptions = {}): Promise<ProjectsResponse> {
  return apiRequest(apiRoutes.listProjects, { params: {} }, options);
}

/** Lists a project's metadata keys with their stored type and how many spans hold them. */
export function getFields(project: string, options: ClientOptions = {}): Promise<FieldsResponse> {
  return apiRequest(apiRoutes.getFields, { params: { project } }, options);
}
