-- sqs-receive-delete.lua — wrk script: SQS consumers, ReceiveMessage then DeleteMessageBatch,
-- over the AWS JSON 1.0 protocol, on a queue filled beforehand (sqs-fill.py).
--
--   SQS_QUEUE_URL=http://127.0.0.1:8080/000000000000/bench \
--     wrk -t1 -c64 -d5s -s Benchmarks/sqs-receive-delete.lua http://127.0.0.1:8080/
--   (or pass the queue URL after `--`)
--
-- Each wrk thread keeps a list of receipt handles it has received and not yet deleted.
-- request() sends a DeleteMessageBatch of up to 10 of them when any are pending, else a
--   ReceiveMessage {"MaxNumberOfMessages": SQS_MAX_MESSAGES (10), "VisibilityTimeout":
--   SQS_VISIBILITY (60), "WaitTimeSeconds": 0} (short polls: an empty queue answers at once).
-- response() tells the two answers apart by their bodies: a 200 with "Successful" answers a
--   DeleteMessageBatch (its Successful and Failed entries are counted), any other 200 a
--   ReceiveMessage (every "ReceiptHandle":"…" goes onto the list). Anything else is bad.
-- SQS_CHECK_DUPS=1 also remembers every MessageId received and counts those delivered twice
--   in "dups" (-1 when not checked). It is off by default: the table of ids costs wrk about
--   13 us per request (half again its work), enough to slow a fast server's closed loop. Without
--   it a duplicate still shows: both copies deleted leaves more messages than N - deleted, and
--   a second delete that fails counts in "delete_failed".
-- Headers as in sqs-send.lua: a well-formed, unverifiable SigV4 Authorization whose scope is
-- .../SQS_REGION (us-east-1)/sqs/aws4_request (moto_server routes by it).
-- At the end one line:
--   SQSJSON {"requests":..,"receives":..,"received":..,"empty":..,"dups":..,"deletes":..,
--            "deleted":..,"delete_failed":..,"outstanding":..,"pending":..,"bad":..,...}
-- "deleted" is what the measurement reports (messages received and deleted). "outstanding"
-- is handles sent in DeleteMessageBatch requests that got no countable answer (in flight
-- when wrk stopped, or answered with an error): the server may or may not have deleted
-- them. "pending" is handles received and not yet sent for deletion: still in flight on
-- the server. So after the run a queue filled with N holds between
-- N - deleted - outstanding and N - deleted messages (visible + not visible).
-- "empty" counts receives that got no message: if it is not 0 the queue ran dry and the
-- rate is bounded by the fill, not by the server.

local queue_url = os.getenv("SQS_QUEUE_URL")
local region = os.getenv("SQS_REGION") or "us-east-1"
local max_messages = tonumber(os.getenv("SQS_MAX_MESSAGES") or "10")
local visibility = tonumber(os.getenv("SQS_VISIBILITY") or "60")
local check_dups = os.getenv("SQS_CHECK_DUPS") == "1"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- per-thread state (each wrk thread runs its own copy of this script)
local receive_headers, delete_headers, receive_body, delete_prefix
local handles, head, tail, seen

function init(args)
  if args[1] then queue_url = args[1] end
  if not queue_url or queue_url == "" then
    error("sqs-receive-delete.lua: set SQS_QUEUE_URL or pass the queue URL after --")
  end
  receives, received, empty, dups = 0, 0, 0, check_dups and 0 or -1
  deletes, deleted, delete_failed, handles_sent = 0, 0, 0, 0
  bad, bad_sample, pending = 0, "", 0
  handles, head, tail, seen = {}, 1, 0, {}
  local date = os.date("!%Y%m%dT%H%M%SZ")
  local function make_headers(action)
    return {
      ["Content-Type"] = "application/x-amz-json-1.0",
      ["X-Amz-Target"] = "AmazonSQS." .. action,
      ["X-Amz-Date"] = date,
      ["User-Agent"] = "understudy-bench/sqs-receive-delete.lua",
      ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/" .. date:sub(1, 8) .. "/" .. region ..
        "/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" ..
        string.rep("0", 64),
    }
  end
  receive_headers = make_headers("ReceiveMessage")
  delete_headers = make_headers("DeleteMessageBatch")
  receive_body = '{"QueueUrl":"' .. queue_url .. '","MaxNumberOfMessages":' .. max_messages ..
    ',"VisibilityTimeout":' .. visibility .. ',"WaitTimeSeconds":0}'
  delete_prefix = '{"QueueUrl":"' .. queue_url .. '","Entries":['
end

function request()
  if tail >= head then
    local parts, k = { delete_prefix }, 0
    while tail >= head and k < 10 do
      -- the handle is re-sent exactly as the server wrote it, JSON escapes included
      parts[#parts + 1] = (k > 0 and ',{"Id":"d' or '{"Id":"d') .. k .. '","ReceiptHandle":"' .. handles[head] .. '"}'
      handles[head] = nil
      head = head + 1
      k = k + 1
    end
    parts[#parts + 1] = "]}"
    handles_sent = handles_sent + k
    pending = tail - head + 1
    return wrk.format("POST", "/", delete_headers, table.concat(parts))
  end
  return wrk.format("POST", "/", receive_headers, receive_body)
end

local function note_bad(status, body)
  bad = bad + 1
  if bad_sample == "" then
    bad_sample = tostring(status) .. " " .. string.sub(body or "", 1, 160)
  end
end

function response(status, hdrs, body)
  if status ~= 200 or not body then return note_bad(status, body) end
  local s = body:find('"Successful"', 1, true)
  if s then
    deletes = deletes + 1
    -- {"Successful":[{"Id":"d0"},...],"Failed":[{"Id":..,"Code":..},...]} in either order
    local f = body:find('"Failed"', 1, true)
    local ok_part, failed_part
    if f and f > s then ok_part, failed_part = body:sub(s, f), body:sub(f)
    elseif f then ok_part, failed_part = body:sub(s), body:sub(f, s)
    else ok_part, failed_part = body:sub(s), "" end
    for _ in ok_part:gmatch('"Id"') do deleted = deleted + 1 end
    for _ in failed_part:gmatch('"Id"') do delete_failed = delete_failed + 1 end
    return
  end
  receives = receives + 1
  local got = 0
  for handle in body:gmatch('"ReceiptHandle"%s*:%s*"([^"]+)"') do
    tail = tail + 1
    handles[tail] = handle
    got = got + 1
  end
  if check_dups then
    for id in body:gmatch('"MessageId"%s*:%s*"([^"]+)"') do
      if seen[id] then dups = dups + 1 else seen[id] = true end
    end
  end
  if got == 0 then
    if body:find('"ReceiptHandle"', 1, true) or body:find('"Messages"%s*:%s*%[%s*{') then
      return note_bad(status, body)  -- messages we could not parse
    end
    empty = empty + 1
  end
  received = received + got
  pending = tail - head + 1
end

local function json_escape(s)
  return (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

function done(summary, latency, requests)
  local names = { "receives", "received", "empty", "dups", "deletes", "deleted", "delete_failed",
                  "handles_sent", "pending", "bad" }
  local total, sample = {}, ""
  for _, name in ipairs(names) do total[name] = 0 end
  for _, t in ipairs(threads) do
    for _, name in ipairs(names) do total[name] = total[name] + (t:get(name) or 0) end
    local s = t:get("bad_sample")
    if sample == "" and s and s ~= "" then sample = s end
  end
  if not check_dups then total.dups = -1 end
  local outstanding = total.handles_sent - total.deleted - total.delete_failed
  local e = summary.errors
  io.write(string.format(
    'SQSJSON {"requests":%d,"receives":%d,"received":%d,"empty":%d,"dups":%d,"deletes":%d,' ..
    '"deleted":%d,"delete_failed":%d,"outstanding":%d,"pending":%d,"bad":%d,"duration_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d,"bad_sample":"%s"}\n',
    summary.requests, total.receives, total.received, total.empty, total.dups, total.deletes,
    total.deleted, total.delete_failed, outstanding, total.pending, total.bad, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, json_escape(sample)))
end
