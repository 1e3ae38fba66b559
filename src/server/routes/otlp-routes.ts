import type { Hono } from 'hono';
import { apiRoutes } from '@/core/api';
import { wellFormedText } from '@/core/text';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { readBody } from '@/server/http/read-body';
import { requestLog } from '@/server/http/request-context';
import { jsonTraceDecoder, protobufTraceDecoder } from '@/server/otlp/decode-traces';
import { exportTraceResponseType } from '@/server/otlp/otlp-proto';
import { routeRegistrar } from './register-route';
import type { RouteDeps } from './route-deps';

type Encoding = 'json' | 'protobuf';

function encodingOf(contentType: string | undefined): Encoding {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Content-Type '${mediaType}' is not OTLP/HTTP: send application/json or application/x-protobuf`,
  );
}

/**
 * OTLP/HTTP trace ingest (SPEC §6). A body that cannot be decoded is a 400 and stores nothing; one that holds more
 * spans (or values) than an export may is a 413 as soon as the count passes the limit, before the rest is read;
 * otherwise every readable span is stored, and spans that could not be read are reported as an OTLP partial
 * success.
 */
export function registerOtlpRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.ingestTraces, async (c) => {
    const encoding = encodingOf(c.req.header('Content-Type'));
    const decoder = encoding === 'json' ? jsonTraceDecoder() : protobufTraceDecoder();
    const body = await readBody(c, maxBodyBytes, (chunk) => {
      decoder.add(chunk);
      const exceeded = decoder.limitExceeded;
      if (exceeded !== null) throw new HttpError(413, 'export_too_large', exceeded);
    });
    const decoded = await decoder.decode(body);
    if (!decoded.ok) {
      throw decoded.problem === 'too_large'
        ? new HttpError(413, 'export_too_large', decoded.message)
        : new HttpError(400, 'malformed_otlp', decoded.message);
    }
    const { projects, rejectedSpans, rejections } = decoded.traces;
    const notes = [...rejections];
    let inserted = 0;
    for (const [project, spans] of projects) {
      if (spans.length === 0) continue;
      // A project name with a lone surrogate is kept as both stores can: with U+FFFD (see plan-ingest.ts).
      const outcome = await store.ingestSpans(wellFormedText(project), spans);
      inserted += outcome.inserted;
      notes.push(...outcome.warnings);
    }
    requestLog(c).debug({ inserted, rejectedSpans }, 'ingested OTLP spans');
    const partialSuccess = notes.length > 0 ? { rejectedSpans, errorMessage: notes.join('; ') } : null;
    if (encoding === 'protobuf') {
      const message = exportTraceResponseType.fromObject(partialSuccess ? { partialSuccess } : {});
      return c.body(new Uint8Array(exportTraceResponseType.encode(message).finish()), 200, {
        'Content-Type': 'application/x-protobuf',
      });
    }
    return c.json(
      partialSuccess
        ? {
            partialSuccess: {
              rejectedSpans: String(rejectedSpans),
              errorMessage: partialSuccess.errorMessage,
            },
          }
        : {},
    );
  });
}
