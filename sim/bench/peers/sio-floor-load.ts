// Players of the socket.io floor: socket.io-client with our msgpack parser (WebSocket only) in one process,
// 16 to a room, each emitting its input ([keys, aim]) 30 times a second and counting the 's' events it receives.
// `node --import tsx sim/bench/peers/sio-floor-load.ts --url http://127.0.0.1:PORT --players N --duration S --json FILE`

import { io } from 'socket.io-client';
import { encodeArenaInput } from '../../../shared/game/arena/index.js';
import { clientParser } from '../../../shared/net/msgpack-parser.js';
import { loadGeneratorMain, type PeerClient } from './load-generator.js';
import { WORKLOAD } from './workload.js';

loadGeneratorMain(
  (url, index) =>
    new Promise<PeerClient>((resolve, reject) => {
      const socket = io(url, {
        parser: clientParser,
        transports: ['websocket'],
        reconnection: false,
        query: { room: String(Math.floor(index / WORKLOAD.playersPerRoom)) },
      });
      let received = 0;
      socket.on('s', () => void received++);
      socket.once('connect_error', reject);
      socket.once('connect', () =>
        resolve({
          send: (input) => void socket.emit('i', encodeArenaInput(input)),
          get received() {
            return received;
          },
          get open() {
            return socket.connected;
          },
          close: () => void socket.close(),
        }),
      );
    }),
);
