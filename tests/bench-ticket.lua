-- wrk script for `make bench`: requests on random tickets.
--   wrk ... -s tests/bench-ticket.lua URL -- METHOD PATH N [BODY]
-- PATH may hold "{id}", replaced by a ticket id drawn from 1..N for each
-- request; a BODY (JSON) is sent as is.
local method, path, n, body

function init(args)
	method = args[1] or "GET"
	path = args[2] or "/api/tickets/{id}"
	n = tonumber(args[3]) or 1
	body = args[4]
	if body then
		wrk.headers["Content-Type"] = "application/json"
	end
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	local p = path:gsub("{id}", tostring(math.random(1, n)))
	return wrk.format(method, p, nil, body)
end
