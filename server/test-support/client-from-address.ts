// A NetClient whose connection comes from a chosen loopback address (127.0.0.0/8 all reaches a server
// bound to 127.0.0.1), so one test can play several clients at different addresses, as per-address
// limits see them. WebSocket only: the source address is set on the WebSocket's TCP connection.

import { NetClient, type NetClientOptions } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';

/** Creates the client without connecting it (call connect(); close it when done). */
export function clientFromAddress(url: string, address: string, options: Partial<NetClientOptions> = {}): NetClient {
  const client = new NetClient({ url, games: [arenaGame], reconnection: false, transports: ['websocket'], ...options });
  // Manager options reach engine.io-client, which passes localAddress on to the WebSocket (ws) it opens.
  (client.socket.io.opts as { localAddress?: string }).localAddress = address;
  return client;
}
