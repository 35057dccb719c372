// A UTC timestamp as on the reference screen; the relative time is in the title (hover).
import type { MouseEvent } from 'react';
import { formatUtc, relativeTime } from '../lib/time.ts';

export function TimeText({
  iso,
  testId,
  seconds,
}: {
  iso: string | null | undefined;
  testId?: string;
  seconds?: boolean;
}) {
  if (!iso) {
    return (
      <span className="muted" data-testid={testId}>
        —
      </span>
    );
  }
  // refresh the relative time when hovered, so a long-open page stays right
  const onEnter = (e: MouseEvent<HTMLElement>) => {
    e.currentTarget.title = relativeTime(iso);
  };
  return (
    <time className="ts" dateTime={iso} title={relativeTime(iso)} data-testid={testId} onMouseEnter={onEnter}>
      {formatUtc(iso, seconds)}
    </time>
  );
}
