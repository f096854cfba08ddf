-- KEYS[1] room, KEYS[2] the room's departures; ARGV[1] seat, ARGV[2] lease (ms),
-- ARGV[3] why they leave ('hung_up' | 'connection_lost')
-- Records the departure (seat -> why) for a lease: the other person's replica may renew and
-- find the seat gone before this replica's word reaches it over the bus, and then tells its
-- person the reason recorded here, not a lost connection.
-- Answers { 'none' } (the seat holds no slot: it was taken over, or expired) |
--         { 'left', token, peer seat or '' }
local room, departures, seat, lease, why = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3]
local occupants = live(room, now_ms())
for i, o in ipairs(occupants) do
  if o.s == seat then
    table.remove(occupants, i)
    save(room, occupants, lease)
    redis.call('HSET', departures, seat, why)
    redis.call('PEXPIRE', departures, lease)
    return { 'left', o.t, peer_of(occupants, seat) }
  end
end
save(room, occupants, lease)
return { 'none' }
