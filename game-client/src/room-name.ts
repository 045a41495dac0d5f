// Room names people can read and say: a private room is its join code; a public room gets two words from
// a fixed list, picked by a hash of its id (the same on every page and every visit), e.g. "Amber Falcon".
// Raw ids (random base64url, "vN8___Wz") are never shown.

const ADJECTIVES = [
  'Amber', 'Arctic', 'Brave', 'Bright', 'Cobalt', 'Copper', 'Crimson', 'Dusty', 'Electric', 'Emerald', 'Fierce', 'Frosty',
  'Golden', 'Grand', 'Hidden', 'Iron', 'Jade', 'Lucky', 'Lunar', 'Mighty', 'Misty', 'Neon', 'Noble', 'Orange',
  'Quiet', 'Rapid', 'Rusty', 'Silent', 'Silver', 'Solar', 'Stormy', 'Swift', 'Tiny', 'Velvet', 'Wild', 'Windy',
] as const;

const NOUNS = [
  'Badger', 'Beacon', 'Canyon', 'Comet', 'Coyote', 'Dragon', 'Falcon', 'Forest', 'Fox', 'Geyser', 'Glacier', 'Harbor',
  'Hawk', 'Island', 'Jaguar', 'Lagoon', 'Lynx', 'Meadow', 'Meteor', 'Otter', 'Panda', 'Panther', 'Pirate', 'Quasar',
  'Raven', 'Reef', 'Rocket', 'Summit', 'Tiger', 'Tornado', 'Valley', 'Viper', 'Walrus', 'Wolf', 'Yak', 'Zebra',
] as const;

/** FNV-1a, 32 bits: a stable spread of any string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Two words for a room id, the same wherever it is computed. */
export function roomWords(roomId: string): string {
  const h = hash(roomId);
  return `${ADJECTIVES[h % ADJECTIVES.length]} ${NOUNS[Math.floor(h / ADJECTIVES.length) % NOUNS.length]}`;
}

/** How a room is named in the HUD, the lobby and chat: its code when private, else its two words. */
export function roomName(room: { readonly roomId: string; readonly code?: string | null }): string {
  return room.code ? `code ${room.code}` : roomWords(room.roomId);
}
