import { describe, expect, it } from 'vitest';
import { PLAYER_RADIUS } from './constants.js';
import { ARENA_MAP } from './map.js';
import { isPlayerPositionBlocked } from './movement.js';
import { UNITS_PER_PX } from './units.js';

describe('arena map', () => {
  it('is 2400 x 1600 px, with walls inside it', () => {
    expect(ARENA_MAP.width / UNITS_PER_PX).toBe(2400);
    expect(ARENA_MAP.height / UNITS_PER_PX).toBe(1600);
    for (const w of ARENA_MAP.walls) {
      expect(w.w > 0 && w.h > 0).toBe(true);
      expect(w.x >= 0 && w.y >= 0 && w.x + w.w <= ARENA_MAP.width && w.y + w.h <= ARENA_MAP.height).toBe(true);
    }
  });

  it('is point-symmetric around its centre (fair for both sides)', () => {
    const key = (x: number, y: number, w: number, h: number): string => `${x},${y},${w},${h}`;
    const walls = new Set(ARENA_MAP.walls.map((w) => key(w.x, w.y, w.w, w.h)));
    for (const w of ARENA_MAP.walls) {
      expect(walls.has(key(ARENA_MAP.width - w.x - w.w, ARENA_MAP.height - w.y - w.h, w.w, w.h))).toBe(true);
    }
    const spawns = new Set(ARENA_MAP.spawns.map((s) => `${s.x},${s.y}`));
    for (const s of ARENA_MAP.spawns) expect(spawns.has(`${ARENA_MAP.width - s.x},${ARENA_MAP.height - s.y}`)).toBe(true);
  });

  it('has spawn points clear of walls, at least 8 of them', () => {
    expect(ARENA_MAP.spawns.length).toBeGreaterThanOrEqual(8);
    for (const s of ARENA_MAP.spawns) expect(isPlayerPositionBlocked(s.x, s.y)).toBe(false);
  });

  it('lets a player walk from every spawn point to every other one (no sealed rooms)', () => {
    // Flood fill of player-centre positions on an 8 px grid.
    const step = 8 * UNITS_PER_PX;
    const cols = Math.floor(ARENA_MAP.width / step);
    const rows = Math.floor(ARENA_MAP.height / step);
    const cell = (x: number, y: number): number => Math.round(y / step) * cols + Math.round(x / step);
    const seen = new Uint8Array(cols * rows);
    const start = ARENA_MAP.spawns[0];
    const queue: [number, number][] = [[Math.round(start.x / step), Math.round(start.y / step)]];
    seen[queue[0][1] * cols + queue[0][0]] = 1;
    while (queue.length > 0) {
      const [cx, cy] = queue.pop() as [number, number];
      for (const [nx, ny] of [[cx + 1, cy], [cx - 1, cy], [cx, cy + 1], [cx, cy - 1]]) {
        if (nx < 0 || ny < 0 || nx >= cols || ny >= rows || seen[ny * cols + nx]) continue;
        if (isPlayerPositionBlocked(nx * step, ny * step)) continue;
        seen[ny * cols + nx] = 1;
        queue.push([nx, ny]);
      }
    }
    for (const s of ARENA_MAP.spawns) expect(seen[cell(s.x, s.y)]).toBe(1);
    // And the open floor is most of the map.
    const open = seen.reduce((n, v) => n + v, 0);
    expect(open / (cols * rows)).toBeGreaterThan(0.6);
    expect(PLAYER_RADIUS).toBe(64);
  });
});
