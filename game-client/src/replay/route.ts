// The replay viewer's URL: /replay/<recording id> (the server serves index.html for client routes).

/** The recording id of a /replay/<id> path, or null when the path is not a replay route. */
export function replayIdOf(pathname: string): string | null {
  const m = /^\/replay\/([^/]+)\/?$/.exec(pathname);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]!);
    return id.length > 0 ? id : null;
  } catch {
    return m[1]!;
  }
}

export function replayPath(id: string): string {
  return `/replay/${encodeURIComponent(id)}`;
}

/** "m:ss" (or "h:mm:ss") of a duration in seconds, rounded down. */
export function formatTime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds + 1e-9));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}
