-- Renews the leases of one replica's people in one room, and puts them back should Redis have
-- lost the room (a restart without persistence) while there is still room for them.
-- KEYS[1] room; ARGV[1] lease (ms), ARGV[2] token key prefix, ARGV[3] the room key as stored
-- in token keys, ARGV[4] the room's capacity (shared::ROOM_CAPACITY), then per person: seat,
-- token, role.
-- Answers per person, in order: status ('here' | 'restored' | 'replaced' | 'lost'), peer seat or ''.
local room, lease, prefix, room_name = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3]
local capacity = tonumber(ARGV[4])
local now = now_ms()
local occupants = live(room, prefix, now)
local statuses = {}
for i = 5, #ARGV, 3 do
  local seat, token, role = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local status = 'lost'
  for _, o in ipairs(occupants) do
    if o.s == seat then
      o.e = now + lease
      redis.call('SET', prefix .. o.t, room_name, 'PX', lease)
      status = 'here'
    elseif o.t == token then
      status = 'replaced'
    end
  end
  if status == 'lost' and #occupants < capacity and (#occupants == 0 or occupants[1].r ~= role) then
    table.insert(occupants, { s = seat, t = token, r = role, e = now + lease })
    redis.call('SET', prefix .. token, room_name, 'PX', lease)
    status = 'restored'
  end
  table.insert(statuses, { seat, status })
end
save(room, occupants, lease)
local answer = {}
for _, entry in ipairs(statuses) do
  table.insert(answer, entry[2])
  table.insert(answer, peer_of(occupants, entry[1]))
end
return answer
