-- wrk script: failed sign-ins (argon2id-bound by design)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@example.com","password":"Wrong-Pass1"}'
