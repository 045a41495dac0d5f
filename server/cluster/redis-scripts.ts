// The directory's Lua scripts. Every operation is ONE script: Redis runs it atomically, so a placement sees
// and changes the directory with no other placement in between (no locks, no waits, no retries), and a
// new room is visible to every other caller at once. Time is Redis's own clock (TIME), one clock for
// every node. Keys (all under the configured prefix P; docs/SCALING.md has the table):
//
//   P node:<id>        string, the node's lease: its fencing epoch, with PX expiry (the lease TTL)
//   P nodeinfo:<id>    hash: url, games, maxRooms, maxPrivateRooms, rooms, privateRooms, players, draining,
//                      epoch, leaseTtl, registeredAt
//   P noderooms:<id>   set of the node's room ids
//   P leases           sorted set: node id -> lease deadline (ms); the reaper's and nodes()'s index
//   P epoch            counter: every registration takes the next value (never reused while Redis keeps data)
//   P load:<game>      sorted set: nodes that can take a new public room -> load (players * 2^20 + rooms)
//   P loadpriv:<game>  the same for private rooms (nodes below maxPrivateRooms)
//   P room:<id>        hash: node, game, private, code, players, maxPlayers, state (pending|live), createdAt
//   P held:<id>        sorted set: the room's reserved seats, ticket -> expiry (ms)
//   P expiries         sorted set: room id -> its earliest reservation expiry (cleanup queue)
//   P public:<game>    sorted set: public rooms on live, non-draining nodes -> free seats
//   P code:<code>      string: room id of a private room's join code
//   P ticket:<id>      string "roomId nodeId epoch" with PX expiry: a single-use seat ticket
//   P games            set of game names that have had rooms or nodes
//
// Scripts take no KEYS (the prefix is ARGV[1] and key names are built inside), so they need one
// standalone Redis (with replicas or Sentinel for failover), not Redis Cluster.
//
// The placement rules mirror placement-rules.ts (MemoryRoomDirectory); the contract tests check both.

import { LOAD_ROOMS_SCALE } from './placement-rules.js';

/** Candidates a placement reads from an index at a time (rooms for quick play, nodes for a new room). */
const PLACEMENT_CANDIDATES = 16;
/** Rounds of candidates a placement examines: stale candidates are dropped from the index as it goes. */
const ROUNDS = 4;
/** Rooms whose reservations expired that one script call settles (amortized cleanup). */
const EXPIRED_BATCH = 32;

const LIBRARY = `
local P = ARGV[1]
local SCALE = ${LOAD_ROOMS_SCALE}
local CANDIDATES = ${PLACEMENT_CANDIDATES}
local EXPIRED_BATCH = ${EXPIRED_BATCH}
local ROUNDS = ${ROUNDS}
local LEASES = P .. 'leases'
local EXPIRIES = P .. 'expiries'
local GAMES = P .. 'games'
local EPOCH = P .. 'epoch'

local function k_lease(n) return P .. 'node:' .. n end
local function k_info(n) return P .. 'nodeinfo:' .. n end
local function k_noderooms(n) return P .. 'noderooms:' .. n end
local function k_room(r) return P .. 'room:' .. r end
local function k_held(r) return P .. 'held:' .. r end
local function k_ticket(t) return P .. 'ticket:' .. t end
local function k_code(c) return P .. 'code:' .. c end
local function k_public(g) return P .. 'public:' .. g end
local function k_load(g) return P .. 'load:' .. g end
local function k_loadpriv(g) return P .. 'loadpriv:' .. g end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function split(s)
  local out = {}
  if s then for part in string.gmatch(s, '[^,]+') do out[#out + 1] = part end end
  return out
end

local function node_info(n)
  local v = redis.call('HMGET', k_info(n), 'url', 'games', 'maxRooms', 'maxPrivateRooms', 'rooms', 'privateRooms', 'players', 'draining')
  if not v[1] then return nil end
  return { id = n, url = v[1], games = split(v[2]), maxRooms = tonumber(v[3]), maxPrivateRooms = tonumber(v[4]),
    rooms = tonumber(v[5]), privateRooms = tonumber(v[6]), players = tonumber(v[7]), draining = v[8] == '1' }
end

-- placement-rules.ts canTakeNewRoom
local function can_take(info, private)
  if info.draining or info.rooms >= info.maxRooms then return false end
  return (not private) or info.privateRooms < info.maxPrivateRooms
end

-- Puts the node in (or out of) the load indexes of its games, scored by placement-rules.ts nodeLoadScore.
local function refresh_load(n)
  local info = node_info(n)
  if not info then return end
  local score = math.max(0, info.players) * SCALE + math.max(0, info.rooms)
  for _, g in ipairs(info.games) do
    if can_take(info, false) then redis.call('ZADD', k_load(g), score, n) else redis.call('ZREM', k_load(g), n) end
    if can_take(info, true) then redis.call('ZADD', k_loadpriv(g), score, n) else redis.call('ZREM', k_loadpriv(g), n) end
  end
end

local function room_info(r)
  local v = redis.call('HMGET', k_room(r), 'node', 'game', 'private', 'code', 'players', 'maxPlayers', 'state')
  if not v[1] then return nil end
  return { id = r, node = v[1], game = v[2], private = v[3] == '1', code = v[4] or '', players = tonumber(v[5]),
    maxPlayers = tonumber(v[6]), state = v[7] }
end

-- Live reservations of a room (expired ones are dropped first).
local function reserved(r, now)
  redis.call('ZREMRANGEBYSCORE', k_held(r), '-inf', now)
  return redis.call('ZCARD', k_held(r))
end

-- placement-rules.ts freeSeats
local function free_seats(room, now)
  return math.max(0, room.maxPlayers - room.players - reserved(room.id, now))
end

-- The node's lease epoch (a string), or false when its lease is gone.
local function lease_of(n) return redis.call('GET', k_lease(n)) end

local function is_draining(n) return redis.call('HGET', k_info(n), 'draining') == '1' end

-- A public room is in its game's index (scored by free seats) while its node is live and not draining.
local function index_room(room, free, listed)
  if room.private then return end
  if listed then redis.call('ZADD', k_public(room.game), free, room.id) else redis.call('ZREM', k_public(room.game), room.id) end
end

-- Removes a room and everything that points to it; the caller refreshes the node's load afterwards.
local function delete_room(room)
  redis.call('DEL', k_room(room.id), k_held(room.id))
  redis.call('ZREM', EXPIRIES, room.id)
  if not room.private then redis.call('ZREM', k_public(room.game), room.id) end
  if room.code ~= '' and redis.call('GET', k_code(room.code)) == room.id then redis.call('DEL', k_code(room.code)) end
  redis.call('SREM', k_noderooms(room.node), room.id)
  if redis.call('EXISTS', k_info(room.node)) == 1 then
    redis.call('HINCRBY', k_info(room.node), 'rooms', -1)
    if room.private then redis.call('HINCRBY', k_info(room.node), 'privateRooms', -1) end
    if room.players ~= 0 then redis.call('HINCRBY', k_info(room.node), 'players', -room.players) end
  end
end

-- Settles rooms whose earliest reservation has expired: frees the seats in the index, and deletes rooms
-- that were placed but never born (no owner report) once their last reservation is gone.
local function settle_expired(now)
  local ids = redis.call('ZRANGEBYSCORE', EXPIRIES, '-inf', now, 'LIMIT', 0, EXPIRED_BATCH)
  for _, id in ipairs(ids) do
    redis.call('ZREMRANGEBYSCORE', k_held(id), '-inf', now)
    local nxt = redis.call('ZRANGE', k_held(id), 0, 0, 'WITHSCORES')
    if nxt[1] then redis.call('ZADD', EXPIRIES, nxt[2], id) else redis.call('ZREM', EXPIRIES, id) end
    local room = room_info(id)
    if room then
      if room.state == 'pending' and not nxt[1] then
        delete_room(room)
        refresh_load(room.node)
      else
        index_room(room, free_seats(room, now), lease_of(room.node) and not is_draining(room.node))
      end
    end
  end
end

-- Reserves one seat: a ticket naming room, node and the node's epoch, and the seat held until it expires.
local function reserve(room, epoch, ticket, ttl, now)
  local exp = now + ttl
  redis.call('SET', k_ticket(ticket), room.id .. ' ' .. room.node .. ' ' .. epoch, 'PX', ttl)
  redis.call('ZADD', k_held(room.id), exp, ticket)
  redis.call('ZADD', EXPIRIES, 'LT', exp, room.id)
  return exp
end

local function placement(room, ticket, exp, created)
  return { 'OK', room.id, room.game, room.node, redis.call('HGET', k_info(room.node), 'url'), ticket,
    string.format('%d', exp), room.private and '1' or '0', room.code, tostring(room.maxPlayers), created }
end

-- placement-rules.ts compareForQuickPlay: the public room with the fewest free seats (at least one) on a
-- live, non-draining node. Stale entries met on the way are dropped or rescored.
local function find_seat(game, now)
  local index = k_public(game)
  for _ = 1, ROUNDS do
    local ids = redis.call('ZRANGEBYSCORE', index, 1, '+inf', 'LIMIT', 0, CANDIDATES)
    if #ids == 0 then return nil end
    for _, id in ipairs(ids) do
      local room = room_info(id)
      local epoch = room and lease_of(room.node)
      if not epoch or is_draining(room.node) then
        redis.call('ZREM', index, id)
      else
        local free = free_seats(room, now)
        if free > 0 then return room, epoch, free end
        index_room(room, 0, true)
      end
    end
  end
  return nil
end

-- placement-rules.ts compareForNewRoom: the least-loaded live node that can take the room.
local function pick_node(game, private)
  local index = private and k_loadpriv(game) or k_load(game)
  for _ = 1, ROUNDS do
    local ids = redis.call('ZRANGE', index, 0, CANDIDATES - 1)
    if #ids == 0 then return nil end
    for _, n in ipairs(ids) do
      local epoch = lease_of(n)
      local info = epoch and node_info(n)
      if info and can_take(info, private) then return info, epoch end
      redis.call('ZREM', index, n) -- dead or full: refresh_load puts it back when it can take rooms again
    end
  end
  return nil
end

-- A new room on the least-loaded node, with the creator's seat reserved.
local function open_room(game, private, code, maxPlayers, roomId, ticket, ttl, now)
  local info, epoch = pick_node(game, private)
  if not info then
    return { 'SERVER_FULL', 'no live node can take a new ' .. (private and 'private' or 'public') .. ' room of ' .. game .. '; try again later' }
  end
  if redis.call('EXISTS', k_room(roomId)) == 1 then return { 'ROOM_ID_TAKEN', 'room id ' .. roomId .. ' exists' } end
  if private and not redis.call('SET', k_code(code), roomId, 'NX') then return { 'CODE_TAKEN', 'join code ' .. code .. ' is taken' } end
  redis.call('HSET', k_room(roomId), 'node', info.id, 'game', game, 'private', private and '1' or '0', 'code', code,
    'players', 0, 'maxPlayers', maxPlayers, 'state', 'pending', 'createdAt', now)
  redis.call('SADD', k_noderooms(info.id), roomId)
  redis.call('HINCRBY', k_info(info.id), 'rooms', 1)
  if private then redis.call('HINCRBY', k_info(info.id), 'privateRooms', 1) end
  redis.call('SADD', GAMES, game)
  refresh_load(info.id)
  local room = { id = roomId, node = info.id, game = game, private = private, code = code, players = 0, maxPlayers = maxPlayers, state = 'pending' }
  local exp = reserve(room, epoch, ticket, ttl, now)
  index_room(room, maxPlayers - 1, true)
  return placement(room, ticket, exp, '1')
end

-- A seat in a given room (join by code or id): any live node, draining or not.
local function join_room(room, ticket, ttl, now, what)
  local epoch = room and lease_of(room.node)
  if not epoch then return { 'ROOM_NOT_FOUND', 'no room with ' .. what } end
  local free = free_seats(room, now)
  if free == 0 then
    return { 'ROOM_FULL', 'room is full (' .. (room.maxPlayers - free) .. '/' .. room.maxPlayers .. ' seats taken or reserved)' }
  end
  local exp = reserve(room, epoch, ticket, ttl, now)
  index_room(room, free - 1, not is_draining(room.node))
  return placement(room, ticket, exp, '0')
end

-- Writes a room the owner reports that the directory does not have (republish). Returns a conflict kind
-- ('room-id' when the id belongs to another node's room, 'code' when its code now names another room).
local function publish_room(n, id, game, private, code, players, maxPlayers, now)
  local existing = redis.call('HGET', k_room(id), 'node')
  if existing and existing ~= n then return 'room-id' end
  redis.call('HSET', k_room(id), 'node', n, 'game', game, 'private', private and '1' or '0', 'code', code,
    'players', players, 'maxPlayers', maxPlayers, 'state', 'live', 'createdAt', now)
  redis.call('SADD', k_noderooms(n), id)
  redis.call('HINCRBY', k_info(n), 'rooms', 1)
  if private then redis.call('HINCRBY', k_info(n), 'privateRooms', 1) end
  if players ~= 0 then redis.call('HINCRBY', k_info(n), 'players', players) end
  redis.call('SADD', GAMES, game)
  if code ~= '' and not redis.call('SET', k_code(code), id, 'NX') and redis.call('GET', k_code(code)) ~= id then return 'code' end
  return nil
end

-- Removes a node and all its rooms (the reaper, a graceful stop, and a re-registration's clean slate).
local function clear_node(n)
  for _, id in ipairs(redis.call('SMEMBERS', k_noderooms(n))) do
    local room = room_info(id)
    if room then delete_room(room) end
  end
  redis.call('DEL', k_noderooms(n))
  local info = node_info(n)
  if info then
    for _, g in ipairs(info.games) do
      redis.call('ZREM', k_load(g), n)
      redis.call('ZREM', k_loadpriv(g), n)
    end
  end
  redis.call('DEL', k_info(n))
  redis.call('ZREM', LEASES, n)
end

-- Draining takes the node's public rooms out of quick play and the list; undraining puts them back.
local function apply_draining(n, draining, now)
  redis.call('HSET', k_info(n), 'draining', draining and '1' or '0')
  for _, id in ipairs(redis.call('SMEMBERS', k_noderooms(n))) do
    local room = room_info(id)
    if room then index_room(room, free_seats(room, now), not draining) end
  end
  refresh_load(n)
end
`;

/** A script's source with the shared library in front. */
function script(body: string): string {
  return `${LIBRARY}\n${body}`;
}

/**
 * ARGV: prefix, nodeId, url, games (comma-separated), maxRooms, maxPrivateRooms, draining (0|1), leaseTtlMs,
 * then the node's rooms: count, and per room roomId, game, private (0|1), code ('' if none), players, maxPlayers.
 * A new epoch, the lease, and a clean slate for the node: whatever the directory still had of it (rooms of a
 * void registration, never-born rooms, reservations under the old epoch) is replaced by the rooms the node
 * actually runs. Returns { epoch, conflicts... } with conflicts as pairs roomId, kind.
 */
export const REGISTER = script(`
local n, url, games, maxRooms, maxPrivateRooms, draining, ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7] == '1', tonumber(ARGV[8])
local now = now_ms()
local epoch = redis.call('INCR', EPOCH)
clear_node(n)
redis.call('SET', k_lease(n), epoch, 'PX', ttl)
redis.call('ZADD', LEASES, now + ttl, n)
redis.call('HSET', k_info(n), 'url', url, 'games', games, 'maxRooms', maxRooms, 'maxPrivateRooms', maxPrivateRooms,
  'rooms', 0, 'privateRooms', 0, 'players', 0, 'draining', draining and '1' or '0', 'epoch', epoch, 'leaseTtl', ttl,
  'registeredAt', now)
for _, g in ipairs(split(games)) do redis.call('SADD', GAMES, g) end
local reply = { epoch }
local count = tonumber(ARGV[9])
for i = 0, count - 1 do
  local b = 10 + i * 6
  local id, game, private, code, players, maxPlayers = ARGV[b], ARGV[b + 1], ARGV[b + 2] == '1', ARGV[b + 3], tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local conflict = publish_room(n, id, game, private, code, players, maxPlayers, now)
  if conflict then
    reply[#reply + 1] = id
    reply[#reply + 1] = conflict
  end
  if conflict ~= 'room-id' then
    index_room({ id = id, game = game, private = private }, math.max(0, maxPlayers - players), not draining)
  end
end
refresh_load(n)
return reply
`);

/**
 * ARGV: prefix, nodeId, epoch, leaseTtlMs, draining (0|1). Extends the lease if it is still this
 * registration's (returns 1), else returns 0: the node is fenced. Also carries the draining flag, so a
 * setDraining whose own call failed takes effect with the next beat.
 */
export const RENEW = script(`
local n, epoch, ttl, draining = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] == '1'
if lease_of(n) ~= epoch then return 0 end
local now = now_ms()
redis.call('SET', k_lease(n), epoch, 'PX', ttl)
redis.call('ZADD', LEASES, now + ttl, n)
if is_draining(n) ~= draining then apply_draining(n, draining, now) end
return 1
`);

/**
 * ARGV: prefix, max nodes. Removes nodes whose lease is gone (and their rooms, codes, reservations and
 * index entries), and settles expired reservations. Idempotent: every node runs it. Returns the reaped ids.
 */
export const REAP = script(`
local limit = tonumber(ARGV[2])
local now = now_ms()
settle_expired(now)
local reaped = {}
for _, n in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)) do
  local pttl = redis.call('PTTL', k_lease(n))
  if pttl > 0 then
    redis.call('ZADD', LEASES, now + pttl, n)
  else
    clear_node(n)
    reaped[#reaped + 1] = n
  end
end
return reaped
`);

/** ARGV: prefix, nodeId, epoch. A graceful stop: the node and its rooms leave now, not after the TTL. */
export const DEREGISTER = script(`
local n, epoch = ARGV[2], ARGV[3]
local lease = lease_of(n)
if lease and lease ~= epoch then return 0 end
clear_node(n)
redis.call('DEL', k_lease(n))
return 1
`);

/** ARGV: prefix, game, maxPlayers, newRoomId, ticket, ticketTtlMs, allowCreate (0|1). Returns a placement reply. */
export const QUICK_PLAY = script(`
local game, maxPlayers, roomId, ticket, ttl, allowCreate = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7] == '1'
local now = now_ms()
settle_expired(now)
local room, epoch, free = find_seat(game, now)
if room then
  local exp = reserve(room, epoch, ticket, ttl, now)
  index_room(room, free - 1, true)
  return placement(room, ticket, exp, '0')
end
if not allowCreate then return { 'ROOM_NOT_FOUND', 'no public room of ' .. game .. ' has a free seat' } end
return open_room(game, false, '', maxPlayers, roomId, ticket, ttl, now)
`);

/** ARGV: prefix, game, private (0|1), code ('' for public), maxPlayers, newRoomId, ticket, ticketTtlMs. */
export const CREATE_ROOM = script(`
local game, private, code, maxPlayers, roomId, ticket, ttl = ARGV[2], ARGV[3] == '1', ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], tonumber(ARGV[8])
local now = now_ms()
settle_expired(now)
return open_room(game, private, code, maxPlayers, roomId, ticket, ttl, now)
`);

/** ARGV: prefix, code, ticket, ticketTtlMs. */
export const JOIN_BY_CODE = script(`
local code, ticket, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
settle_expired(now)
local id = redis.call('GET', k_code(code))
return join_room(id and room_info(id), ticket, ttl, now, 'code ' .. code)
`);

/** ARGV: prefix, roomId, ticket, ticketTtlMs. */
export const JOIN_BY_ID = script(`
local id, ticket, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
settle_expired(now)
return join_room(room_info(id), ticket, ttl, now, 'id ' .. id)
`);

/**
 * ARGV: prefix, ticket, nodeId, epoch. Consumes the ticket (GET + DEL in one script: exactly one redeem
 * succeeds) if it is for this node, this node's lease is still this epoch's, and it was issued under this
 * epoch. A ticket for another node is left alone. Returns { OK, roomId, game, private, code, maxPlayers,
 * create } or { code, message }. The seat stays counted until the owner's report includes the player.
 */
export const REDEEM = script(`
local ticket, n, epoch = ARGV[2], ARGV[3], ARGV[4]
local value = redis.call('GET', k_ticket(ticket))
if not value then return { 'TICKET_INVALID', 'unknown, expired or already redeemed ticket' } end
local roomId, owner, issued = string.match(value, '^(%S+) (%S+) (%S+)$')
if owner ~= n then return { 'TICKET_WRONG_NODE', 'the ticket is for node ' .. owner } end
if lease_of(n) ~= epoch then return { 'NODE_FENCED', 'this node lost its lease; it registers again' } end
redis.call('DEL', k_ticket(ticket))
if issued ~= epoch then return { 'TICKET_INVALID', 'the ticket was issued before this node registered again' } end
local room = room_info(roomId)
if not room or room.node ~= n then return { 'ROOM_NOT_FOUND', 'room ' .. roomId .. ' is no longer in the directory' } end
return { 'OK', room.id, room.game, room.private and '1' or '0', room.code, tostring(room.maxPlayers), room.state == 'pending' and '1' or '0' }
`);

/**
 * ARGV: prefix, nodeId, epoch, then updates: count, per update roomId, game, private, code, players,
 * maxPlayers, settled count, settled tickets...; then removals: count, roomIds. Refused (NODE_FENCED) unless
 * the lease is this epoch's. Returns { OK, conflicts as pairs roomId, kind }.
 */
export const REPORT = script(`
local n, epoch = ARGV[2], ARGV[3]
if lease_of(n) ~= epoch then return { 'NODE_FENCED' } end
local now = now_ms()
local listed = not is_draining(n)
local reply = { 'OK' }
local i = 4
local updates = tonumber(ARGV[i])
i = i + 1
for _ = 1, updates do
  local id, game, private, code, players, maxPlayers = ARGV[i], ARGV[i + 1], ARGV[i + 2] == '1', ARGV[i + 3], tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
  local settled = tonumber(ARGV[i + 6])
  for s = 1, settled do redis.call('ZREM', k_held(id), ARGV[i + 6 + s]) end
  i = i + 7 + settled
  local room = room_info(id)
  local conflict = nil
  if not room then
    conflict = publish_room(n, id, game, private, code, players, maxPlayers, now)
  elseif room.node ~= n then
    conflict = 'room-id'
  else
    if players ~= room.players then redis.call('HINCRBY', k_info(n), 'players', players - room.players) end
    redis.call('HSET', k_room(id), 'players', players, 'maxPlayers', maxPlayers, 'state', 'live')
  end
  if conflict then
    reply[#reply + 1] = id
    reply[#reply + 1] = conflict
  end
  if conflict ~= 'room-id' then
    local current = { id = id, game = game, private = private, players = players, maxPlayers = maxPlayers }
    index_room(current, free_seats(current, now), listed)
  end
end
local removals = tonumber(ARGV[i])
for r = 1, removals do
  local room = room_info(ARGV[i + r])
  if room and room.node == n then delete_room(room) end
end
refresh_load(n)
return reply
`);

/**
 * ARGV: prefix, game ('' for every game), limit. Public rooms on live, non-draining nodes, fullest first:
 * rows of roomId, game, players, reserved, maxPlayers, nodeId, url. Bounded by limit (never a whole-keyspace
 * read). Settles expired reservations first, so rooms nobody came to are not listed.
 */
export const PUBLIC_ROOMS = script(`
local only, limit = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
settle_expired(now)
local games = only ~= '' and { only } or redis.call('SMEMBERS', GAMES)
local nodes = {}
local rows = {}
for _, g in ipairs(games) do
  local offset = 0
  while #rows < limit and offset < 4 * limit do
    -- members with their scores (free seats, exact after settle_expired): reserved = max - players - free
    local page = redis.call('ZRANGE', k_public(g), offset, offset + limit - #rows - 1, 'WITHSCORES')
    if #page == 0 then break end
    offset = offset + #page / 2
    for j = 1, #page, 2 do
      local room = room_info(page[j])
      if room then
        local node = nodes[room.node]
        if node == nil then
          node = (lease_of(room.node) and not is_draining(room.node)) and redis.call('HGET', k_info(room.node), 'url') or false
          nodes[room.node] = node
        end
        if node then
          local reserved = math.max(0, room.maxPlayers - room.players - tonumber(page[j + 1]))
          rows[#rows + 1] = { room.id, room.game, tostring(room.players), tostring(reserved), tostring(room.maxPlayers), room.node, node }
        end
      end
    end
  end
  if #rows >= limit then break end
end
return rows
`);

/** ARGV: prefix, limit. Live nodes: rows of nodeId, url, games, rooms, players, maxRooms, draining, leaseAgeMs. */
export const NODES = script(`
local limit = tonumber(ARGV[2])
local rows = {}
for _, n in ipairs(redis.call('ZRANGE', LEASES, 0, limit - 1)) do
  local pttl = redis.call('PTTL', k_lease(n))
  local v = redis.call('HMGET', k_info(n), 'url', 'games', 'rooms', 'players', 'maxRooms', 'draining', 'leaseTtl')
  if pttl > 0 and v[1] then
    rows[#rows + 1] = { n, v[1], v[2], v[3], v[4], v[5], v[6], tostring(math.max(0, tonumber(v[7]) - pttl)) }
  end
end
return rows
`);

/** ARGV: prefix, roomIds... For each id in order: { roomId, nodeId, url } when the room is on a node holding its lease, else false. */
export const LOCATE = script(`
local rows = {}
for i = 2, #ARGV do
  local n = redis.call('HGET', k_room(ARGV[i]), 'node')
  local url = n and lease_of(n) and redis.call('HGET', k_info(n), 'url')
  rows[#rows + 1] = url and { ARGV[i], n, url } or false
end
return rows
`);

export const SCRIPTS = {
  register: REGISTER,
  renew: RENEW,
  reap: REAP,
  deregister: DEREGISTER,
  quickPlay: QUICK_PLAY,
  createRoom: CREATE_ROOM,
  joinByCode: JOIN_BY_CODE,
  joinById: JOIN_BY_ID,
  redeem: REDEEM,
  report: REPORT,
  publicRooms: PUBLIC_ROOMS,
  nodes: NODES,
  locate: LOCATE,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
