import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'queue' }
  | { screen: 'review'; taskId: number | null }
  | { screen: 'document'; id: number }
  | { screen: 'import' }
  | { screen: 'activity' }
  | { screen: 'insights' }
  | { screen: 'settings' };

/** Hash routes (`#/review/12`): they work the same from file:// in Electron and from http:// in browser mode. */
export function parseRoute(hash: string): Route {
  const [, screen, arg] = hash.replace(/^#/, '').split('/');
  const n = arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : null;
  switch (screen) {
    case 'review':
      return { screen: 'review', taskId: n };
    case 'document':
      return n === null ? { screen: 'queue' } : { screen: 'document', id: n };
    case 'import':
    case 'activity':
    case 'insights':
    case 'settings':
      return { screen };
    default:
      return { screen: 'queue' };
  }
}

export const hrefFor = (r: Route): string =>
  r.screen === 'review' ? `#/review${r.taskId !== null ? `/${r.taskId}` : ''}` : r.screen === 'document' ? `#/document/${r.id}` : `#/${r.screen}`;

export function navigate(r: Route): void {
  window.location.hash = hrefFor(r);
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
