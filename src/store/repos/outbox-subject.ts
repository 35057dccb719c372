// The release and lane an outbox effect concerns, read from its payload (the effect builders put
// `releaseId` and `laneId` or `laneIds` there). Unknown shapes concern nothing.
export interface EffectSubject {
  releaseId: string | null;
  laneId: string | null;
}

export function effectSubject(payload: unknown): EffectSubject {
  let p: unknown = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return { releaseId: null, laneId: null };
    }
  }
  if (typeof p !== 'object' || p === null) return { releaseId: null, laneId: null };
  const releaseId = 'releaseId' in p && typeof p.releaseId === 'string' ? p.releaseId : null;
  let laneId = 'laneId' in p && typeof p.laneId === 'string' ? p.laneId : null;
  if (laneId === null && 'laneIds' in p && Array.isArray(p.laneIds)) {
    const first: unknown = p.laneIds[0];
    if (typeof first === 'string') laneId = first;
  }
  return { releaseId, laneId };
}
