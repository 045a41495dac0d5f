// The directory's event emitter: listeners use on/once/next (shared/util/emitter.ts); the directory fires.

import { Emitter } from '../../shared/util/emitter.js';
import type { DirectoryEvents } from './room-directory.js';

export class DirectoryEventEmitter extends Emitter<DirectoryEvents> {
  fire<K extends keyof DirectoryEvents>(event: K, value: DirectoryEvents[K]): void {
    this.emit(event, value);
  }
}
