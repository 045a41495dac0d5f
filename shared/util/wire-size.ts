// Size of an engine.io packet's data as the client meters it: bytes for binary, UTF-16 length for text
// (engine.io's text packets here are ASCII pings and JSON, so length is the byte count).

export function wireSize(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
