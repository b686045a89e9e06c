-- wrk script: POST $VERIFY_PATH (default /api/v1/verify) with bodies taken in turn from the file named by
-- $BODIES (one JSON per line). With $RATE_PER_THREAD each wrk thread sends at that constant rate: request
-- k of a thread is due at start + k / rate, whatever the answers took, and a free connection of the
-- thread sends it then (a schedule, as wrk2 or hey -q keep, not a pause after each answer). Latency is
-- counted from the moment a request is sent; with more connections than requests in flight a request
-- is never sent late (docs/performance-history.md, "Constant-rate runs").
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local path = os.getenv("VERIFY_PATH") or "/api/v1/verify"
-- The trivial endpoint of the repeated-scan ratio (/health/live) is a GET without a body.
local get = path:find("^/health") ~= nil
local rate = tonumber(os.getenv("RATE_PER_THREAD") or "0")
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
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } lt_timespec;
    int clock_gettime(int clock, lt_timespec *now);
  ]]
  local now = ffi.new("lt_timespec")
  local function milliseconds()
    ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  local interval = 1000 / rate
  local due = nil
  delay = function()
    local t = milliseconds()
    due = (due or t) + interval
    -- wrk takes whole milliseconds; the schedule itself keeps the fractions, so it never drifts.
    return math.max(0, math.floor(due - t + 0.5))
  end
end
