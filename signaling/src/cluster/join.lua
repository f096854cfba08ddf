-- KEYS[1] room
-- ARGV[1] seat, ARGV[2] fresh token, ARGV[3] resume token or '', ARGV[4] lease (ms),
-- ARGV[5] the room's capacity (shared::ROOM_CAPACITY)
-- A resume token of another room never reaches here: the service checks the token's key first.
-- Answers { 'full' } | { 'admitted', role, token, peer seat or '', replaced seat or '' }
local room, seat, fresh, resume = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local lease, capacity = tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
local occupants = live(room, now)

if resume ~= '' then
  for _, o in ipairs(occupants) do
    if o.t == resume then
      local replaced = o.s
      o.s = seat
      o.e = now + lease
      save(room, occupants, lease)
      if replaced == seat then
        replaced = ''
      end
      return { 'admitted', o.r, o.t, peer_of(occupants, seat), replaced }
    end
  end
end

if #occupants >= capacity then
  save(room, occupants, lease)
  return { 'full' }
end
local role = 'impolite'
if #occupants == 1 then
  role = other_role(occupants[1].r)
end
table.insert(occupants, { s = seat, t = fresh, r = role, e = now + lease })
save(room, occupants, lease)
return { 'admitted', role, fresh, peer_of(occupants, seat), '' }
