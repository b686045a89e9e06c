-- wrk script for the soak run: 90 % POST /api/v1/verify (bodies from $BODIES), 8 % POST /api/v1/licences
-- (an authority's issue, body in $ISSUE, key in $KEY), 2 % POST /api/v1/licences/{id}/revoke (identifiers
-- from $REVOKE; each wrk thread revokes its own slice, each licence once). $DELAY_MS paces each connection.
local bodies, ids = {}, {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
for line in io.lines(os.getenv("REVOKE")) do ids[#ids + 1] = line end
local issue = io.open(os.getenv("ISSUE")):read("*a")
local key = os.getenv("KEY")
local pause = tonumber(os.getenv("DELAY_MS") or "0")
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local i, r, r_end = 0, 0, 0
function init(args)
  math.randomseed(os.time() + (id or 0))
  i = math.random(#bodies)
  local share = math.floor(#ids / 2)
  r = (id or 0) * share
  r_end = r + share
end
local json = { ["Content-Type"] = "application/json" }
local authorised = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
request = function()
  local dice = math.random()
  if dice >= 0.98 and r < r_end then
    r = r + 1
    return wrk.format("POST", "/api/v1/licences/" .. ids[r] .. "/revoke", authorised, '{"reason":"soak"}')
  elseif dice >= 0.90 then
    return wrk.format("POST", "/api/v1/licences", authorised, issue)
  end
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/verify", json, bodies[i])
end
if pause > 0 then
  delay = function() return pause end
end
