import { z } from 'zod';
import { apiErrorSchema, type ApiRoute, apiRoutes, type NamedSchema, pathParamNames } from '@/core/api';

type JsonObject = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

/** What a body of a media type without a shared schema looks like: protobuf is bytes, JSON an object. */
function mediaTypeSchema(mediaType: string): JsonObject {
  return mediaType.includes('protobuf') ? { type: 'string', format: 'binary' } : { type: 'object' };
}

/** The JSON Schema of each property of an object schema (query parameters, headers), and whether it is required. */
function propertiesOf(schema: z.ZodObject): { name: string; required: boolean; schema: JsonObject }[] {
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    required: required.has(name),
    schema: property,
  }));
}

/** Parameters of an operation: path parameters, then the headers and query parameters the route reads. */
function parametersOf(route: ApiRoute): JsonObject[] {
  const parameters: JsonObject[] = pathParamNames(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const add = (where: 'header' | 'query', schema: z.ZodObject | undefined) => {
    if (schema === undefined) return;
    for (const property of propertiesOf(schema)) {
      const { description, ...rest } = property.schema;
      parameters.push({
        name: property.name,
        in: where,
        required: property.required,
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  };
  add('header', route.headers);
  add('query', route.query);
  return parameters;
}

/**
 * The OpenAPI 3.1 document of the HTTP API (SPEC §6), generated from the route table (src/core/api/api-routes.ts)
 * and its shared zod schemas (src/core/api/api-schema.ts), so the document cannot drift from what the server
 * registers and validates, or from what the client calls.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[] = Object.values(apiRoutes)): JsonObject {
  const schemas: Record<string, JsonObject> = { ApiError: jsonSchemaOf(apiErrorSchema, 'output') };
  const reference = ({ name, schema }: NamedSchema, io: 'input' | 'output') => {
    schemas[name] ??= jsonSchemaOf(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  const errorAnswer = {
    description: 'Error',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
  };

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const { response } = route;
    const content = response.schema
      ? { 'application/json': { schema: reference(response.schema, 'output') } }
      : Object.fromEntries(
          (response.contentTypes ?? []).map((type) => [type, { schema: mediaTypeSchema(type) }]),
        );
    const success = {
      description: response.description,
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
    const responses: Record<string, JsonObject> = { '200': success };
    for (const [status, description] of Object.entries(response.alsoStatuses ?? {})) {
      responses[status] = { ...success, description };
    }
    for (const status of [...route.errors].sort((a, b) => a - b)) {
      const codes = route.errorCodes?.[status];
      responses[String(status)] =
        codes === undefined ? errorAnswer : { ...errorAnswer, description: `Error: ${codes.join(', ')}` };
    }

    const { body } = route;
    const parameters = parametersOf(route);
    const operation: JsonObject = {
      operationId: route.id,
      summary: route.summary,
      ...(route.auth === 'none' ? { security: [] } : {}),
      ...(route.writes === true
        ? { description: 'Changes stored data: a read-only API key is refused with 403.' }
        : route.writes === 'unless_dry_run'
          ? {
              description:
                'Changes stored data unless dry_run is true: a read-only API key is refused with 403, but may ask for a dry run.',
            }
          : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content:
                body.kind === 'json'
                  ? { 'application/json': { schema: reference(body.schema, 'input') } }
                  : Object.fromEntries(
                      body.contentTypes.map((type) => [type, { schema: mediaTypeSchema(type) }]),
                    ),
              ...(body.kind === 'raw' ? { description: body.description } : {}),
            },
          }),
      responses,
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Spanpatch API',
      version: '1',
      description: 'Attach latent metadata to stored tracing spans; ingest spans over OTLP/HTTP.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    security: [{ bearer: [] }],
    paths,
  };
}
