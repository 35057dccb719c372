// GitHub webhook signature check (X-Hub-Signature-256): HMAC-SHA256 of the RAW request body, keyed with the
// shared webhook secret, sent as "sha256=" + 64 lowercase hex digits. Compared in constant time.
//
// Results:
//   'missing'   no X-Hub-Signature-256 value at all (undefined or empty string). A delivery that only carries
//               the legacy SHA-1 header (X-Hub-Signature: sha1=...) lands here, because the caller passes the
//               X-Hub-Signature-256 value only and that header is absent.
//   'malformed' a value is present but is not "sha256=<64 lowercase hex>". This includes a "sha1=..." value put
//               in X-Hub-Signature-256: something was sent, it is just not a SHA-256 signature, and we never
//               fall back to SHA-1. Uppercase hex is also 'malformed': GitHub always sends lowercase, and being
//               strict keeps us in line with @octokit/webhooks-methods (which compares the strings).
//   'mismatch'  well-formed, but no configured secret produces it (also: no usable secret configured; an
//               empty secret is never accepted, as anyone could sign with it).
//   'ok'        signed with one of the secrets.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'ok' | 'missing' | 'malformed' | 'mismatch';

const SIGNATURE_RE = /^sha256=([0-9a-f]{64})$/;

/** Parses the header into the 32 digest bytes, or says why it cannot. */
function parseHeader(header: string | undefined): Buffer | 'missing' | 'malformed' {
  if (header === undefined || header === '') return 'missing';
  if (typeof header !== 'string') return 'malformed';
  const m = SIGNATURE_RE.exec(header);
  if (!m || m[1] === undefined) return 'malformed';
  return Buffer.from(m[1], 'hex');
}

function digest(secret: string, rawBody: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

/** Verifies a delivery against one secret. */
export function verifySignature(
  secret: string,
  rawBody: Uint8Array | Buffer,
  header: string | undefined,
): SignatureCheck {
  return verifySignatureAny([secret], rawBody, header);
}

/**
 * Verifies a delivery against several secrets (rotation: the new and the old secret are both accepted for a
 * while). Every secret is tried (no early exit), each comparison is timingSafeEqual over equal-length 32-byte
 * digests.
 */
export function verifySignatureAny(
  secrets: readonly string[],
  rawBody: Uint8Array | Buffer,
  header: string | undefined,
): SignatureCheck {
  const given = parseHeader(header);
  if (given === 'missing' || given === 'malformed') return given;
  let matched = false;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    const expected = digest(secret, rawBody);
    // Both are 32 bytes (SHA-256 output; the header regex fixes 64 hex digits), as timingSafeEqual requires.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? 'ok' : 'mismatch';
}

/** "sha256=<hex>" for a body: for tests, replays and local tools that need to sign a delivery. */
export function signBody(secret: string, rawBody: Uint8Array | Buffer): string {
  return `sha256=${digest(secret, rawBody).toString('hex')}`;
}
