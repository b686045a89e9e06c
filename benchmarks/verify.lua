-- wrk script: POST /api/v1/verify with bodies taken in turn from the file named by $BODIES (one JSON per line).
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local i = math.random(#bodies)
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/verify", { ["Content-Type"] = "application/json" }, bodies[i])
end
