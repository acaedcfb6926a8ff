-- wrk script for `make bench`: requests on random tickets.
--   wrk ... -s tests/bench-ticket.lua URL -- METHOD PATH N [BODY]
-- PATH may hold "{id}", replaced by a ticket id drawn from 1..N (or LO..HI
-- when N is "LO-HI") for each request; a BODY (JSON) is sent as is.
local method, path, lo, n, body

function init(args)
	method = args[1] or "GET"
	path = args[2] or "/api/tickets/{id}"
	lo, n = string.match(args[3] or "", "^(%d+)-(%d+)$")
	lo = tonumber(lo) or 1
	n = tonumber(n) or tonumber(args[3]) or 1
	body = args[4]
	if body then
		wrk.headers["Content-Type"] = "application/json"
	end
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	local p = path:gsub("{id}", tostring(math.random(lo, n)))
	return wrk.format(method, p, nil, body)
end
