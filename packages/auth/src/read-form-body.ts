import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';
import { collectFieldErrors } from './collect-field-errors.ts';

/** A form's text fields, and either what the schema made of them or a message per field. */
export type FormBody<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; fields: Record<string, string>; values: Record<string, string> };

/**
 * Reads a form a page posted (`application/x-www-form-urlencoded`, else
 * `415`) and parses it with the schema the JSON API uses. A refused form is
 * an expected outcome, not an error: the page shows each message next to its
 * field, and `values` lets it keep what the person typed.
 */
export async function readFormBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<FormBody<z.output<T>>> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new ApiError('unsupported_media_type', {
      message: 'Send the form as application/x-www-form-urlencoded.',
    });
  }
  const body = await c.req.parseBody();
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') values[name] = value;
  }
  const result = await schema.safeParseAsync(values);
  if (result.success) return { ok: true, data: result.data, values };
  return { ok: false, fields: collectFieldErrors(result.error), values };
}
