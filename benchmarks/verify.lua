-- wrk script: POST $VERIFY_PATH (default /api/v1/verify) with bodies taken in turn from the file named by
-- $BODIES (one JSON per line). With $DELAY_MS each connection waits that long between requests, which
-- paces the load (wrk has no constant-rate mode; the achieved rate is what wrk reports).
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local path = os.getenv("VERIFY_PATH") or "/api/v1/verify"
-- The trivial endpoint of the repeated-scan ratio (/health/live) is a GET without a body.
local get = path:find("^/health") ~= nil
local pause = tonumber(os.getenv("DELAY_MS") or "0")
-- Each wrk thread walks its own part of the corpus, so a run with fewer requests than bodies never
-- sends the same credential twice (the signature memo must not help the "distinct" cases).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local i = 0
function init(args)
  i = (id or 0) * math.floor(#bodies / 2)
end
request = function()
  i = i % #bodies + 1
  if get then
    return wrk.format("GET", path)
  end
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[i])
end
if pause > 0 then
  delay = function() return pause end
end
