<?cs # _tickets.cs: display macros shared by the ticket pages (tickets.cs,
     ticket.cs): status and priority badges, readable UTC times, the list's
     query string, the status buttons' labels. Defines only; prints nothing. ?><?cs

def:status_badge(s) ?><span class="badge badge-<?cs
	if:s == "In Progress" ?>in-progress<?cs
	elif:s == "Resolved" ?>resolved<?cs
	elif:s == "Closed" ?>closed<?cs
	else ?>open<?cs /if ?>"><?cs var:s ?></span><?cs
/def ?><?cs

# pr: a priority object {id, name, rank}; rank 1 is the most urgent ?><?cs
def:priority_badge(pr) ?><?cs if:pr.name ?><span class="badge badge-<?cs
	if:#pr.rank <= 1 ?>critical<?cs
	elif:#pr.rank == 2 ?>high<?cs
	elif:#pr.rank == 3 ?>medium<?cs
	else ?>low<?cs /if ?>"><?cs var:pr.name ?></span><?cs
	else ?><span class="muted">None</span><?cs /if ?><?cs
/def ?><?cs

# ts: an ISO time such as 2024-05-01T12:34:56.789Z ?><?cs
def:when(ts) ?><time datetime="<?cs var:ts ?>"><?cs var:string.slice(ts, 0, 10) ?> <?cs
	var:string.slice(ts, 11, 16) ?><span class="tz"> UTC</span></time><?cs
/def ?><?cs

# A file size in bytes, for people. ?><?cs
def:size(n) ?><?cs if:#n < 1024 ?><?cs var:n ?> bytes<?cs
	elif:#n < 1048576 ?><?cs var:(#n + 512) / 1024 ?> KB<?cs
	else ?><?cs set:tenths = (#n * 10 + 524288) / 1048576 ?><?cs var:#tenths / 10 ?>.<?cs var:#tenths % 10 ?> MB<?cs /if ?><?cs
/def ?><?cs

# A name from an audit row's labels, or what its id became. ?><?cs
def:label(name, id) ?><?cs if:name ?><?cs var:name ?><?cs
	elif:id ?>#<?cs var:id ?> (deleted)<?cs else ?>none<?cs /if ?><?cs
/def ?><?cs

# The list's URL for page pg, keeping the current filters (Form.*). ?><?cs
def:list_url(pg) ?>/tickets?<?cs
	if:Form.q ?>q=<?cs var:url_escape(Form.q) ?>&amp;<?cs /if ?><?cs
	if:Form.status ?>status=<?cs var:url_escape(Form.status) ?>&amp;<?cs /if ?><?cs
	if:Form.priority_id ?>priority_id=<?cs var:url_escape(Form.priority_id) ?>&amp;<?cs /if ?><?cs
	if:Form.category_id ?>category_id=<?cs var:url_escape(Form.category_id) ?>&amp;<?cs /if ?><?cs
	if:Form.assigned_to ?>assigned_to=<?cs var:url_escape(Form.assigned_to) ?>&amp;<?cs /if ?><?cs
	if:Form.sort ?>sort=<?cs var:url_escape(Form.sort) ?>&amp;<?cs /if ?><?cs
	if:Form.order ?>order=<?cs var:url_escape(Form.order) ?>&amp;<?cs /if ?>page=<?cs var:pg ?><?cs
/def ?><?cs

# The button text for a move from status "from" to status "to". ?><?cs
def:next_label(from, to) ?><?cs
	if:to == "In Progress" && from == "Open" ?>Start work<?cs
	elif:to == "In Progress" ?>Back to In Progress<?cs
	elif:to == "Resolved" ?>Mark resolved<?cs
	elif:to == "Closed" ?>Close ticket<?cs
	else ?>Reopen<?cs /if ?><?cs
/def ?>
