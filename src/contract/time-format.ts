// The one human time format of Lanes, shared by the dashboard and the CLI: "2026-03-12 09:42 UTC" (the
// reference screen's form). The API and --json keep ISO 8601; only what a person reads is formatted.

const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO 8601 → "YYYY-MM-DD HH:MM UTC" (with ":SS" when asked); null when absent or unreadable. */
export function formatUtcTime(iso: string | null | undefined, withSeconds = false): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time} UTC`;
}

/** An ISO 8601 instant inside free text (details, reasons, audit summaries): date, time, optional fraction and zone. */
export const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?/g;

/** Free text with every ISO 8601 instant in it rewritten to the human format ("failed at 2026-03-10 20:51 UTC"). */
export function humaniseTimes(text: string): string {
  // an instant written without a zone is read as UTC (as the server writes them), never as local time
  return text.replace(ISO_IN_TEXT, (m) => formatUtcTime(/(Z|[+-]\d{2}:?\d{2})$/.test(m) ? m : `${m}Z`) ?? m);
}
