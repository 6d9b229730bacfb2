-- wrk script: POST pre-signed webhook requests in turn, one pool per thread
-- would repeat the same statuses, so each thread takes every THREADS-th line
-- of the pool. WA_POOL: a file of lines "<X-Hub-Signature-256 value> <body>"
-- (tools/bench-webhook.sh writes it); WA_PATH: the webhook location.
local pool_file = os.getenv("WA_POOL")
local path = os.getenv("WA_PATH") or "/webhook/cloud-api"
local threads = tonumber(os.getenv("WA_THREADS") or "1")
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

local lines = {}
local next_line = 1

function init(args)
    local i = 0
    for line in io.lines(pool_file) do
        if i % threads == id then
            local sp = line:find(" ", 1, true)
            lines[#lines + 1] = {line:sub(1, sp - 1), line:sub(sp + 1)}
        end
        i = i + 1
    end
end

function request()
    local l = lines[next_line]
    next_line = next_line % #lines + 1
    return wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["X-Hub-Signature-256"] = l[1],
    }, l[2])
end
