-- wrk: each request enrols the next synthetic staff member (SYN-<tag>-n) in the bench session,
-- skipping every 25th (inactive in the synthetic register). Thread k takes numbers k*BENCH_SPAN+1…
-- (the bench sets BENCH_SPAN to a quarter of the staff: pgbench's enrolments take the second half).
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
local counter = tonumber(os.getenv("BENCH_START") or "0")
local token = os.getenv("BENCH_TOKEN")
local tag = os.getenv("BENCH_TAG")
local span = tonumber(os.getenv("BENCH_SPAN") or "20000")
function request()
  local n
  repeat
    counter = counter + 1
    n = tonumber(tid) * span + counter
  until n % 25 ~= 0
  local body = string.format('{"staffNumber":"SYN-%s-%07d"}', tag, n)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
