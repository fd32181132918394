-- wrk script for bench/deploy.sh: OIP v2 inference POSTs over keep-alive connections. Every request asks the sample
-- model for 40 ms, one in LONG_EVERY (env, default 50) for 2 s, so 8 connections make ~100 req/s with some long
-- requests in flight. LONG_EVERY=0: fast requests only (the deploy's own cost, without a long drain).
local n = 0
local every = tonumber(os.getenv("LONG_EVERY") or "50")
local base = '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],'
request = function()
  n = n + 1
  local latency = (every > 0 and n % every == 0) and 2000 or 40
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
    base .. '"parameters":{"latency_ms":' .. latency .. '}}')
end
