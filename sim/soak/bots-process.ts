// The bots of a soak run, in their own process (spawned by soak-run.ts with an IPC channel): keeps the
// driver's sampling on time when the bots saturate their core, and lets the driver measure the bots'
// CPU apart. Argument: the PopulationOptions as JSON. Sends BotsMessage (counters every second,
// "ramped" once the population is up), stops on a "stop" message or when the driver goes away.

import { ChurnPopulation, type ChurnCounters, type PopulationOptions } from './churn-population.js';

export type BotsMessage =
  | { readonly type: 'counters'; readonly counters: ChurnCounters }
  | { readonly type: 'ramped'; readonly counters: ChurnCounters }
  | { readonly type: 'stopped'; readonly counters: ChurnCounters };
export type DriverMessage = { readonly type: 'stop' };

function send(message: BotsMessage): void {
  process.send?.(message);
}

function main(): void {
  if (!process.send) throw new Error('bots-process.ts runs as a child of the soak driver (an IPC channel is needed)');
  const options = JSON.parse(process.argv[2] ?? '') as PopulationOptions;
  const population = new ChurnPopulation(options);
  const reporter = setInterval(() => send({ type: 'counters', counters: population.counters() }), 1000);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(reporter);
    population.stop();
    // Let the disconnects go out, then report (once the message is written) and leave.
    setTimeout(() => {
      const message: BotsMessage = { type: 'stopped', counters: population.counters() };
      if (process.connected) process.send!(message, () => process.exit(0));
      else process.exit(0);
    }, 500);
  };
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  // Ctrl-C reaches the whole process group: the driver decides when the bots stop (it reports first).
  process.on('SIGINT', () => {});
  population.ramp().then(
    () => {
      if (stopping) return;
      send({ type: 'ramped', counters: population.counters() });
      population.startChurn();
    },
    (err: unknown) => {
      process.stderr.write(`soak bots: ramp failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}

main();
