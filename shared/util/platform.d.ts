// The host APIs the isomorphic code under shared/ may use: only what browsers and Node 20 both provide,
// and only the members shared/ uses. tsconfig.shared.json compiles shared/ with lib ES2022 and no
// @types/node plus this file, so anything not declared here (Buffer, process, require, document, window,
// localStorage...) is a compile error in shared/. The main tsconfig.json excludes this file: there the
// full DOM and Node declarations apply. Add a member here only if both platforms have it.
//
// A global script (no import or export), so these are globals, as on both hosts.

/** What setTimeout returns: a number in browsers, an object in Node. Only clearTimeout may use it. */
interface PlatformTimerHandle {
  readonly __platformTimerHandle: never;
}
declare function setTimeout(callback: () => void, ms?: number): PlatformTimerHandle;
declare function clearTimeout(handle: PlatformTimerHandle | undefined): void;

/** Monotonic milliseconds (High Resolution Time). */
declare const performance: { now(): number };

/** WHATWG Encoding. */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

/** WHATWG URL (parsing only). */
declare class URL {
  constructor(url: string, base?: string);
  readonly origin: string;
  readonly pathname: string;
}

/** WHATWG Streams and Compression Streams (Node 18+: globals). */
interface ReadableStreamDefaultController<R> {
  enqueue(chunk: R): void;
  close(): void;
}
interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: R }>;
  cancel(reason?: unknown): Promise<void>;
}
/** Opaque: shared/ only pipes into one. */
interface WritableStream<W> {}
interface TransformStream<I, O> {
  readonly writable: WritableStream<I>;
  readonly readable: ReadableStream<O>;
}
declare class ReadableStream<R> {
  constructor(source: { start(controller: ReadableStreamDefaultController<R>): void });
  getReader(): ReadableStreamDefaultReader<R>;
  pipeThrough<T>(transform: TransformStream<R, T>): ReadableStream<T>;
}
declare class CompressionStream {
  constructor(format: 'deflate' | 'deflate-raw' | 'gzip');
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Uint8Array>;
}
declare class DecompressionStream {
  constructor(format: 'deflate' | 'deflate-raw' | 'gzip');
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Uint8Array>;
}
