// Blobs: an agar.io-like game as a pure, deterministic GameDefinition. Blobs steer around a large
// world eating pellets and each other; the heaviest at the end of a timed match wins.
// Everything a server, client, bot or replay tool needs is exported from here.

import type { GameDefinition } from '../game-definition.js';
import { BLOBS_BOT_BEHAVIOURS, createBlobsBot } from './bot-brain.js';
import { BLOBS_INTEREST_RADIUS, BLOBS_MAX_PLAYERS } from './constants.js';
import { encodeBlobsInput, idleBlobsInput, packBlobsInput, parseBlobsInput, type BlobsInput } from './input.js';
import { deserializeBlobsWorld, hashBlobsWorld, serializeBlobsWorld } from './serialize.js';
import { applyBlobsInput, stepBlobs } from './step.js';
import { BLOBS_TICK_RATE } from './units.js';
import { BLOBS_EVENT_NAMES, EVT_MATCH_END } from './events.js';
import { BLOBS_SCORE_COLUMNS, blobsStandings } from './standings.js';
import { BLOBS_SCHEMA, blobsFocusOf, viewBlobs } from './view.js';
import { addBlobsPlayer, createBlobsWorld, removeBlobsPlayer, type BlobsWorld } from './world.js';

export const BLOBS_GAME_NAME = 'blobs';
/** The name players see. */
export const BLOBS_GAME_TITLE = 'Blobs';

export const blobsGame: GameDefinition<BlobsWorld, BlobsInput> = {
  name: BLOBS_GAME_NAME,
  rulesVersion: 1,
  title: BLOBS_GAME_TITLE,
  schema: BLOBS_SCHEMA,
  maxPlayers: BLOBS_MAX_PLAYERS,
  tickRate: BLOBS_TICK_RATE,
  // Nothing is judged in the past: eating is decided on the server's current positions.
  lagCompensationTicks: 0,
  interestRadius: BLOBS_INTEREST_RADIUS,
  createWorld: createBlobsWorld,
  addPlayer: addBlobsPlayer,
  removePlayer: removeBlobsPlayer,
  parseInput: parseBlobsInput,
  encodeInput: encodeBlobsInput,
  idleInput: idleBlobsInput,
  packInput: packBlobsInput,
  applyInput: applyBlobsInput,
  step: stepBlobs,
  view: viewBlobs,
  focusOf: blobsFocusOf,
  scoreColumns: BLOBS_SCORE_COLUMNS,
  eventNames: BLOBS_EVENT_NAMES,
  scores: blobsStandings,
  // The intermission keeps the final standings in the world: scores(world) on the match-end tick are final.
  matchEndEvent: EVT_MATCH_END,
  createBot: createBlobsBot,
  botBehaviours: BLOBS_BOT_BEHAVIOURS,
  hash: hashBlobsWorld,
  serialize: serializeBlobsWorld,
  deserialize: deserializeBlobsWorld,
};

export * from './constants.js';
export * from './units.js';
export { AIM_STEPS } from '../arena/units.js';
export { aimFromVector, aimToRadians } from '../arena/directions.js';
export * from './events.js';
export * from './input.js';
export { blobRadius, blobSpeed, boostCost, outweighs } from './mass.js';
export { stepBlobMotion, type BlobMotion } from './motion.js';
export { BLOBS_FORMAT, type SerializedBlobsWorld } from './serialize.js';
export { BLOBS_SCORE_COLUMNS, blobsStandings, type BlobsScoreKey, type BlobsStanding } from './standings.js';
export * from './view.js';
export { BLOBS_BOT_BEHAVIOURS, createBlobsBot, createBlobsBrain, type BlobsBrain } from './bot-brain.js';
export { blobsBotView, type BlobsBotView, type SeenBlob } from './bot-view.js';
export type { BlobsPellet, BlobsPlayer, BlobsWorld } from './world.js';
