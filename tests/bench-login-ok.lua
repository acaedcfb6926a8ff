-- wrk script: successful sign-ins (argon2id verification, a session row
-- and an audit row each)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@example.com","password":"Bench-Pass1"}'
