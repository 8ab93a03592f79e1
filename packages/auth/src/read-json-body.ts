import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';
import { collectFieldErrors } from './collect-field-errors.ts';

/**
 * Reads a JSON body and parses it with `schema`: `415` for another content
 * type, `400 invalid_json` for malformed JSON, `400 invalid_input` with one
 * message per field for a body the schema refuses.
 */
export async function readJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.output<T>> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError('invalid_json');
  }
  const result = await schema.safeParseAsync(body);
  if (result.success) return result.data;
  throw new ApiError('invalid_input', { fields: collectFieldErrors(result.error) });
}
