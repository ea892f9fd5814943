-- sqs-send-batch.lua — wrk script: SQS SendMessageBatch (10 entries) over the AWS JSON 1.0 protocol.
--
--   SQS_QUEUE_URL=http://127.0.0.1:8080/000000000000/bench \
--     wrk -t1 -c64 -d5s -s Benchmarks/sqs-send-batch.lua http://127.0.0.1:8080/
--   (or pass the queue URL after `--`: wrk ... -s sqs-send-batch.lua http://127.0.0.1:8080/ -- QUEUE_URL)
--
-- Modelled on sqs-send.lua (../shared/bench). Every request is `POST /` with
--   Content-Type: application/x-amz-json-1.0
--   X-Amz-Target: AmazonSQS.SendMessageBatch
--   X-Amz-Date + Authorization: a well-formed but unverifiable SigV4 header whose credential
--     scope is .../SQS_REGION (default us-east-1)/sqs/aws4_request — what an SDK sends;
--     moto_server routes requests by that scope (without it moto answers as S3)
--   body {"QueueUrl": "...", "Entries": [{"Id": "m0", "MessageBody": "..."}, ... "m9"]}
--     with SQS_BATCH_SIZE (default 10) entries whose bodies are SQS_BODY_SIZE (default 64)
--     characters plus "-<thread>-<request>-<entry>": every body is distinct.
-- A response counts as ok only if it is 200 and carries one "MessageId" per entry (all
-- entries Successful, none Failed); anything else is counted as bad (with the number of
-- MessageIds it did carry, since a partly failed batch still stores those) and its first
-- example is printed. At the end one line:
--   SQSJSON {"requests":..,"ok":..,"bad":..,"batch":10,"messages":..,"duration_us":..,"p99_us":..,...}
-- where "messages" counts every MessageId in a 200 answer (ok * batch plus partial batches).
-- Requests still in flight when wrk stops are not counted but may be stored by the server,
-- so stored - messages is between 0 and batch * connections.

local queue_url = os.getenv("SQS_QUEUE_URL")
local region = os.getenv("SQS_REGION") or "us-east-1"
local body_size = tonumber(os.getenv("SQS_BODY_SIZE") or "64")
local batch = tonumber(os.getenv("SQS_BATCH_SIZE") or "10")
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

-- per-thread state (each wrk thread runs its own copy of this script)
local headers, prefix, n, thread_id, entry_head

function init(args)
  if args[1] then queue_url = args[1] end
  if not queue_url or queue_url == "" then
    error("sqs-send-batch.lua: set SQS_QUEUE_URL or pass the queue URL after --")
  end
  if not batch or batch < 1 or batch > 10 then
    error("sqs-send-batch.lua: SQS_BATCH_SIZE must be 1-10")
  end
  ok, bad, messages, bad_sample = 0, 0, 0, ""
  n = 0
  thread_id = rawget(_G, "tid") or 0
  prefix = '{"QueueUrl":"' .. queue_url .. '","Entries":['
  local pad = string.rep("b", body_size)
  local date = os.date("!%Y%m%dT%H%M%SZ")
  headers = {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "AmazonSQS.SendMessageBatch",
    ["X-Amz-Date"] = date,
    ["User-Agent"] = "understudy-bench/sqs-send-batch.lua",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/" .. date:sub(1, 8) .. "/" .. region ..
      "/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" ..
      string.rep("0", 64),
  }
  -- the entries' fixed parts, built once: {"Id":"mK","MessageBody":"<pad>-<thread>-
  entry_head = {}
  for k = 0, batch - 1 do
    entry_head[k + 1] = (k > 0 and "," or "") .. '{"Id":"m' .. k .. '","MessageBody":"' .. pad .. "-" .. thread_id .. "-"
  end
end

function request()
  n = n + 1
  local parts = { prefix }
  for k = 1, batch do
    parts[#parts + 1] = entry_head[k] .. n .. "-" .. (k - 1) .. '"}'
  end
  parts[#parts + 1] = "]}"
  return wrk.format("POST", "/", headers, table.concat(parts))
end

local function count(body, needle)
  local c, from = 0, 1
  while true do
    local i = body:find(needle, from, true)
    if not i then return c end
    c = c + 1
    from = i + #needle
  end
end

function response(status, hdrs, body)
  local ids = (status == 200 and body) and count(body, '"MessageId"') or 0
  messages = messages + ids
  if ids == batch then
    ok = ok + 1
  else
    bad = bad + 1
    if bad_sample == "" then
      bad_sample = tostring(status) .. " " .. string.sub(body or "", 1, 160)
    end
  end
end

local function json_escape(s)
  return (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

function done(summary, latency, requests)
  local tok, tbad, tmsg, sample = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    tok = tok + (t:get("ok") or 0)
    tbad = tbad + (t:get("bad") or 0)
    tmsg = tmsg + (t:get("messages") or 0)
    local s = t:get("bad_sample")
    if sample == "" and s and s ~= "" then sample = s end
  end
  local e = summary.errors
  io.write(string.format(
    'SQSJSON {"requests":%d,"ok":%d,"bad":%d,"batch":%d,"messages":%d,"duration_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d,"bad_sample":"%s"}\n',
    summary.requests, tok, tbad, batch, tmsg, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, json_escape(sample)))
end
