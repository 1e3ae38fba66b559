// A parse thread of the server (body-parse-pool.ts): reads a large write body off the event loop: the JSON, its
// check against the route's shared schema, and its preparation (each span's patch_document validated and in stored
// form), and answers with the prepared body as JSON text, or with the 4xx the request gets.
import { type MessagePort, parentPort } from 'node:worker_threads';
import { apiRoutes } from '@/core/api';
import { bodyPreparers } from '@/server/routes/prepared-bodies';
import { parseBody } from '@/server/routes/validate-request';
import { HttpError } from './api-error';
import type { FromParseThread, ToParseThread } from './body-parse-pool';
import { parseJsonBytes } from './read-body';

/** The answer to one body. */
function prepare(message: ToParseThread): { answer: FromParseThread; transfer: ArrayBuffer[] } {
  const { id, routeId } = message;
  try {
    const value = parseJsonBytes(new Uint8Array(message.bytes));
    const body = parseBody(apiRoutes[routeId].body.schema.schema, value);
    const prepared = new TextEncoder().encode(JSON.stringify(bodyPreparers[routeId](body)));
    return { answer: { id, kind: 'prepared', prepared: prepared.buffer }, transfer: [prepared.buffer] };
  } catch (error) {
    if (error instanceof HttpError)
      return {
        answer: { id, kind: 'refused', status: error.status, code: error.code, message: error.message },
        transfer: [],
      };
    return {
      answer: { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) },
      transfer: [],
    };
  }
}

function serve(port: MessagePort): void {
  port.postMessage({ id: 0, kind: 'ready' } satisfies FromParseThread);
  port.on('message', (message: ToParseThread) => {
    const { answer, transfer } = prepare(message);
    port.postMessage(answer, transfer);
  });
}

if (parentPort !== null) serve(parentPort);
