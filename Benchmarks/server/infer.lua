-- wrk script for scripts/benchmark-server.sh: POSTs one pre-made V2 inference request over and over.
--   WRK_BODY            file holding the request body (JSON, or JSON header + binary tensor data)
--   WRK_CONTENT_TYPE    its Content-Type (default application/json)
--   WRK_HEADER_LENGTH   when set, sent as Inference-Header-Content-Length (Triton's binary tensor extension)
local file = assert(io.open(os.getenv("WRK_BODY"), "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/json"
local header_length = os.getenv("WRK_HEADER_LENGTH")
if header_length ~= nil and header_length ~= "" then
    wrk.headers["Inference-Header-Content-Length"] = header_length
end
