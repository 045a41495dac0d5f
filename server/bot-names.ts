// Names of server-hosted bots: a robot mark (BOT_NAME_MARK, which people cannot use: sanitizeName in
// shared/protocol-validate.ts drops it) and a short name, so the scoreboard, chat and replays show who is a bot.

import { BOT_NAME_MARK } from '../shared/protocol.js';

const NAMES = ['Ada', 'Bolt', 'Cog', 'Dot', 'Echo', 'Flux', 'Gizmo', 'Hex', 'Ion', 'Jolt', 'Kilo', 'Lux', 'Mox', 'Nano', 'Orb', 'Pixel'];

/** The name of the `index`-th bot of a room (1, 2, ...). */
export function botName(index: number): string {
  const name = NAMES[(index - 1) % NAMES.length]!;
  const round = Math.floor((index - 1) / NAMES.length);
  return `${BOT_NAME_MARK} ${name}${round > 0 ? ` ${round + 1}` : ''}`;
}
