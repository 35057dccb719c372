// Refusals become HTTP here and nowhere else: the status comes from the one catalogue in
// src/contract/refusal.ts. Routes throw `AppError` (or return an Outcome that `present` turns into one);
// the app's error handler writes the body.
import { REFUSAL_STATUS, type ApiError, type Refusal, type RefusalCode } from '../contract/refusal.ts';

export type ErrorCode = RefusalCode;

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

export function errorBody(code: RefusalCode, message: string, details?: unknown, requestId?: string): ApiError {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId ? { requestId } : {}),
    },
  };
}
