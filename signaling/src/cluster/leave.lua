-- KEYS[1] room; ARGV[1] seat, ARGV[2] lease (ms)
-- Answers { 'none' } (the seat holds no slot: it was taken over, or expired) |
--         { 'left', token, peer seat or '' }
local room, seat, lease = KEYS[1], ARGV[1], tonumber(ARGV[2])
local occupants = live(room, now_ms())
for i, o in ipairs(occupants) do
  if o.s == seat then
    table.remove(occupants, i)
    save(room, occupants, lease)
    return { 'left', o.t, peer_of(occupants, seat) }
  end
end
save(room, occupants, lease)
return { 'none' }
