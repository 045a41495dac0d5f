// Players of the bare `ws` floor: plain ws clients in one process, 16 to a room, each sending its input
// ([keys, aim] as 3 bytes) 30 times a second and counting the messages it receives.
// `node --import tsx sim/bench/peers/floor-load.ts --url http://127.0.0.1:PORT --players N --duration S --json FILE`

import { WebSocket } from 'ws';
import { loadGeneratorMain, type PeerClient } from './load-generator.js';
import { WORKLOAD } from './workload.js';

loadGeneratorMain(
  (url, index) =>
    new Promise<PeerClient>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/?room=${Math.floor(index / WORKLOAD.playersPerRoom)}`, { perMessageDeflate: false });
      let received = 0;
      ws.on('message', () => void received++);
      ws.once('error', reject);
      ws.once('open', () =>
        resolve({
          send: (input) => {
            const message = Buffer.allocUnsafe(3);
            message.writeUInt8(input.keys, 0);
            message.writeUInt16LE(input.aim, 1);
            ws.send(message);
          },
          get received() {
            return received;
          },
          get open() {
            return ws.readyState === WebSocket.OPEN;
          },
          close: () => ws.close(),
        }),
      );
    }),
);
