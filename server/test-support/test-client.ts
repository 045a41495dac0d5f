// Helpers to drive NetClients against a test server: connect, wait for conditions, read entity fields.

import { NetClient, type NetClientOptions } from '../../shared/client/net-client.js';
import type { EntityState, FieldValue, ReplicationSchema } from '../../shared/codec/schema.js';
import { arenaGame } from '../../shared/game/arena/index.js';

export async function connectClient(url: string, options: Partial<NetClientOptions> = {}): Promise<NetClient> {
  const client = new NetClient({ url, games: [arenaGame], reconnection: false, ...options });
  await client.connect();
  return client;
}

/** Polls `predicate` every 10 ms until it is true, or throws after `timeoutMs` with `what`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reads a field of an entity by name through the schema. */
export function fieldOf(schema: ReplicationSchema, entity: EntityState, name: string): FieldValue {
  const kind = schema.kinds[entity.kind];
  const index = kind?.fields.findIndex((f) => f.name === name) ?? -1;
  if (!kind || index < 0) throw new Error(`kind ${entity.kind} has no field ${name}`);
  return entity.values[index] as FieldValue;
}

export function numberField(entity: EntityState, name: string, schema: ReplicationSchema = arenaGame.schema): number {
  const value = fieldOf(schema, entity, name);
  if (typeof value !== 'number') throw new Error(`field ${name} is not a number`);
  return value;
}

export function kindId(name: string, schema: ReplicationSchema = arenaGame.schema): number {
  const kind = schema.kinds.find((k) => k.name === name);
  if (!kind) throw new Error(`no entity kind named ${name}`);
  return kind.kind;
}
