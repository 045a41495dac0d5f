import { describe, expect, it } from 'vitest';
import { EVT_KILL } from '../../../../shared/game/arena/index.js';
import { encodeRecording, readRecording } from '../../../../shared/recording/index.js';
import { recordedEventsAt, simulateRecording } from '../../../../shared/recording/test-support.js';
import { participantsOf } from '../../replay/participants.js';
import { arenaTimeline } from './timeline.js';

describe('the arena replay timeline', () => {
  it('marks every recorded kill at its tick, in words, with the names the recording gives', async () => {
    const recording = await readRecording(await encodeRecording(simulateRecording({ ticks: 900, players: ['ann', 'bob', 'cy'], seed: 3 })));
    const { nameOf } = participantsOf(recording);
    const { marks, summary } = arenaTimeline(recording, nameOf);
    const kills: { tick: number; killer: number; victim: number }[] = [];
    for (let t = 1; t <= 900; t++) {
      for (const e of recordedEventsAt(recording, t)) if (e[0] === EVT_KILL) kills.push({ tick: t, killer: e[1] as number, victim: e[2] as number });
    }
    expect(kills.length).toBeGreaterThan(1);
    expect(marks.map((m) => m.tick)).toEqual(kills.map((k) => k.tick));
    marks.forEach((m, i) => {
      const k = kills[i]!;
      expect(m.text).toContain(k.killer === k.victim ? `${nameOf(k.victim)} blew up (` : `${nameOf(k.killer)} killed ${nameOf(k.victim)} (`);
    });
    expect(summary).toBe(`${kills.length} kills`);
  });
});
