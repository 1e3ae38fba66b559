import type { z } from 'zod';
import { describeSchemaError } from '@/core/api';
import { HttpError } from '@/server/http/api-error';

/** Validates a request's query parameters with a zod schema: a 400 that names the parameter otherwise. */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const result = schema.safeParse(query);
  if (!result.success) {
    throw new HttpError(
      400,
      'invalid_query',
      `Invalid query parameter: ${describeSchemaError(result.error)}`,
    );
  }
  return result.data;
}

/** Validates a JSON request body with a shared schema: a 400 that says which field is wrong otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new HttpError(
      400,
      'invalid_body',
      `The request body does not match the API: ${describeSchemaError(result.error)}`,
    );
  }
  return result.data;
}
