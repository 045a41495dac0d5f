// Player colours, shared by everything that names a player (chat, scoreboard, feed, replay list, match-end
// screen) and by the games that draw them. A player's colour depends on its id alone, so everyone sees the
// same player in the same colour, the player included; games mark "you" with an outline or ring instead.

/** The page's accent (buttons, own-line highlights, UI that is about "you"): not a player colour by itself. */
export const LOCAL_COLOR = 0x38e8c6;
/** Distinct, readable colours on the dark floor, by player id (the accent teal is one of them). */
const PALETTE = [0xff6b6b, 0xffa94d, 0xb197fc, 0x4dabf7, 0xffd43b, 0xf783ac, 0xa9e34b, 0x38e8c6, 0xe599f7, 0x74c0fc, 0xffc078, 0xe9ecef];

/** The colour of `playerId`, the same on every screen (yourself included: games mark you another way). */
export function playerColor(playerId: number): number {
  return PALETTE[(((playerId - 1) % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
