-- wrk script: POST /api/<BENCH_ENDPOINT> with the body in BENCH_BODY_FILE, signed per request with
-- the header of the current second from BENCH_AUTH_FILE (made by auth_table.py).
-- Optional BENCH_BODIES_FILE: a Lua file returning a list of bodies, used round-robin per thread
-- (deep keyset pages, status_task id sets).
local auth = dofile(os.getenv("BENCH_AUTH_FILE"))
local path = "/api/" .. os.getenv("BENCH_ENDPOINT") .. "?_="
local bodies
if os.getenv("BENCH_BODIES_FILE") and os.getenv("BENCH_BODIES_FILE") ~= "" then
  bodies = dofile(os.getenv("BENCH_BODIES_FILE"))
else
  local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
  bodies = { f:read("*a") }
  f:close()
end
local counter = 0

function init(args)
  counter = math.random(1, #bodies)
end

function request()
  local now = os.time()
  counter = counter % #bodies + 1
  return wrk.format("POST", path .. now, {
    ["Authorization"] = auth[now],
    ["Content-Type"] = "application/json",
  }, bodies[counter])
end
