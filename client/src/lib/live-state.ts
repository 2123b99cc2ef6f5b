import { useSyncExternalStore } from 'react';

/**
 * The state of the live connection, for a quiet "Reconnecting…" hint:
 * `idle` (no socket needed or not yet opened), `connected`, `reconnecting`
 * (it was up and dropped; graphql-ws is retrying).
 */
export type LiveState = 'idle' | 'connected' | 'reconnecting';

let state: LiveState = 'idle';
const listeners = new Set<() => void>();

export function setLiveState(next: LiveState): void {
  if (next === state) return;
  state = next;
  listeners.forEach((l) => l());
}

export function getLiveState(): LiveState {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(subscribe, getLiveState, getLiveState);
}
