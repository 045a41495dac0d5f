import { describe, expect, it } from 'vitest';
import { serverParser } from '../../shared/net/msgpack-parser.js';
import { CLIENT_EVENT_WEIGHTS, ServerKnowledge } from './client-events.js';
import { FrameGenerator, TIER_WEIGHTS, type FuzzFrame } from './frame-generator.js';
import { FuzzRng, deriveSeed } from './fuzz-rng.js';

function frames(seed: number, count: number): FuzzFrame[] {
  const generator = new FrameGenerator(new FuzzRng(seed), new ServerKnowledge());
  return [generator.connect(), ...Array.from({ length: count }, () => generator.next())];
}

function accepted(frame: FuzzFrame): boolean {
  if (typeof frame.frame === 'string') return false;
  const decoder = new serverParser.Decoder();
  decoder.on('decoded', () => {});
  try {
    decoder.add(frame.frame);
    return true;
  } catch {
    return false;
  }
}

describe('the fuzz frame generator', () => {
  it('replays the same frames from the same seed (a failure is reproducible from its seed)', () => {
    const wire = (list: FuzzFrame[]) => list.map((f) => [f.label, typeof f.frame === 'string' ? f.frame : Buffer.from(f.frame).toString('hex')]);
    expect(wire(frames(42, 300))).toEqual(wire(frames(42, 300)));
    expect(wire(frames(43, 300))).not.toEqual(wire(frames(42, 300)));
    expect(deriveSeed(42, 0, 1, 2)).toBe(deriveSeed(42, 0, 1, 2));
    expect(deriveSeed(42, 0, 1, 2)).not.toBe(deriveSeed(42, 0, 2, 1));
  });

  it('covers every client event and every kind of mutation', () => {
    const sample = frames(7, 5000);
    const kinds = new Set(sample.map((f) => f.kind));
    const tiers = new Set(sample.map((f) => f.tier));
    for (const kind of Object.keys(CLIENT_EVENT_WEIGHTS)) expect(kinds).toContain(kind);
    for (const tier of Object.keys(TIER_WEIGHTS)) expect(tiers).toContain(tier);
  });

  it('keeps argument mutations within the parser limits, so they reach the handlers', () => {
    const args = frames(9, 5000).filter((f) => f.tier === 'args' && f.kind !== 'connect' && f.kind !== 'ack');
    const share = args.filter(accepted).length / args.length;
    expect(share).toBeGreaterThan(0.95);
  });
});
