// The naive baseline as a plug-in of the game server: what a tutorial socket.io server does, for the
// benchmarks to compare ours against. socket.io's default JSON parser instead of our msgpack one, and on
// every snapshot tick the full world state (full-state.ts) sent as JSON to every player of the room: no
// deltas, no acknowledged baselines, no interest management. Everything else (rooms, matchmaking, inputs,
// admission, metrics) is the production server's.

import * as jsonParser from 'socket.io-parser';
import type { GameServerOptions, RoomSnapshotStrategy } from '../../../server/game-server.js';
import { fullStateMessage, NAIVE_STATE_EVENT } from './full-state.js';

/** One room-wide emit per snapshot tick, counted once per socket it reaches. */
const broadcastFullState: RoomSnapshotStrategy = ({ io, room, countSnapshotsSent }) => {
  const { schema } = room.game;
  return (tick, views) => {
    io.to(room.id).emit(NAIVE_STATE_EVENT, fullStateMessage(tick, views, schema));
    countSnapshotsSent(io.sockets.adapter.rooms.get(room.id)?.size ?? 0);
  };
};

/** Options of createGameServer / runGameServer / GameServer that turn a server into the naive baseline. */
export const NAIVE_SERVER_OPTIONS = {
  roomSnapshots: broadcastFullState,
  socketParser: jsonParser,
} as const satisfies Pick<GameServerOptions, 'roomSnapshots' | 'socketParser'>;
