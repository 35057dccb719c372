// Reconcile progress (migration 0005): per source ("app-deliveries", "runs:owner/name") how far the
// reconcile loop has looked and how many gaps it found and filled. Guarantees: counts only grow (each
// pass adds); checked_until moves only forward (a slow pass finishing late never rewinds it).
import type { ReconcileProgress } from '../store.ts';
import { iso, num, type ReadCtx } from './shared.ts';

export function reconcileStateStore({ db }: ReadCtx) {
  return {
    async recordReconcilePass(
      source: string,
      pass: { checkedUntil: string; found: number; filled: number; at: string },
    ): Promise<void> {
      const checked = iso(pass.checkedUntil);
      const at = iso(pass.at);
      await db
        .insertInto('reconcile_state')
        .values({ source, checked_until: checked, found: pass.found, filled: pass.filled, updated_at: at })
        .onConflict((oc) =>
          oc.column('source').doUpdateSet((eb) => ({
            found: eb('reconcile_state.found', '+', pass.found),
            filled: eb('reconcile_state.filled', '+', pass.filled),
            updated_at: at,
            checked_until: eb
              .case()
              .when('reconcile_state.checked_until', 'is', null)
              .then(checked)
              .when('reconcile_state.checked_until', '<', checked)
              .then(checked)
              .else(eb.ref('reconcile_state.checked_until'))
              .end(),
          })),
        )
        .execute();
    },

    async listReconcileProgress(): Promise<ReconcileProgress[]> {
      const rows = await db.selectFrom('reconcile_state').selectAll().orderBy('source').execute();
      return rows.map((r) => ({
        source: r.source,
        checkedUntil: r.checked_until,
        found: num(r.found),
        filled: num(r.filled),
        updatedAt: r.updated_at,
      }));
    },
  };
}
