// Handshake authentication. The verifier is pluggable (a game with accounts checks its own tokens); the
// default hands out guest identities with a sanitized display name.

import { PROTOCOL_VERSION, type ErrorBody, type HandshakeAuth } from '../shared/protocol.js';
import { ValidationError, sanitizeName, validateHandshake } from '../shared/protocol-validate.js';

export interface Identity {
  /** Stable per account for real verifiers; per connection for guests. */
  readonly userId: string;
  readonly name: string;
}

export type AuthVerifier = (auth: HandshakeAuth) => Promise<Identity | ErrorBody> | Identity | ErrorBody;

let guestCounter = 0;

export const guestVerifier: AuthVerifier = (auth) => {
  guestCounter = (guestCounter + 1) % 1_000_000;
  const name = sanitizeName(auth.name) ?? `Guest${String(guestCounter).padStart(4, '0')}`;
  return { userId: `guest-${guestCounter}-${Date.now().toString(36)}`, name };
};

/** Validates the raw handshake, checks the protocol version, then asks the verifier. */
export async function authenticate(raw: unknown, verifier: AuthVerifier): Promise<Identity | ErrorBody> {
  const auth = validateHandshake(raw);
  if (auth instanceof ValidationError) return { code: 'BAD_REQUEST', message: auth.message };
  if (auth.protocol !== PROTOCOL_VERSION) {
    return {
      code: 'PROTOCOL_MISMATCH',
      message: `client speaks protocol ${auth.protocol}, server speaks ${PROTOCOL_VERSION}: reload the client`,
    };
  }
  return verifier(auth);
}

export function isErrorBody(value: Identity | ErrorBody): value is ErrorBody {
  return 'code' in value;
}
