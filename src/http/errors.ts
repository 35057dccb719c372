// The one error catalogue: outcomes become HTTP status codes here and nowhere else.
import type { ApiError } from './api-types.ts';

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  missing_header: 400,
  unauthorized: 401,
  invalid_signature: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  not_seat_member: 403,
  self_approval: 403,
  insufficient_scope: 403,
  not_found: 404,
  conflict: 409,
  already_approved: 409,
  gate_not_ready: 409,
  frozen: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown, requestId?: string): ApiError {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId ? { requestId } : {}),
    },
  };
}
