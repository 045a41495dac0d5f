// `npm run replay -- <command>`: inspect, verify and export match recordings.
//
//   info FILE [--json]                          header, duration, players, events summary, status
//   verify FILE [--json] [--quiet] [--progress] re-simulate from the inputs; compare events, checkpoints,
//                                               keyframes and the final hash
//   export FILE --format json [--ticks 100,end] [--at 1:30] [--out OUT]
//                                               events (default), or the world state at chosen ticks
//
// Exit codes: 0 ok, 1 diverged, 2 bad input (usage, unreadable, not a recording, other version, damaged),
// 3 truncated (consistent up to where the file was cut off).

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, UsageError, exportJson, info, verify, type Output } from './commands.js';

const USAGE = `usage: npm run replay -- <command> FILE [options]

commands:
  info FILE [--json]                    header, duration, players, events summary, status
  verify FILE [--json] [--quiet]        re-simulate the match from its inputs and compare every tick's
                                        events, the state checkpoints, keyframes and the final hash
  export FILE --format json [--ticks T1,T2|end] [--at M:SS,...] [--out OUT]
                                        the events (default), or the world state at the chosen ticks

options:
  --progress   draw the progress bar even when stderr is not a terminal
  --quiet      no progress bar

exit codes: 0 ok, 1 the re-simulation diverges, 2 bad input (usage, unreadable, not a recording,
            unsupported format version, damaged record), 3 truncated but consistent
`;

export async function main(argv: readonly string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        format: { type: 'string' },
        ticks: { type: 'string' },
        at: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (!command || !['info', 'verify', 'export'].includes(command)) {
    io.err(`${command ? `error: unknown command "${command}"\n\n` : ''}${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  if (!file || extra.length > 0) {
    io.err(`error: ${command} takes exactly one FILE\n\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  const sink: Output = values.progress ? { ...io, progress: true } : io;
  let buffered = '';
  const target: Output = values.out ? { ...sink, out: (text) => void (buffered += text) } : sink;
  try {
    let code: number;
    if (command === 'info') code = await info(file, { json: values.json }, target);
    else if (command === 'verify') code = await verify(file, { json: values.json, quiet: values.quiet }, target);
    else code = await exportJson(file, { format: values.format, ticks: values.ticks, at: values.at }, target);
    if (values.out) {
      writeFileSync(values.out, buffered);
      io.err(`wrote ${values.out}\n`);
    }
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

const isEntry = process.argv[1] !== undefined && /[\\/]sim[\\/]replay[\\/]cli\.ts$/.test(process.argv[1]);
if (isEntry) {
  // Output piped into `head` and the like: stop quietly when the reader goes away.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    progress: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
