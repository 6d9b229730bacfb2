-- wrk script: GET one report of a random real customer+vehicle.
-- WA_N: number of reports loaded by gen.cpp; WA_BASE: path prefix
-- (/whatsapp-report for the module, /fixed for nginx's `return 200`).
local n = tonumber(os.getenv("WA_N") or "10000")
local base = os.getenv("WA_BASE") or "/whatsapp-report"

function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
    local i = math.random(0, n - 1)
    local c = math.floor(i / 2)
    return wrk.format("GET", string.format(
        "%s/customer/00000000-0000-4000-8000-%012x/vehicle/00000000-0000-4000-8001-%012x",
        base, c, i))
end

-- WA_DELAY_MS: pause per connection between requests, for a probe that
-- measures latency at a steady, moderate load instead of saturating the box.
local delay_ms = tonumber(os.getenv("WA_DELAY_MS") or "0")
if delay_ms > 0 then
    function delay()
        return delay_ms
    end
end
