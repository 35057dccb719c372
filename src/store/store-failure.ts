// Tells a store that is down or cannot write apart from a defect: the HTTP layer answers such errors 503
// (retry later), not 500, and their text (host names, file paths, SQL) never reaches the caller. Recognised by the
// drivers' codes — Node socket errors, PostgreSQL SQLSTATE classes, SQLite result codes — and by the
// pg pool's own messages, following `cause` chains.

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOSPC',
  'EROFS',
]);
// 08 connection exception, 53 insufficient resources (disk full, too many connections), 57P operator
// intervention (shutdown, cannot connect now), 58 system error, 25006 read-only transaction.
const PG_PREFIXES = ['08', '53', '57P', '58', '25006'];
const SQLITE_PREFIXES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
];
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /the database connection is not open/i,
  /client has encountered a connection error/i,
  /connection is closed/i,
];

function codeOf(err: object): string | undefined {
  const code: unknown = 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function isStoreFailure(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const code = codeOf(err);
  if (code !== undefined) {
    if (SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && PG_PREFIXES.some((p) => code.startsWith(p))) return true;
    if (SQLITE_PREFIXES.some((p) => code.startsWith(p))) return true;
  }
  const message: unknown = 'message' in err ? err.message : undefined;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  if ('errors' in err && Array.isArray(err.errors) && err.errors.some((e) => isStoreFailure(e, depth + 1)))
    return true; // AggregateError from a connection attempt to several addresses
  return 'cause' in err && isStoreFailure(err.cause, depth + 1);
}
