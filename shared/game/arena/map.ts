// The arena's static geometry: a 2400 x 1600 px floor with a hand-designed wall layout and spawn points.
// Walls are axis-aligned rectangles. The layout is point-symmetric around the centre (every wall and
// spawn listed below has a twin rotated by 180 degrees), so neither side of the map is favoured:
//
//   #S############################################S#    rendered from the data below: one character
//   #  ###                 ##               ##     #    is 50 x 100 px, '#' a wall, 'S' a spawn.
//   #  ###                 #S               ##     #
//   #       ###########          ###########       #    Two long lanes (top and bottom) with a gap
//   ######        S                    #           #    in the middle, a central block ringed by
//   #      #         ####      ####    #    #      #    four L covers, side dividers making flanking
//   #   S  #    ###  ##     S    ##    #    #      #    corridors, crates and pillars for cover.
//   #  ##  #         ##   ####   ##         #  ##  #
//   #  ##  #         ##   ####   ##         #  ##  #
//   #      #    #    ##     S    ##  ###    #   S  #
//   #      #    #    ####      ####         #      #
//   #           #                     S       ######
//   #       ###########          ###########       #
//   #     ##               #S                 ###  #
//   #     ##               ##                 ###  #
//   #S############################################S#
//
// Everything is exported in simulation units (1 unit = 1/4 px); the client divides by UNITS_PER_PX.

import { px } from './units.js';

/** An axis-aligned wall: top-left corner (x, y), width w, height h, in units. */
export interface Wall {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface SpawnPoint {
  readonly x: number;
  readonly y: number;
}

export interface ArenaMap {
  readonly name: string;
  /** Size of the floor in units; walls line its border. */
  readonly width: number;
  readonly height: number;
  readonly walls: readonly Wall[];
  readonly spawns: readonly SpawnPoint[];
}

const WIDTH_PX = 2400;
const HEIGHT_PX = 1600;

/** [x, y, w, h] in px. */
type RectPx = readonly [number, number, number, number];

// Border walls: the top and left ones; their twins close the bottom and right.
const BORDER_HALF: readonly RectPx[] = [
  [0, 0, WIDTH_PX, 32],
  [0, 0, 32, HEIGHT_PX],
];

// Self-symmetric centre piece: added once.
const CENTER: RectPx = [1136, 736, 128, 128];

// Interior walls of one half of the map (each gets a 180-degree twin).
const INTERIOR_HALF: readonly RectPx[] = [
  // Long lane walls, with a 560 px gap in the middle.
  [400, 360, 520, 32],
  [1480, 360, 520, 32],
  // Side divider making a flanking corridor along the left (twin: right).
  [360, 560, 32, 480],
  // Two of the four L covers around the centre (twins: the other two).
  [880, 560, 160, 32],
  [880, 592, 32, 128],
  [1360, 560, 160, 32],
  [1488, 592, 32, 128],
  // Crates, pillars and short walls.
  [160, 160, 96, 96],
  [1152, 140, 96, 96],
  [640, 600, 64, 64],
  [160, 760, 64, 80],
  [2000, 120, 64, 160],
  [600, 960, 32, 160],
  [96, 440, 160, 32],
];

// Spawn points of one half, in px (each gets a twin).
const SPAWNS_HALF: readonly (readonly [number, number])[] = [
  [96, 96],
  [2304, 96],
  [1200, 290],
  [200, 660],
  [700, 480],
  [1200, 620],
];

function rotatedRect([x, y, w, h]: RectPx): RectPx {
  return [WIDTH_PX - x - w, HEIGHT_PX - y - h, w, h];
}

function wallFromPx([x, y, w, h]: RectPx): Wall {
  return { x: px(x), y: px(y), w: px(w), h: px(h) };
}

function buildArenaMap(): ArenaMap {
  const halves = [...BORDER_HALF, ...INTERIOR_HALF];
  const rects: RectPx[] = [CENTER];
  for (const r of halves) rects.push(r, rotatedRect(r));
  const spawns: SpawnPoint[] = [];
  for (const [x, y] of SPAWNS_HALF) {
    spawns.push({ x: px(x), y: px(y) }, { x: px(WIDTH_PX - x), y: px(HEIGHT_PX - y) });
  }
  return Object.freeze({
    name: 'arena-1',
    width: px(WIDTH_PX),
    height: px(HEIGHT_PX),
    walls: Object.freeze(rects.map((r) => Object.freeze(wallFromPx(r)))),
    spawns: Object.freeze(spawns.map((s) => Object.freeze(s))),
  });
}

/** The arena every world is played on. Frozen: it is static geometry shared by all rooms. */
export const ARENA_MAP: ArenaMap = buildArenaMap();
