// Colyseus players for the peers benchmark: @colyseus/sdk clients in one process, joinOrCreate into the
// 'arena' room, inputs as [keys, aim] messages at 30 Hz, the schema state decoded by the SDK.
// `node --import tsx sim/bench/peers/colyseus-load.ts --url http://127.0.0.1:PORT --players N --duration S --json FILE`

import { Client } from '@colyseus/sdk';
import { encodeArenaInput } from '../../../shared/game/arena/index.js';
import { loadGeneratorMain, type PeerClient } from './load-generator.js';

loadGeneratorMain(async (url): Promise<PeerClient> => {
  const room = await new Client(url).joinOrCreate('arena');
  let received = 0;
  let open = true;
  room.onStateChange(() => received++);
  room.onLeave(() => (open = false));
  return {
    send: (input) => room.send('i', encodeArenaInput(input)),
    get received() {
      return received;
    },
    get open() {
      return open;
    },
    close: () => void room.leave(true).catch(() => {}),
  };
});
