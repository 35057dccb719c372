// The one refusal catalogue. Every expected refusal anywhere in Lanes (engine, policy, auth, validation)
// is a `Refusal`: a stable code from this table, a human message, optional details. The HTTP layer maps a
// code to its status here and nowhere else; the CLI and the web read the same codes.
//
// Codes are part of the public API: add new ones, never rename or reuse one.

export const REFUSAL_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  missing_header: 400,
  unauthorized: 401,
  invalid_signature: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_seat_member: 403,
  self_approval: 403,
  policy_denied: 403,
  service_cannot_approve: 403,
  evidence_source_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  already_approved: 409,
  gate_not_ready: 409,
  frozen: 409,
  release_ambiguous: 409,
  release_not_active: 409,
  lane_not_triggerable: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  store_unavailable: 503,
  overloaded: 503,
  catalog_mismatch: 409,
  catalog_invalid: 422,
  not_configured: 503,
  // Sign in with GitHub (src/http/routes/signin.ts) and CSRF on cookie sessions (src/http/auth-middleware.ts).
  csrf_failed: 403,
  signin_refused: 403,
  signin_state_invalid: 400,
  signin_failed: 502,
  effect_not_retryable: 409,
} as const;

export type RefusalCode = keyof typeof REFUSAL_STATUS;

export interface Refusal {
  code: RefusalCode;
  message: string;
  details?: unknown;
}

/** What every action returns: a value, or a refusal. `created` marks a 201 (a new resource). */
export type Outcome<T> = { ok: true; value: T; created?: boolean } | ({ ok: false } & Refusal);

export function refuse(code: RefusalCode, message: string, details?: unknown): { ok: false } & Refusal {
  return details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };
}

export function accept<T>(value: T, created?: boolean): Outcome<T> {
  return created === undefined ? { ok: true, value } : { ok: true, value, created };
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.hasOwn(REFUSAL_STATUS, code);
}

/** The JSON body of every error response. */
export interface ApiError {
  error: { code: RefusalCode; message: string; details?: unknown; requestId?: string };
}
