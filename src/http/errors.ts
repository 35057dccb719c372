// Refusals become HTTP here and nowhere else: the status comes from the one catalogue in
// src/contract/refusal.ts. Actions return an Outcome that `present` answers or turns into an `AppError`;
// edge checks (auth, validation) throw `AppError`; the app's error handler writes the body.
import type { Context } from 'hono';
import {
  REFUSAL_STATUS,
  type ApiError,
  type Outcome,
  type Refusal,
  type RefusalCode,
} from '../contract/refusal.ts';

export class AppError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  static of(r: Refusal): AppError {
    return new AppError(r.code, r.message, r.details);
  }
  get status(): (typeof REFUSAL_STATUS)[RefusalCode] {
    return REFUSAL_STATUS[this.code];
  }
}

export function errorBody(
  code: RefusalCode,
  message: string,
  details?: unknown,
  requestId?: string,
): ApiError {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId ? { requestId } : {}),
    },
  };
}

/** An action's answer: its value with the route's status (201 when it created something), or its refusal. */
export function present<T>(c: Context, out: Outcome<T>, status: 200 | 202): Response {
  if (!out.ok) throw AppError.of(out);
  return c.json(out.value as object, out.created === true ? 201 : status);
}
