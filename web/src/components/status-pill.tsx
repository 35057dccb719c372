// A status is always a word plus a colour (dot + tint), never colour alone. The tone comes from the
// contract's one status → tone map, the same the CLI colours with.
import { toneOf } from '../../../src/contract/tone.ts';

export function StatusPill({
  status,
  testId,
  small,
}: {
  status: string | null | undefined;
  testId?: string;
  small?: boolean;
}) {
  const word = status ?? 'unknown';
  const tone = toneOf(word);
  return (
    <span className={`pill tone-${tone}${small ? ' pill-sm' : ''}`} data-testid={testId} data-status={word}>
      <span className="dot" aria-hidden="true" />
      {word}
    </span>
  );
}
