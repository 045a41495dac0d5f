// A bots worker process, forked by worker-pool.ts: receives its share of the bots over IPC, runs them in
// this process and sends back progress and its part of the results. It exits when the parent goes away
// (its IPC channel closes), so a killed parent never leaves bots playing.

import { runLoadPart } from './load-run.js';
import type { RunMessage, WorkerMessage } from './worker-messages.js';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

if (!process.send) {
  console.error('load-worker.ts is started by `npm run bots -- --workers N`, not on its own');
  process.exit(2);
}

process.on('disconnect', () => process.exit(1));
process.once('message', (message: RunMessage) => {
  runLoadPart(message.options, message.slots, message.rampPerSec, (progress) => void send({ kind: 'progress', progress }))
    .then((part) => send({ kind: 'done', part }))
    .catch((err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) }))
    .finally(() => {
      process.removeAllListeners('disconnect');
      process.disconnect();
      process.exit(0);
    });
});
