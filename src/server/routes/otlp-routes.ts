import type { Hono } from 'hono';
import { apiRoutes } from '@/core/api-routes';
import { wellFormedText } from '@/core/well-formed-text';
import { HttpError } from '@/server/http/api-error';
import type { AppEnv } from '@/server/http/app-env';
import { readBody } from '@/server/http/read-body';
import { requestLog } from '@/server/http/request-context';
import { type DecodeResult, decodeJsonTraces, decodeProtobufTraces } from '@/server/otlp/decode-traces';
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
 * OTLP/HTTP trace ingest (SPEC §6). A body that cannot be decoded is a 400 and stores nothing; otherwise every
 * readable span is stored, and spans that could not be read are reported as an OTLP partial success.
 */
export function registerOtlpRoutes(app: Hono<AppEnv>, { store, maxBodyBytes }: RouteDeps): void {
  const register = routeRegistrar(app, maxBodyBytes);
  register(apiRoutes.ingestTraces, async (c) => {
    const encoding = encodingOf(c.req.header('Content-Type'));
    const body = await readBody(c, maxBodyBytes);
    const decoded: DecodeResult =
      encoding === 'json' ? decodeJsonTraces(body.toString('utf8')) : decodeProtobufTraces(body);
    if (!decoded.ok) throw new HttpError(400, 'malformed_otlp', decoded.message);
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
