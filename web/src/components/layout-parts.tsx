// Building blocks shared by pages: sections, scrollable tables, key/value facts, empty states.
import { useEffect, useRef, type ReactNode } from 'react';
import { takePendingFocus } from '../lib/router.tsx';

export function Section({
  id,
  title,
  note,
  actions,
  children,
  className,
}: {
  id: string;
  title: string;
  note?: string | null;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section
      className={`panel${className ? ` ${className}` : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid={`section-${id}`}
    >
      <header className="panel-head">
        <div>
          <h2 id={`${id}-title`}>{title}</h2>
          {note ? <p className="panel-note">{note}</p> : null}
        </div>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Horizontal scroll container for wide tables (keyboard-scrollable). */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div className="fact" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function ExternalLink({
  href,
  children,
  testId,
}: {
  href: string | null | undefined;
  children: ReactNode;
  testId?: string;
}) {
  if (!href) return <>{children}</>;
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" className="ext" data-testid={testId}>
      {children}
      <span className="sr-only"> (opens GitHub in a new tab)</span>
    </a>
  );
}

/** The page's h1; takes focus when the page was reached by in-app navigation. */
export function PageTitle({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takePendingFocus()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 id="page-title" tabIndex={-1} ref={ref} className={className}>
      {children}
    </h1>
  );
}

export function PageHeader({
  kicker,
  title,
  status,
  children,
}: {
  kicker?: ReactNode;
  title: ReactNode;
  status?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="page-head">
      {kicker ? <div className="kicker">{kicker}</div> : null}
      <div className="page-title-row">
        <PageTitle>{title}</PageTitle>
        {status}
      </div>
      {children}
    </div>
  );
}
