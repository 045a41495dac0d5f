// deflate-raw (RFC 1951) through the platform's CompressionStream / DecompressionStream, which Node
// (18+) and current browsers both provide: the default of reader.ts and writer.ts. Compression
// is pluggable: callers may pass their own DeflateFn / InflateFn, and the server's file writer takes a
// synchronous deflate (server/recording/file-writer.ts) without touching the format.

export type DeflateFn = (data: Uint8Array) => Promise<Uint8Array>;
export type InflateFn = (data: Uint8Array, maxBytes: number) => Promise<Uint8Array>;

async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`inflates to more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
}

export const platformDeflateRaw: DeflateFn = (data) =>
  collect(streamOf(data).pipeThrough(new CompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>), Number.MAX_SAFE_INTEGER);

export const platformInflateRaw: InflateFn = (data, maxBytes) =>
  collect(streamOf(data).pipeThrough(new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>), maxBytes);
