// X-Hub-Signature-256 verification: GitHub's documented test vector, every way a header can be wrong, secret
// rotation, raw-bytes semantics, and agreement with @octokit/webhooks-methods on the same inputs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods';
import { verifySignature, verifySignatureAny, signBody } from '../src/github/verify-signature.ts';

// GitHub Docs, "Validating webhook deliveries" → "Testing the webhook payload validation".
const DOC_SECRET = "It's a Secret to Everybody";
const DOC_PAYLOAD = 'Hello, World!';
const DOC_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

void describe("GitHub's documented test vector", () => {
  void test('the documented signature is the HMAC-SHA256 of the payload (checked independently)', () => {
    const hex = createHmac('sha256', DOC_SECRET).update(DOC_PAYLOAD, 'utf8').digest('hex');
    assert.equal(`sha256=${hex}`, DOC_SIGNATURE);
    assert.equal(signBody(DOC_SECRET, enc(DOC_PAYLOAD)), DOC_SIGNATURE);
  });

  void test('verifies as ok, from a Buffer and from a plain Uint8Array', () => {
    assert.equal(verifySignature(DOC_SECRET, enc(DOC_PAYLOAD), DOC_SIGNATURE), 'ok');
    const u8 = new Uint8Array(new TextEncoder().encode(DOC_PAYLOAD));
    assert.equal(Buffer.isBuffer(u8), false);
    assert.equal(verifySignature(DOC_SECRET, u8, DOC_SIGNATURE), 'ok');
  });

  void test('wrong secret, changed body, flipped digit → mismatch', () => {
    assert.equal(verifySignature("It's a secret to everybody", enc(DOC_PAYLOAD), DOC_SIGNATURE), 'mismatch');
    assert.equal(verifySignature(DOC_SECRET, enc('Hello, World?'), DOC_SIGNATURE), 'mismatch');
    assert.equal(verifySignature(DOC_SECRET, enc('Hello, World! '), DOC_SIGNATURE), 'mismatch');
    const flipped = DOC_SIGNATURE.slice(0, -1) + (DOC_SIGNATURE.endsWith('7') ? '8' : '7');
    assert.equal(verifySignature(DOC_SECRET, enc(DOC_PAYLOAD), flipped), 'mismatch');
    // Every position matters, not just the last one.
    const firstFlipped = 'sha256=8' + DOC_SIGNATURE.slice('sha256=7'.length);
    assert.equal(verifySignature(DOC_SECRET, enc(DOC_PAYLOAD), firstFlipped), 'mismatch');
  });
});

void describe('header forms', () => {
  const body = enc(DOC_PAYLOAD);
  const hex = DOC_SIGNATURE.slice('sha256='.length);

  void test('no header → missing', () => {
    assert.equal(verifySignature(DOC_SECRET, body, undefined), 'missing');
    assert.equal(verifySignature(DOC_SECRET, body, ''), 'missing');
  });

  void test('a sha1= value (the legacy algorithm) → malformed, never verified with SHA-1', () => {
    const sha1 = `sha1=${createHmac('sha1', DOC_SECRET).update(body).digest('hex')}`;
    assert.equal(verifySignature(DOC_SECRET, body, sha1), 'malformed');
    // Even a sha1 digest padded to 64 hex characters under the sha256= label is just a wrong signature.
    const padded = `sha256=${createHmac('sha1', DOC_SECRET).update(body).digest('hex').padEnd(64, '0')}`;
    assert.equal(verifySignature(DOC_SECRET, body, padded), 'mismatch');
  });

  void test('uppercase hex → malformed (GitHub sends lowercase; octokit rejects it too)', async () => {
    const upper = `sha256=${hex.toUpperCase()}`;
    assert.equal(verifySignature(DOC_SECRET, body, upper), 'malformed');
    assert.equal(await octokitVerify(DOC_SECRET, DOC_PAYLOAD, upper), false);
    assert.equal(verifySignature(DOC_SECRET, body, `SHA256=${hex}`), 'malformed');
  });

  void test('truncated, extended, padded, or otherwise mangled → malformed', () => {
    const bad = [
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex.slice(0, 32)}`,
      'sha256=',
      'sha256',
      `sha256=${hex}0`,
      `sha256=${hex} `,
      ` sha256=${hex}`,
      `sha256:${hex}`,
      `sha256=${hex.slice(0, 63)}g`,
      `sha256=${hex},sha1=abc`,
      hex,
      `sha512=${hex}${hex}`,
    ];
    for (const h of bad) assert.equal(verifySignature(DOC_SECRET, body, h), 'malformed', JSON.stringify(h));
  });
});

void describe('raw bytes', () => {
  const require = createRequire(import.meta.url);
  const examples = require('@octokit/webhooks-examples') as { name: string; examples: unknown[] }[];
  const payload = examples.find((e) => e.name === 'workflow_run')?.examples[0];

  void test('the signature covers the exact bytes: re-serialised JSON with the same content does not verify', () => {
    assert.ok(payload);
    const raw = enc(JSON.stringify(payload, null, 2));
    const header = signBody('s3cret', raw);
    assert.equal(verifySignature('s3cret', raw, header), 'ok');
    const reserialised = enc(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    assert.notEqual(reserialised.length, raw.length);
    assert.equal(verifySignature('s3cret', reserialised, header), 'mismatch');
  });

  void test('non-ASCII bodies are signed as UTF-8 bytes, like GitHub', () => {
    const text = '{"name":"déploiement ✓ 🚀"}';
    const header = `sha256=${createHmac('sha256', 'k').update(Buffer.from(text, 'utf8')).digest('hex')}`;
    assert.equal(verifySignature('k', enc(text), header), 'ok');
    // Latin-1 bytes of the same text are different bytes.
    assert.equal(verifySignature('k', Buffer.from(text, 'latin1'), header), 'mismatch');
  });

  void test('an empty body still needs a valid signature', () => {
    const empty = new Uint8Array(0);
    assert.equal(verifySignature('k', empty, signBody('k', empty)), 'ok');
    assert.equal(verifySignature('k', empty, signBody('other', empty)), 'mismatch');
  });
});

void describe('secret rotation', () => {
  const body = enc('{"zen":"Keep it logically awesome."}');

  void test('either the new or the old secret verifies; neither → mismatch', () => {
    const secrets = ['new-secret', 'old-secret'];
    assert.equal(verifySignatureAny(secrets, body, signBody('new-secret', body)), 'ok');
    assert.equal(verifySignatureAny(secrets, body, signBody('old-secret', body)), 'ok');
    assert.equal(verifySignatureAny(secrets, body, signBody('older-secret', body)), 'mismatch');
  });

  void test('header problems are reported before secrets are looked at', () => {
    assert.equal(verifySignatureAny(['a', 'b'], body, undefined), 'missing');
    assert.equal(verifySignatureAny(['a', 'b'], body, 'sha1=0123'), 'malformed');
  });

  void test('no secret, or an empty secret, never verifies', () => {
    const signedWithEmptyKey = `sha256=${createHmac('sha256', '').update(body).digest('hex')}`;
    assert.equal(verifySignatureAny([], body, signedWithEmptyKey), 'mismatch');
    assert.equal(verifySignatureAny([''], body, signedWithEmptyKey), 'mismatch');
    assert.equal(verifySignature('', body, signedWithEmptyKey), 'mismatch');
    assert.equal(verifySignatureAny(['', 'real'], body, signBody('real', body)), 'ok');
  });
});

void describe('agreement with @octokit/webhooks-methods', () => {
  void test('same verdict on valid, wrong-secret and tampered deliveries', async () => {
    const require = createRequire(import.meta.url);
    const examples = require('@octokit/webhooks-examples') as { name: string; examples: unknown[] }[];
    const bodies = examples
      .filter((e) => ['workflow_run', 'workflow_job', 'push', 'check_run'].includes(e.name))
      .flatMap((e) => e.examples.slice(0, 2).map((x) => JSON.stringify(x)));
    bodies.push(DOC_PAYLOAD, 'ünïcödé ✓');
    assert.ok(bodies.length >= 8);
    for (const text of bodies) {
      const good = await octokitSign('rotating-secret', text);
      assert.equal(good, signBody('rotating-secret', enc(text)));
      const tampered = text.slice(0, -1) + (text.endsWith('}') ? ' ' : '}');
      const cases: [string, string][] = [
        [text, good],
        [text, await octokitSign('another-secret', text)],
        [tampered, good],
      ];
      for (const [b, header] of cases) {
        const ours = verifySignature('rotating-secret', enc(b), header) === 'ok';
        const theirs = await octokitVerify('rotating-secret', b, header);
        assert.equal(
          ours,
          theirs,
          `disagree on ${header} for body ${createHash('sha1').update(b).digest('hex')}`,
        );
      }
    }
  });
});
