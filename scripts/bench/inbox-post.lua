-- wrk script: POSTs distinct Cloud-API status events (one wamid per request, per thread).
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000100","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.WRK%d_%d","status":"delivered","timestamp":"1732489200","recipient_id":"4915123456789"}]}}]}]}',
    id, counter)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d\nnon2xx %d\nerrors %d\np50_ms %.2f\np99_ms %.2f\n",
    summary.requests, e.status, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
