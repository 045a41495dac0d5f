import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configFromEnv, nodePublicUrl } from './config.js';

describe('configFromEnv', () => {
  it('defaults to port 3000 and a 30 Hz tick', () => {
    const config = configFromEnv({});
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it('reads PORT, HOST, rates and limits', () => {
    const config = configFromEnv({ PORT: '4123', HOST: '127.0.0.1', TICK_RATE: '60', SNAPSHOT_RATE: '20', INPUTS_PER_MESSAGE: '2', MAX_ROOMS: '5' });
    expect(config).toMatchObject({ port: 4123, host: '127.0.0.1', tickRate: 60, snapshotRate: 20, inputsPerMessage: 2, maxRooms: 5 });
    expect(configFromEnv({}).inputsPerMessage).toBe(1);
  });

  it('fails with a clear message on bad values', () => {
    expect(() => configFromEnv({ PORT: 'abc' })).toThrow(/PORT must be an integer/);
    expect(() => configFromEnv({ TICK_RATE: '30', SNAPSHOT_RATE: '20' })).toThrow(/must divide/);
    expect(() => configFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => configFromEnv({ INPUTS_PER_MESSAGE: '5' })).toThrow(/INPUTS_PER_MESSAGE must be/);
    expect(() => configFromEnv({ INPUTS_PER_MESSAGE: '0' })).toThrow(/INPUTS_PER_MESSAGE must be/);
  });
});

describe('cluster settings', () => {
  it('is one process with the embedded directory unless REDIS_URL is set; a cluster node drains on SIGTERM', () => {
    expect(configFromEnv({})).toMatchObject({ redisUrl: null, workers: 1, drainTimeoutMs: 0, publicUrl: null, nodeId: null });
    expect(configFromEnv({ REDIS_URL: 'redis://10.0.0.5:6379' })).toMatchObject({ redisUrl: 'redis://10.0.0.5:6379', drainTimeoutMs: 60_000 });
    expect(configFromEnv({ REDIS_URL: 'redis://r:6379', DRAIN_TIMEOUT_MS: '5000', WORKERS: '3' })).toMatchObject({ drainTimeoutMs: 5000, workers: 3 });
    expect(configFromEnv({ REDIS_URL: 'redis://r:6379', WORKERS: 'auto' }).workers).toBeGreaterThanOrEqual(1);
  });

  it('refuses settings that cannot work, saying why', () => {
    expect(() => configFromEnv({ WORKERS: '2' })).toThrow(/WORKERS=2 runs several node processes, which share rooms through Redis: set REDIS_URL/);
    expect(() => configFromEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL must look like redis:\/\/host:6379/);
    expect(() => configFromEnv({ PUBLIC_URL: 'play.example.com' })).toThrow(/PUBLIC_URL must be an http\(s\) URL/);
    expect(() => configFromEnv({ NODE_ID: 'a b' })).toThrow(/NODE_ID must be/);
    expect(() => configFromEnv({ REDIS_URL: 'redis://r:6379', WORKERS: '2', NODE_ID: 'n1' })).toThrow(/NODE_ID names one node/);
  });

  it('derives each node’s public URL from PUBLIC_URL’s {port}, or from the bind address', () => {
    const behindProxy = configFromEnv({ PUBLIC_URL: 'https://play.example.com/node/{port}' });
    expect(nodePublicUrl(behindProxy, 3001)).toBe('https://play.example.com/node/3001/');
    expect(nodePublicUrl(configFromEnv({}), 3000)).toBe('http://localhost:3000/');
    expect(nodePublicUrl(configFromEnv({ HOST: '10.0.0.7' }), 3000)).toBe('http://10.0.0.7:3000/');
    expect(nodePublicUrl(configFromEnv({ HOST: '::1' }), 3000)).toBe('http://[::1]:3000/');
  });
});
