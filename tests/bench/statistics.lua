-- wrk script: GET /statistics (or the same path under WA_BASE).
local base = os.getenv("WA_BASE") or "/whatsapp-report"

function request()
    return wrk.format("GET", base .. "/statistics")
end
