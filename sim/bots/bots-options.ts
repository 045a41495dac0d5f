// The command line of `npm run bots`: every option, its checks (whole numbers and ranges, a URL with a
// scheme), the help with the exit codes, and a did-you-mean for an unknown option. Parsing only: nothing
// here touches the network or the disk.

import { parseArgs } from 'node:util';
import { TOOL_GAME_NAMES, TOOL_GAMES, toolGame } from '../games.js';
import { closestNames } from './did-you-mean.js';
import type { LoadOptions } from './load-run.js';
import { fractionOption, numberOption, UsageError, type NumberRule } from './option-values.js';

/** The exit codes of `npm run bots`. */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
} as const;

/** Bots one run may start in all (every bot is a connection from this machine). */
export const MAX_BOTS = 100_000;
const MAX_WORKERS = 256;
/** setTimeout's longest delay (about 24.8 days), in seconds: the measurement is one timer. */
const MAX_DURATION_SEC = 2_000_000;
const MAX_DELAY_MS = 10_000;

export const HELP = `usage: npm run bots -- [options]
  --url URL               server (default http://127.0.0.1:3000; without a scheme, http:// is added)
  --rooms N               rooms to create and fill, 1 to 10,000 (with --bots-per-room, default 16)
  --bots-per-room N       bots in each room (needs --rooms), 1 to 1,000
  --bots N                total bots placed by quick play (when --rooms is not given; default 16)
  --ramp N                bots started per second, above 0 (default 50)
  --duration S            seconds to measure after the ramp, above 0 (default 30)
  --game NAME             the game to play: ${TOOL_GAME_NAMES} (default ${TOOL_GAMES[0]!.rules.name})
  --behaviour B           how the bots play, one of the game's behaviours (the arena: fight | wander | steady | idle;
                          default: the game's first); --behavior works too
  --latency MS            added one-way latency, 0 to 10,000 (default 0)
  --jitter MS             added jitter, +/- MS, 0 to 10,000 (default 0)
  --loss P                snapshot loss, a fraction (0.05) or a percentage (5%) (default 0)
  --light                 no prediction/interpolation (for very large counts): inputs, snapshot decode and acks only,
                          keeping only the entities the brain reads (GameBot.reads)
  --workers N|auto        spread the bots over N processes (auto: one per core); one merged summary (default 1)
  --naive                 the server is the naive baseline (sim/bench/naive/naive-server.ts: JSON full state)
  --seed N                seed of the bots' behaviour, a whole number (default 1)
  --max-failure-rate P    fraction of bots allowed to fail to connect or join (default 0.01)
  --json FILE             write the machine-readable results there
  -h, --help              this help
At most ${MAX_BOTS.toLocaleString('en-US')} bots in all.

Exit codes:
  ${EXIT.passed}  the run passed
  ${EXIT.failed}  the run failed: no bot could connect and join; more bots than --max-failure-rate could not;
     a bot lost its server (or its seat) and was not back by the end; snapshot decode errors or
     protocol violations (the summary says which). Also an unexpected error of the bots themselves.
  ${EXIT.usage}  bad command line (unknown option, value out of range): nothing was run
  ${EXIT.unreachable}  the server could not be reached (connection refused, unknown host, no answer): nothing was run
  130, 143  interrupted (SIGINT, SIGTERM)`;

const OPTIONS = {
  url: { type: 'string' },
  rooms: { type: 'string' },
  'bots-per-room': { type: 'string' },
  bots: { type: 'string' },
  ramp: { type: 'string' },
  duration: { type: 'string' },
  game: { type: 'string' },
  behaviour: { type: 'string' },
  latency: { type: 'string' },
  jitter: { type: 'string' },
  loss: { type: 'string' },
  light: { type: 'boolean' },
  naive: { type: 'boolean' },
  seed: { type: 'string' },
  'max-failure-rate': { type: 'string' },
  json: { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;
const NAMES = Object.keys(OPTIONS) as OptionName[];
/** Other spellings taken as the option they name. */
const ALIASES: Readonly<Record<string, OptionName>> = { behavior: 'behaviour' };

/** What to do: print the help, or run. */
export type BotsCommand = { readonly help: true } | BotsRun;

export interface BotsRun {
  readonly help: false;
  readonly load: LoadOptions;
  readonly workers: number;
  readonly maxFailureRate: number;
  readonly json: string | null;
  /** Where the command line was not taken literally (e.g. a scheme added to the URL): said once before the run. */
  readonly notes: readonly string[];
}

/** Reads the arguments after `npm run bots --`; throws a UsageError on anything it cannot take as given. */
export function parseBotsArgs(argv: readonly string[], cores: number): BotsCommand {
  const values = readOptions(argv);
  if (values.has('help')) return { help: true };
  const given = <T>(name: OptionName, read: (raw: string) => T, fallback: T): T => {
    const raw = values.get(name);
    return raw === undefined ? fallback : read(raw);
  };
  const num = <T>(name: OptionName, rule: NumberRule, fallback: T): number | T => given<number | T>(name, (raw) => numberOption(name, raw, rule), fallback);

  const rooms = num('rooms', { min: 1, max: 10_000, whole: true }, null);
  const botsPerRoom = num('bots-per-room', { min: 1, max: 1000, whole: true }, null);
  const bots = num('bots', { min: 1, max: MAX_BOTS, whole: true }, null);
  if (rooms !== null && bots !== null) {
    throw new UsageError('--bots (quick play) and --rooms (rooms created and filled) cannot go together: give one of them');
  }
  if (botsPerRoom !== null && rooms === null) {
    throw new UsageError('--bots-per-room needs --rooms (for bots placed by quick play, give their total with --bots)');
  }
  const total = rooms !== null ? rooms * (botsPerRoom ?? 16) : (bots ?? 16);
  if (total > MAX_BOTS) throw new UsageError(`--rooms ${rooms} x --bots-per-room ${botsPerRoom ?? 16} is ${total.toLocaleString('en-US')} bots: at most ${MAX_BOTS.toLocaleString('en-US')}`);

  const game = given('game', (raw) => {
    const found = toolGame(raw);
    if (!found) throw new UsageError(`--game must be one of ${TOOL_GAME_NAMES}, got "${raw}"`);
    return found;
  }, TOOL_GAMES[0]!);
  const behaviours = game.rules.botBehaviours ?? [];
  if (!game.rules.createBot) throw new UsageError(`the ${game.rules.name} game has no bots (its GameDefinition has no createBot)`);
  const behaviour = given('behaviour', (raw) => {
    if (!behaviours.includes(raw)) throw new UsageError(`--behaviour for ${game.rules.name} must be one of ${behaviours.join(', ')}, got "${raw}"`);
    return raw;
  }, behaviours[0] ?? 'default');
  const notes: string[] = [];
  const load: LoadOptions = {
    url: serverUrl(values.get('url') ?? 'http://127.0.0.1:3000', notes),
    rooms,
    botsPerRoom,
    bots,
    rampPerSec: num('ramp', { min: 0, max: 10_000, aboveMin: true, unit: 'bots per second' }, 50),
    durationSec: num('duration', { min: 0, max: MAX_DURATION_SEC, aboveMin: true, unit: 'seconds' }, 30),
    game: game.rules.name,
    behaviour,
    latencyMs: num('latency', { min: 0, max: MAX_DELAY_MS, unit: 'ms' }, 0),
    jitterMs: num('jitter', { min: 0, max: MAX_DELAY_MS, unit: 'ms' }, 0),
    loss: given('loss', (raw) => fractionOption('loss', raw), 0),
    light: values.has('light'),
    naive: values.has('naive'),
    seed: num('seed', { min: 0, max: 2 ** 32 - 1, whole: true }, 1),
  };
  const workers = given('workers', (raw) => (raw === 'auto' ? cores : numberOption('workers', raw, { min: 1, max: MAX_WORKERS, whole: true, orWord: 'auto' })), 1);
  const json = given('json', (raw) => {
    if (raw.trim() === '') throw new UsageError('--json needs a file name');
    return raw;
  }, null);
  const maxFailureRate = given('max-failure-rate', (raw) => fractionOption('max-failure-rate', raw), 0.01);
  return { help: false, load, workers, maxFailureRate, json, notes };
}

/**
 * The options given, by name (the last one wins when one is repeated; a boolean maps to ""). Unknown
 * options get a did-you-mean, and arguments that are not options are refused.
 */
function readOptions(argv: readonly string[]): Map<OptionName, string> {
  const args = argv.map((arg) => {
    const match = /^--([^=]+)(=.*)?$/.exec(arg);
    const alias = match ? ALIASES[match[1]!] : undefined;
    return alias ? `--${alias}${match![2] ?? ''}` : arg;
  });
  const terminator = args.indexOf('--');
  for (const arg of terminator < 0 ? args : args.slice(0, terminator)) {
    // "-rooms": a long option with one dash (parseArgs would read it as the short options -r -o -o -m -s).
    if (/^-[A-Za-z][A-Za-z-]+/.test(arg)) throw unknownOption(arg, arg.slice(1).split('=')[0]!);
  }
  const { tokens } = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<OptionName, string>();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      throw new UsageError(
        `unexpected argument "${token.value}": every option is --name value (see --help); ` +
          'with npm, options go after a lone --: npm run bots -- --rooms 2',
      );
    }
    if (!(token.name in OPTIONS)) throw unknownOption(token.rawName, token.name);
    const name = token.name as OptionName;
    if (OPTIONS[name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got "${token.value}"`);
      values.set(name, '');
    } else {
      // "--url --rooms 2": the value is missing (a negative number after a space is still a value).
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new UsageError(`${token.rawName} needs a value (see --help)`);
      }
      values.set(name, token.value);
    }
  }
  return values;
}

function unknownOption(raw: string, name: string): UsageError {
  const close = closestNames(name, NAMES);
  const hint = close.length > 0 ? `: did you mean ${close.map((n) => `--${n}`).join(' or ')}?` : '';
  return new UsageError(`unknown option ${raw.split('=')[0]}${hint} (--help lists every option)`);
}

/** The server's URL; one without a scheme gets http:// (and a note saying so). */
function serverUrl(raw: string, notes: string[]): string {
  let text = raw.trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    if (/^:?\d+$/.test(text)) throw new UsageError(`--url "${raw}" is a port, not a URL: give e.g. http://127.0.0.1:${text.replace(':', '')}`);
    text = `http://${text}`;
    notes.push(`--url ${raw} has no scheme: using ${text}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must start with http:// or https:// (socket.io connects over HTTP first), got "${raw}"`);
  }
  return text;
}
