// How a bots process is started, in one place: `npm run bots` (package.json repeats the flags), the
// benchmarks and the tests that run the bots CLI as a process.

/**
 * Node flags of a bots process. A bot allocates a little per message (decoded packets, mirror states,
 * inputs) and a thousand of them fill V8's default young generation many times a second: each scavenge
 * then costs the bots' live states again. 64 MB semi-spaces make scavenges rare: measured with 768 light
 * wander bots on one core, the process kept up (29.4-29.5 of 30 inputs/s per bot, 90-92 % CPU) where it
 * fell behind with the default (23.4-25.4 inputs/s, 97-99 %). It costs up to ~130 MB more resident memory
 * on the machine generating the load, never on the server.
 */
export const BOTS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** The command (node and its arguments, from the repository's root) that runs the bots CLI with `args`. */
export function botsCommand(args: readonly string[]): string[] {
  return [process.execPath, ...BOTS_NODE_FLAGS, '--import', 'tsx', 'sim/bots/cli.ts', ...args];
}
