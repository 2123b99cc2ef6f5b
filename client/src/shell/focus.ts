import { useEffect, useRef, type RefObject } from 'react';
import { useLocation } from 'react-router';

/** How long a new page may take (lazy code, its query) before focus stops waiting for its heading. */
const WAIT_MS = 5_000;

/**
 * After a route change, focus the new page's h1 (made focusable with tabIndex -1), so a keyboard or
 * screen reader user starts at the page rather than at <body>. Not on the first load, not on a
 * query-string change (filters), and never when focus already went somewhere inside the page.
 */
export function useHeadingFocusOnNavigate(main: RefObject<HTMLElement | null>): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const until = performance.now() + WAIT_MS;
    let frame = 0;
    const tryFocus = () => {
      const root = main.current;
      const active = document.activeElement;
      if (!root || (active && active !== root && root.contains(active))) return;
      const heading = root.querySelector<HTMLElement>('h1');
      if (heading) {
        heading.tabIndex = -1;
        // without scrolling: a page may have opened elsewhere on purpose (a ticket at its latest reply)
        heading.focus({ preventScroll: true });
      } else if (performance.now() < until) {
        frame = requestAnimationFrame(tryFocus);
      }
    };
    tryFocus();
    return () => cancelAnimationFrame(frame);
  }, [pathname, main]);
}
