// The client netcode comes from shared/ (the same ClientSession the headless bots run): prediction,
// reconciliation, interpolation, clock sync and stats. The game client only draws what it returns.

import type { NetClient } from '../../../shared/client/net-client.js';
import type { ClientSession } from '../../../shared/client/client-session.js';
import { createArenaSession } from '../../../shared/game/arena/client-models.js';
import type { ArenaInput } from '../../../shared/game/arena/input.js';
import type { PlayerMotion } from '../../../shared/game/arena/movement.js';

export type { NetStats, RenderFrame } from '../../../shared/client/client-session.js';

export type ArenaSession = ClientSession<PlayerMotion, ArenaInput>;

export function createSession(net: NetClient): ArenaSession {
  return createArenaSession(net);
}
