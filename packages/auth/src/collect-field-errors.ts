import type { z } from 'zod';

/**
 * One message per field of a body a schema refused, the first issue of each:
 * the `fields` of a JSON `invalid_input`, and the messages a form shows next
 * to its fields. An issue about the body as a whole goes under `body`.
 *
 * @example
 * const result = signupSchema.safeParse(body);
 * if (!result.success) collectFieldErrors(result.error); // { password: 'Use at least 8 characters.' }
 */
export function collectFieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    fields[field] ??= issue.message;
  }
  return fields;
}
