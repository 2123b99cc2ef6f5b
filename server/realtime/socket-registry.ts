import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer';

/** The open sockets of this instance by session and by user: what closes them and what caps them. */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private readonly byUser = new Map<string, Set<WebSocket>>();

  add(viewer: Viewer, socket: WebSocket): void {
    addTo(this.bySession, viewer.sessionId, socket);
    addTo(this.byUser, viewer.id, socket);
  }

  remove(viewer: Viewer, socket: WebSocket): void {
    removeFrom(this.bySession, viewer.sessionId, socket);
    removeFrom(this.byUser, viewer.id, socket);
  }

  socketsOfUser(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  sessionIds(): string[] {
    return [...this.bySession.keys()];
  }

  closeSession(sessionId: string, code: number, reason: string): void {
    for (const socket of this.bySession.get(sessionId) ?? []) socket.close(code, reason);
  }
}

function addTo(map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) {
  const sockets = map.get(key) ?? new Set();
  map.set(key, sockets.add(socket));
}

function removeFrom(map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) {
  const sockets = map.get(key);
  sockets?.delete(socket);
  if (sockets?.size === 0) map.delete(key);
}
