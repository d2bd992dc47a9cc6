-- post.lua is the wrk script of `make bench` (see bench/README.md).
--
--   wrk -t2 -c50 -d20s --latency -s bench/post.lua http://127.0.0.1:PORT/graphql -- BODY_FILE [EXPECTED_LENGTH]
--
-- Every connection POSTs the contents of BODY_FILE (a GraphQL-over-HTTP JSON request) with
-- Content-Type: application/json. Every response is checked: status 200 and, when
-- EXPECTED_LENGTH is given, a body of exactly that many bytes. done() prints one line,
-- "atrium-bench: key=value ...", that bench/cmd/runner parses (latencies in microseconds).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  if path == nil then
    error("post.lua: no body file; usage: wrk ... -s bench/post.lua URL -- BODY_FILE [EXPECTED_LENGTH]")
  end
  local f = assert(io.open(path, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  expected = tonumber(args[2] or "-1") or -1
  checked, wrong_status, wrong_length = 0, 0, 0
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 then
    wrong_status = wrong_status + 1
  elseif expected >= 0 and #body ~= expected then
    wrong_length = wrong_length + 1
  end
end

function done(summary, latency, requests)
  local c, ws, wl = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("checked") or 0)
    ws = ws + (t:get("wrong_status") or 0)
    wl = wl + (t:get("wrong_length") or 0)
  end
  local e = summary.errors
  local p = function(q) return math.floor(latency:percentile(q)) end
  io.write(string.format(
    "atrium-bench: requests=%d duration_us=%d p50_us=%d p75_us=%d p90_us=%d p95_us=%d p99_us=%d" ..
    " max_us=%d mean_us=%.1f checked=%d wrong_status=%d wrong_length=%d" ..
    " errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, p(50), p(75), p(90), p(95), p(99),
    math.floor(latency.max), latency.mean, c, ws, wl,
    e.connect, e.read, e.write, e.status, e.timeout))
end
