import { z } from 'zod';
import { HttpError } from '@/server/http/api-error';
import type { SpanPosition } from '@/server/store';

const cursorSchema = z.tuple([z.string(), z.string()]);

/** Encodes where the next page of spans starts as an opaque cursor. */
export function encodeSpanCursor(position: SpanPosition): string {
  return Buffer.from(JSON.stringify([position.startTime, position.spanId]), 'utf8').toString('base64url');
}

/** Decodes a cursor from an earlier page; a cursor this server did not make is a 400. */
export function decodeSpanCursor(cursor: string): SpanPosition {
  try {
    const [startTime, spanId] = cursorSchema.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    return { startTime, spanId };
  } catch {
    throw invalidCursor();
  }
}

const positionSchema = z.tuple([z.number().int().nonnegative()]);

/** Encodes a store's position in a list (submissions, a submission's changes or errors) as an opaque cursor. */
export function encodePositionCursor(position: number): string {
  return Buffer.from(JSON.stringify([position]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodePositionCursor`; a cursor this server did not make is a 400. */
export function decodePositionCursor(cursor: string): number {
  try {
    const [position] = positionSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return position;
  } catch {
    throw invalidCursor();
  }
}

function invalidCursor(): HttpError {
  return new HttpError(
    400,
    'invalid_cursor',
    'The cursor is not one this server returned; start from the first page',
  );
}
