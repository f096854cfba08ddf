-- KEYS[1] room, KEYS[2] the fresh token's key, KEYS[3] the resume token's key (or KEYS[2])
-- ARGV[1] seat, ARGV[2] fresh token, ARGV[3] resume token or '', ARGV[4] lease (ms),
-- ARGV[5] the room key as stored in token keys, ARGV[6] token key prefix, ARGV[7] the room's
-- capacity (shared::ROOM_CAPACITY)
-- Answers { 'full' } | { 'wrong_room' } | { 'admitted', role, token, peer seat or '', replaced seat or '' }
local room, seat, fresh, resume = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local lease, room_name, prefix, capacity = tonumber(ARGV[4]), ARGV[5], ARGV[6], tonumber(ARGV[7])
local now = now_ms()
local occupants = live(room, prefix, now)

if resume ~= '' then
  local owner = redis.call('GET', KEYS[3])
  if owner and owner ~= room_name then
    save(room, occupants, lease)
    return { 'wrong_room' }
  end
  for _, o in ipairs(occupants) do
    if o.t == resume then
      local replaced = o.s
      o.s = seat
      o.e = now + lease
      save(room, occupants, lease)
      redis.call('PEXPIRE', KEYS[3], lease)
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
redis.call('SET', KEYS[2], room_name, 'PX', lease)
return { 'admitted', role, fresh, peer_of(occupants, seat), '' }
