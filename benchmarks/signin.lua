-- wrk script: a sign-in flood, POST /api/v1/session with a wrong password for a new user name each time
-- (so only the per-IP sign-in bucket can stop it; the per-account lockout never sees the same name).
-- With $DELAY_MS each connection pauses that long between attempts (a bounded, paced flood).
-- At the end it prints how many attempts were checked (401) and how many refused unchecked (429).
local n = 0
local pause = tonumber(os.getenv("DELAY_MS") or "0")
request = function()
  n = n + 1
  local body = string.format('{"username":"flood%d-%d","password":"wrong-password-%d"}', math.random(1, 1000000000), n, n)
  return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" }, body)
end
if pause > 0 then
  delay = function() return pause end
end
checked, refused, other = 0, 0, 0
response = function(status)
  if status == 401 then checked = checked + 1 elseif status == 429 then refused = refused + 1 else other = other + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done()
  local c, r, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("checked"); r = r + thread:get("refused"); o = o + thread:get("other")
  end
  io.write(string.format("flood attempts: %d checked (401), %d refused unchecked (429), %d other\n", c, r, o))
end
