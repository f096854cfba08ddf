-- Shared by every room script (prepended at compile time: Redis scripts cannot import).
--
-- A room is one string key holding a JSON array of at most two occupants:
--   { s = seat ("<replica>-<session>"), t = resume token, r = "polite" | "impolite",
--     e = lease expiry, in ms on Redis's own clock }
-- Every key a script touches is one of its KEYS, all in the room's hash slot, so that the
-- scripts run on Redis Cluster too. A resume token's key (naming its room) lives in the
-- token's own slot: the service reads and writes it around the scripts (cluster/mod.rs).
-- The rules are those of `room.rs` (`Room::join`, `Room::leave`); the differential property
-- test in tests/it/cluster.rs runs both on the same random sequences.

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The occupants whose lease still runs (the others' token keys expire with the same lease).
local function live(room_key, now)
  local raw = redis.call('GET', room_key)
  local kept = {}
  if not raw then
    return kept
  end
  for _, o in ipairs(cjson.decode(raw)) do
    if o.e > now then
      table.insert(kept, o)
    end
  end
  return kept
end

local function save(room_key, occupants, lease)
  if #occupants == 0 then
    redis.call('DEL', room_key)
  else
    redis.call('SET', room_key, cjson.encode(occupants), 'PX', lease)
  end
end

local function other_role(role)
  if role == 'polite' then
    return 'impolite'
  end
  return 'polite'
end

local function peer_of(occupants, seat)
  for _, o in ipairs(occupants) do
    if o.s ~= seat then
      return o.s
    end
  end
  return ''
end
