// A GitHub Actions OIDC token refused on POST /api/v1/evidence (expired, another audience or issuer, a key
// the issuer does not publish, claims missing) is a refusal like any other: a stable code and an audit
// entry. The verifier is wrapped here so that every refused verification is written to the audit log; the
// HTTP layer answers with `oidcRefusalCode`.
import type { RefusalCode } from '../contract/refusal.ts';
import type { OidcVerification } from '../github/actions-oidc.ts';
import { auditEntry } from './audit-entry.ts';
import { nowIso, type EngineContext } from './engine-context.ts';

/** The refusal code of a failed verification: expired tokens have their own; the rest are unauthorized. */
export function oidcRefusalCode(reason: string): RefusalCode {
  return reason === 'token expired' ? 'token_expired' : 'unauthorized';
}

export function auditedOidcVerifier(
  verifier: { verify(token: string): Promise<OidcVerification> },
  ctxOf: () => EngineContext,
): { verify(token: string): Promise<OidcVerification> } {
  return {
    async verify(token) {
      const v = await verifier.verify(token);
      const ctx = ctxOf();
      if (!v.ok)
        await ctx.store.transaction((tx) =>
          tx.appendAudit(
            auditEntry({
              catalogVersion: ctx.catalogVersion,
              at: nowIso(ctx),
              actor: 'oidc (unverified)',
              action: 'evidence.post_refused',
              object: { type: 'evidence', id: '-' },
              reason: `OIDC token refused: ${v.reason}`,
              data: { code: oidcRefusalCode(v.reason), rule: 'identity.oidc' },
            }),
          ),
        );
      return v;
    },
  };
}
