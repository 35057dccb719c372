import { useEffect } from 'react';

/** document.title for the current page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Lanes`;
  }, [title]);
}
