// Parsing and validation at the edge: invalid JSON → invalid_json; a body that fails its schema →
// validation_failed; a query string that fails its schema → bad_request. Both list every issue
// (path + message) in the details.
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from './errors.ts';

function issues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'request body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('validation_failed', 'request body is invalid', issues(parsed.error));
  return parsed.data;
}

export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const all = issues(parsed.error);
    throw new AppError('bad_request', all.map((i) => i.message).join('; '), all);
  }
  return parsed.data;
}
