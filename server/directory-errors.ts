// The room directory's refusals as the protocol's errors, with messages a player can act on.

import type { ErrorBody } from '../shared/protocol.js';
import type { DirectoryError } from './cluster/room-directory.js';

export function directoryErrorBody(error: DirectoryError): ErrorBody {
  switch (error.code) {
    case 'ROOM_NOT_FOUND':
    case 'ROOM_FULL':
    case 'SERVER_FULL':
    case 'BAD_REQUEST':
      return { code: error.code, message: error.message };
    case 'TICKET_INVALID':
    case 'TICKET_WRONG_NODE':
      return { code: 'BAD_TICKET', message: `seat ticket refused (${error.message}); matchmake again` };
    case 'NODE_FENCED':
      return { code: 'DIRECTORY_UNAVAILABLE', message: 'this server lost contact with the room directory and is rejoining it; try again in a few seconds' };
    case 'DIRECTORY_UNAVAILABLE':
      return { code: 'DIRECTORY_UNAVAILABLE', message: 'matchmaking is unavailable for a moment (the room directory cannot be reached); running matches are not affected; try again in a few seconds' };
    case 'CODE_TAKEN':
    case 'ROOM_ID_TAKEN':
      // The directory retries these itself; one that still comes out is a run of bad luck.
      return { code: 'INTERNAL', message: 'could not pick a free room id; try again' };
  }
}
