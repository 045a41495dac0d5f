// How a bots process is started, in one place: `npm run bots` (package.json repeats the flags), the
// benchmarks and the tests that run the bots CLI as a process.

/**
 * Node flags of a bots process. A bot allocates a little per message (decoded packets, mirror states,
 * inputs) and a thousand of them fill V8's default young generation many times a second: each scavenge
 * then costs the bots' live states again. 64 MB semi-spaces make scavenges rare: GC fell from 12 % to
 * 3.6 % of a bots process; with 768 light wander bots on one core, 28.3-29.5 of 30 inputs/s per bot at
 * 90-94 % CPU, against 23.4-28.3 at 96-99 % with the default (bench-results/PROFILE.md). It costs up to
 * ~130 MB more resident memory on the machine generating the load, never on the server.
 */
export const BOTS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** The command (node and its arguments, from the repository's root) that runs the bots CLI with `args`. */
export function botsCommand(args: readonly string[]): string[] {
  return [process.execPath, ...BOTS_NODE_FLAGS, '--import', 'tsx', 'sim/bots/cli.ts', ...args];
}
