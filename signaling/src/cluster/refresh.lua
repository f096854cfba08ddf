-- Renews the leases of one replica's people in one room, and puts them back should Redis have
-- lost the room (a restart without persistence) while there is still room for them.
-- KEYS[1] room, KEYS[2] the room's departures (leave.lua); ARGV[1] lease (ms), ARGV[2] the
-- room's capacity (shared::ROOM_CAPACITY), then per person: seat, token, role, and the peer's
-- seat as the replica last heard it, or ''. (The service renews the token keys of those here
-- or restored.)
-- Answers per person, in order: status ('here' | 'restored' | 'replaced' | 'lost'), peer seat
-- or '', and, when the peer last heard of is gone and left cleanly, why they left, else ''.
local room, departures, lease, capacity = KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local occupants = live(room, now)
local statuses = {}
for i = 3, #ARGV, 4 do
  local seat, token, role, heard = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local status = 'lost'
  for _, o in ipairs(occupants) do
    if o.s == seat then
      o.e = now + lease
      status = 'here'
    elseif o.t == token then
      status = 'replaced'
    end
  end
  if status == 'lost' and #occupants < capacity and (#occupants == 0 or occupants[1].r ~= role) then
    table.insert(occupants, { s = seat, t = token, r = role, e = now + lease })
    status = 'restored'
  end
  table.insert(statuses, { seat, status, heard })
end
save(room, occupants, lease)
local answer = {}
for _, entry in ipairs(statuses) do
  local peer = peer_of(occupants, entry[1])
  local why = ''
  if entry[3] ~= '' and entry[3] ~= peer then
    why = redis.call('HGET', departures, entry[3]) or ''
  end
  table.insert(answer, entry[2])
  table.insert(answer, peer)
  table.insert(answer, why)
end
return answer
