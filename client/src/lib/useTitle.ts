import { createContext, useContext, useEffect } from 'react';

/** What waits unread for the signed-in person (the shell provides it; 0 when signed out). */
export const UnreadContext = createContext(0);

/** The tab's title: the unread count first, as mail and chat apps show it, then the page and the app. */
export function documentTitle(title: string, unread: number): string {
  return `${unread > 0 ? `(${unread > 99 ? '99+' : unread}) ` : ''}${title} · Lex Support`;
}

export function useTitle(title: string | undefined): void {
  const unread = useContext(UnreadContext);
  useEffect(() => {
    if (title) document.title = documentTitle(title, unread);
  }, [title, unread]);
}
