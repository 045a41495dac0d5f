// The client netcode library, for the Phaser client and the headless bots alike:
//
//   const net = new NetClient({ url, games: [arenaGame] });            // or with a NetworkConditions layer
//   await net.connect(); await net.quickPlay();
//   const session = createArenaSession(net);                           // shared/game/arena/client-models.ts
//   function onAnimationFrame(now: number) {
//     session.setInput({ keys, aim });
//     const frame = session.frame(now);                                // draw frame.entities, play frame.events
//     hud.show(session.stats);                                         // RTT, jitter, corrections, bandwidth
//   }
//
// A new game provides its own PredictionModel and InterpolationModel and builds `new ClientSession(net, ...)`.

export { NetClient, RequestError, type NetClientEvents, type NetClientOptions, type NetClientStats, type Transport } from './net-client.js';
export {
  ClientSession,
  type ClientSessionEvents,
  type ClientSessionOptions,
  type InterpolationModel,
  type NetStats,
  type PredictionModel,
  type Reconciliation,
  type RenderFrame,
  type SentInput,
  type SessionNet,
} from './client-session.js';
export { NetworkConditions, type NetworkConditionsOptions, type NetworkConditionsStats } from './network-conditions.js';
