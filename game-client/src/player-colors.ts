// Player colours, shared by everything that names a player (chat, scoreboard, feed, replay list) and by the
// games that draw them, so a player has one colour everywhere on the page.

/** The local player's colour (the page's accent). */
export const LOCAL_COLOR = 0x38e8c6;
/** Distinct, readable colours for everyone else, by player id. */
const PALETTE = [0xff6b6b, 0xffa94d, 0xb197fc, 0x4dabf7, 0xffd43b, 0xf783ac, 0xa9e34b, 0xe9ecef];

/** The colour of `playerId` as seen by `localId` (-1: nobody is local, e.g. a replay). */
export function playerColor(playerId: number, localId: number): number {
  if (playerId === localId) return LOCAL_COLOR;
  return PALETTE[(((playerId - 1) % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
