// The logger as a process really writes it: a child node process logs through createLogger with its
// stdout and stderr on pipes (not a terminal), then exits at once; the test reads what arrived.

import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));
// Measured here: a child with tsx runs in 0.4-0.6 s when idle; 20x for a loaded machine.
const CHILD_TIMEOUT_MS = 10_000;

/** What the child logs: every level, bindings of a child logger, errors as fields, then process.exit(). */
const SCRIPT = `
const { createLogger } = await import(${JSON.stringify(LOGGER)});
const pretty = process.argv[1] === 'pretty' ? { pretty: true } : {};
const log = createLogger('debug', { svc: 'test-svc' }, pretty).child({ room: 'r1' });
log.debug('debug line', { n: 1 });
log.info('listening', { port: 3000, url: 'http://127.0.0.1:3000' });
log.info('moved', { room: 'r2', name: 'a player' });
log.warn('warn line', { err: Object.assign(new Error('boom'), { code: 'EPIPE' }), other: new TypeError('bad type') });
log.error('error line', { err: 'not an Error' });
createLogger('info', {}, pretty).debug('below the level');
createLogger('silent', {}, pretty).error('silenced');
process.exit(0);
`;

async function runChild(mode: 'default' | 'pretty'): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, mode], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    timeout: CHILD_TIMEOUT_MS,
  });
}

/** util-linux's `script` runs a command on a pseudo-terminal: the logger's own terminal detection, for real. */
function hasScriptCommand(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes one JSON object per line when stdout is not a terminal: debug/info on stdout, warn/error on stderr', async () => {
    const { stdout, stderr } = await runChild('default');
    const out = jsonLines(stdout);
    const err = jsonLines(stderr);

    expect(out.map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'debug line'],
      ['info', 'listening'],
      ['info', 'moved'],
    ]);
    expect(err.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'warn line'],
      ['error', 'error line'],
    ]);
    const listening = out[1]!;
    expect(listening).toMatchObject({ svc: 'test-svc', room: 'r1', port: 3000, url: 'http://127.0.0.1:3000' });
    expect(Number.isNaN(Date.parse(listening.time as string))).toBe(false);
    expect(listening.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Readers that match the raw line (a regular expression on `"msg":"listening"...` then the port) rely on this order.
    expect(stdout).toMatch(/"msg":"listening".*?"port":3000/);
    // A field named like a binding replaces it: one "room" in the line, the field's.
    const moved = stdout.split('\n').find((line) => line.includes('"moved"'))!;
    expect(moved.match(/"room":/g)).toHaveLength(1);
    expect(out[2]).toMatchObject({ room: 'r2', svc: 'test-svc' });
    expect(Object.keys(out[1]!)).not.toContain('pid');

    const warn = err[0]!;
    expect(warn.err).toMatchObject({ type: 'Error', message: 'boom', code: 'EPIPE' });
    expect((warn.err as { stack: string }).stack).toMatch(/^Error: boom\n\s+at /);
    expect(warn.other).toMatchObject({ type: 'TypeError', message: 'bad type' });
    expect((warn.other as { stack: string }).stack).toMatch(/^TypeError: bad type\n\s+at /);
    expect(err[1]!.err).toBe('not an Error');

    expect(stdout + stderr).not.toContain('below the level');
    expect(stdout + stderr).not.toContain('silenced');
  });

  it('writes human-readable lines, not JSON, when pretty (a terminal, or forced)', async () => {
    const { stdout, stderr } = await runChild('pretty');
    const lines = [...stdout.split('\n'), ...stderr.split('\n')].filter((line) => line.length > 0);
    for (const line of lines) expect(() => JSON.parse(line), line).toThrow();

    expect(stdout).toMatch(/DEBUG.*debug line/);
    expect(stdout).toMatch(/INFO.*listening.*"port":3000/);
    // A field called "name" is a field, not pino-pretty's logger name.
    expect(stdout).toMatch(/INFO \(name=a player\): moved/);
    expect(stderr).toMatch(/WARN.*warn line/);
    expect(stderr).toMatch(/ERROR.*error line/);
    // The error's message and stack trace, as lines a person reads.
    expect(stderr).toMatch(/"message": "boom"/);
    expect(stderr).toMatch(/Error: boom\n\s+at /);
    expect(stdout + stderr).not.toContain('below the level');
    expect(stdout + stderr).not.toContain('silenced');
    // Not a terminal here: no color codes.
    expect(stdout + stderr).not.toContain('\u001b[');
  });

  it.skipIf(!hasScriptCommand())('is pretty and colored by itself when stdout is a terminal', async () => {
    const { stdout } = await promisify(execFile)(
      'script',
      ['-qec', `"${process.execPath}" --import tsx --input-type=module -e "$LOGGER_TEST_SCRIPT" default`, '/dev/null'],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: CHILD_TIMEOUT_MS, env: { ...process.env, LOGGER_TEST_SCRIPT: SCRIPT } },
    );
    // Everything the terminal showed (stdout and stderr share it), color codes removed.
    const shown = stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(stdout).toContain('\u001b[');
    expect(shown).toMatch(/INFO: listening/);
    expect(shown).toMatch(/WARN: warn line/);
    expect(shown).not.toContain('"level"');
  });
});
