// localStorage that never throws: storage may be disabled (privacy settings, sandboxed frames), and a
// remembered setting is never worth an error.

export function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* storage disabled */
  }
}
