// Hands out small byte arrays as views into shared 64 KiB slabs.
//
// Why: every snapshot needs its own Uint8Array (the transport may hold it after encodeFor returns), and
// a typed array with its own ArrayBuffer costs ~400 ns to allocate in V8, as much as encoding a whole
// delta. A view into a slab costs ~100 ns (Node's Buffer pool does the same for small buffers). A slab
// is garbage-collected once no view into it is alive. Consumers must honour byteOffset/byteLength (any
// correct Uint8Array consumer does) and must not write into the bytes.

const SLAB_SIZE = 64 * 1024;
/** Larger outputs get their own buffer, so one big snapshot does not waste a slab. */
const MAX_POOLED = SLAB_SIZE / 8;

export class ByteSlab {
  private slab = new Uint8Array(SLAB_SIZE);
  private used = 0;

  /** A copy of source[0, length) in fresh (pooled) memory. */
  copy(source: Uint8Array, length: number): Uint8Array {
    if (length > MAX_POOLED) return source.slice(0, length);
    if (this.used + length > SLAB_SIZE) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.used = 0;
    }
    const start = this.used;
    const slab = this.slab;
    if (length <= 64) {
      for (let i = 0; i < length; i++) slab[start + i] = source[i];
    } else {
      slab.set(source.subarray(0, length), start);
    }
    this.used = start + length;
    return new Uint8Array(slab.buffer, start, length);
  }
}
