<?cs # admin_audit.cs: the audit log for admins (GET /admin/audit): filters,
     50 rows a page with readable before/after diffs, the CSV download and
     the chain verifier. HDF: List (logs, total, page, limit), Form.*
     (current filters), Errors.*, Error.message, Verdict (ok, links,
     head|broken) after POST /admin/audit/verify. ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs
def:filters(sep) ?><?cs
	if:Form.entity_type ?>entity_type=<?cs var:url_escape(Form.entity_type) ?><?cs var:sep ?><?cs /if ?><?cs
	if:Form.entity_id ?>entity_id=<?cs var:url_escape(Form.entity_id) ?><?cs var:sep ?><?cs /if ?><?cs
	if:Form.action ?>action=<?cs var:url_escape(Form.action) ?><?cs var:sep ?><?cs /if ?><?cs
	if:Form.user_id ?>user_id=<?cs var:url_escape(Form.user_id) ?><?cs var:sep ?><?cs /if ?><?cs
	if:Form.from ?>from=<?cs var:url_escape(Form.from) ?><?cs var:sep ?><?cs /if ?><?cs
	if:Form.to ?>to=<?cs var:url_escape(Form.to) ?><?cs var:sep ?><?cs /if ?><?cs
/def ?><?cs
def:audit_url(pg) ?>/admin/audit?<?cs call:filters("&") ?>page=<?cs var:pg ?><?cs
/def ?><?cs
def:entity(h) ?><?cs
	if:h.entity_type == "ticket" && h.entity_id ?><a href="/tickets/<?cs var:h.entity_id ?>">Ticket #<?cs var:h.entity_id ?></a><?cs
	elif:h.entity_type == "user" && h.entity_id ?><a href="/admin/users/<?cs var:h.entity_id ?>">User #<?cs var:h.entity_id ?></a><?cs
	elif:h.entity_type == "category" && h.entity_id ?><a href="/admin/categories/<?cs var:h.entity_id ?>">Category #<?cs var:h.entity_id ?></a><?cs
	elif:h.entity_type == "priority" && h.entity_id ?><a href="/admin/priorities/<?cs var:h.entity_id ?>">Priority #<?cs var:h.entity_id ?></a><?cs
	else ?><?cs var:h.entity_type ?><?cs if:h.entity_id ?> #<?cs var:h.entity_id ?><?cs /if ?><?cs /if ?><?cs
	if:h.entity_label ?><span class="audit-label"><?cs var:h.entity_label ?></span><?cs /if ?><?cs
/def ?><?cs
def:value(v) ?><?cs if:v == "" && subcount(v) == 0 ?><span class="muted">empty</span><?cs
	elif:subcount(v) > 0 ?><span class="muted">(details)</span><?cs
	else ?><?cs var:v ?><?cs /if ?><?cs
/def ?>
<div class="page-head">
<div>
<h1>Audit log</h1>
<p class="lead">Every sign-in, change and refusal, who did it and from where. Rows cannot be edited or removed, and each one is chained to the one before it.</p>
</div>
<a class="btn btn-secondary" href="/admin/audit/export.csv?<?cs call:filters("&") ?>" download>Download CSV</a>
</div>

<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>

<?cs if:Verdict.links || Verdict.ok || Verdict.broken.reason ?>
<?cs if:Verdict.ok ?>
<div class="alert alert-success" role="status" id="verdict"><p><strong>The chain verifies.</strong> All <?cs var:Verdict.links ?> links were recomputed and follow each other. Head: link <?cs var:Verdict.head.seq ?>, hash <code class="hash"><?cs var:Verdict.head.hash ?></code>. Keep this hash somewhere else: a later check that still finds it proves nothing before it was rewritten.</p></div>
<?cs else ?>
<div class="alert alert-error" role="alert" id="verdict"><p><strong>The chain is broken.</strong> <?cs var:Verdict.broken.reason ?> (link <?cs var:Verdict.broken.seq ?>, audit row #<?cs var:Verdict.broken.audit_id ?>). The <?cs var:Verdict.links ?> links before it verify.</p></div>
<?cs /if ?>
<?cs /if ?>

<form class="card filters" method="get" action="/admin/audit" role="search" aria-label="Filter the audit log">
<div class="filter-grid audit-filters">
<div class="field">
<label for="f-type">Entity</label>
<select id="f-type" name="entity_type"<?cs if:Errors.entity_type ?> aria-invalid="true" aria-describedby="f-type-error"<?cs /if ?>>
<option value="">Anything</option>
<option value="ticket"<?cs if:Form.entity_type == "ticket" ?> selected<?cs /if ?>>Tickets</option>
<option value="user"<?cs if:Form.entity_type == "user" ?> selected<?cs /if ?>>Users</option>
<option value="category"<?cs if:Form.entity_type == "category" ?> selected<?cs /if ?>>Categories</option>
<option value="priority"<?cs if:Form.entity_type == "priority" ?> selected<?cs /if ?>>Priorities</option>
<?cs if:Form.entity_type && Form.entity_type != "ticket" && Form.entity_type != "user" && Form.entity_type != "category" && Form.entity_type != "priority" ?><option value="<?cs var:Form.entity_type ?>" selected><?cs var:Form.entity_type ?></option><?cs /if ?>
</select>
<?cs if:Errors.entity_type ?><p class="field-error" id="f-type-error"><?cs var:Errors.entity_type ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-id">Entity id</label>
<input id="f-id" name="entity_id" inputmode="numeric" maxlength="20" value="<?cs var:Form.entity_id ?>"<?cs if:Errors.entity_id ?> aria-invalid="true" aria-describedby="f-id-error"<?cs /if ?>>
<?cs if:Errors.entity_id ?><p class="field-error" id="f-id-error"><?cs var:Errors.entity_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-action">Action</label>
<input id="f-action" name="action" list="audit-actions" maxlength="64" value="<?cs var:Form.action ?>" placeholder="e.g. login_failed"<?cs if:Errors.action ?> aria-invalid="true" aria-describedby="f-action-error"<?cs /if ?>>
<datalist id="audit-actions"><option value="created"><option value="updated"><option value="assigned"><option value="commented"><option value="attachment_uploaded"><option value="attachment_downloaded"><option value="attachment_damaged"><option value="deleted"><option value="registered"><option value="login_success"><option value="login_failed"><option value="logout"><option value="role_changed"><option value="activated"><option value="deactivated"><option value="password_changed"><option value="session_revoked"><option value="logout_others"><option value="logout_all"><option value="mfa_setup"><option value="mfa_enabled"><option value="mfa_disabled"><option value="mfa_reset"><option value="mfa_failed"><option value="mfa_recovery_used"><option value="access_denied"></datalist>
<?cs if:Errors.action ?><p class="field-error" id="f-action-error"><?cs var:Errors.action ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-user">Done by (user id)</label>
<input id="f-user" name="user_id" inputmode="numeric" maxlength="20" value="<?cs var:Form.user_id ?>"<?cs if:Errors.user_id ?> aria-invalid="true" aria-describedby="f-user-error"<?cs /if ?>>
<?cs if:Errors.user_id ?><p class="field-error" id="f-user-error"><?cs var:Errors.user_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-from">From (UTC)</label>
<input id="f-from" name="from" type="date" value="<?cs var:Form.from ?>"<?cs if:Errors.from ?> aria-invalid="true" aria-describedby="f-from-error"<?cs /if ?>>
<?cs if:Errors.from ?><p class="field-error" id="f-from-error"><?cs var:Errors.from ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-to">To (UTC, inclusive)</label>
<input id="f-to" name="to" type="date" value="<?cs var:Form.to ?>"<?cs if:Errors.to ?> aria-invalid="true" aria-describedby="f-to-error"<?cs /if ?>>
<?cs if:Errors.to ?><p class="field-error" id="f-to-error"><?cs var:Errors.to ?></p><?cs /if ?>
</div>
<div class="filter-actions">
<button type="submit" class="btn">Apply</button>
<?cs if:Form.entity_type || Form.entity_id || Form.action || Form.user_id || Form.from || Form.to ?><a class="small" href="/admin/audit">Clear all</a><?cs /if ?>
</div>
</div>
<?cs if:Errors.page ?><p class="field-error" id="page-error">Page: <?cs var:Errors.page ?></p><?cs /if ?>
</form>

<?cs if:#List.total > 0 ?>
<?cs set:pages = (#List.total + #List.limit - 1) / #List.limit ?>
<?cs if:subcount(List.logs) > 0 ?>
<p class="list-summary"><?cs var:List.total ?> entr<?cs if:#List.total != 1 ?>ies<?cs else ?>y<?cs /if ?><?cs if:#pages > 1 ?> · page <?cs var:List.page ?> of <?cs var:pages ?><?cs /if ?></p>
<div class="table-wrap ticket-list" role="region" aria-label="Audit entries" tabindex="0">
<table class="ticket-table audit-table">
<thead>
<tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Details</th><th scope="col">From</th></tr>
</thead>
<tbody>
<?cs each:h = List.logs ?>
<tr id="audit-<?cs var:h.id ?>">
<td data-label="When" class="nowrap"><?cs call:when(h.created_at) ?></td>
<td data-label="Who"><?cs if:h.performer.name ?><a href="/admin/audit?user_id=<?cs var:h.performer.id ?>"><?cs var:h.performer.name ?></a> <span class="badge badge-<?cs var:h.performer.role ?>"><?cs var:h.performer.role ?></span><?cs else ?><span class="muted">Nobody signed in</span><?cs /if ?></td>
<td data-label="What"><span class="badge badge-action action-<?cs var:h.action ?>"><?cs var:h.action ?></span></td>
<td data-label="On"><?cs call:entity(h) ?></td>
<td data-label="Details" class="audit-details"><?cs
if:subcount(h.payload.changes) > 0 ?><ul class="diff"><?cs each:c = h.payload.changes ?><li><span class="diff-field"><?cs var:name(c) ?></span> <del><?cs call:value(c.from) ?></del> → <ins><?cs call:value(c.to) ?></ins></li><?cs /each ?></ul><?cs
elif:h.action == "assigned" ?><?cs if:h.payload.new_agent_id ?>to <?cs call:label(h.labels.new_agent, h.payload.new_agent_id) ?><?cs else ?>unassigned<?cs /if ?><?cs if:h.payload.old_agent_id ?> (was <?cs call:label(h.labels.old_agent, h.payload.old_agent_id) ?>)<?cs /if ?><?cs
else ?><dl class="payload"><?cs each:kv = h.payload ?><?cs if:subcount(kv) == 0 && name(kv) != "changes" ?><dt><?cs var:name(kv) ?></dt><dd><?cs var:kv ?></dd><?cs /if ?><?cs /each ?></dl><?cs /if ?></td>
<td data-label="From" class="audit-from"><?cs if:h.ip_address ?><span class="mono"><?cs var:h.ip_address ?></span><?cs /if ?><?cs if:h.user_agent ?><span class="muted small ua" title="<?cs var:h.user_agent ?>"><?cs var:string.slice(h.user_agent, 0, 40) ?><?cs if:string.length(h.user_agent) > 40 ?>…<?cs /if ?></span><?cs /if ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?>
<section class="card empty-state" aria-labelledby="empty-title">
<h2 id="empty-title">Nothing on this page</h2>
<p>There are <?cs var:List.total ?> matching entries, on <?cs var:pages ?> page<?cs if:#pages != 1 ?>s<?cs /if ?>.</p>
<a class="btn" href="<?cs call:audit_url(1) ?>">Go to the first page</a>
</section>
<?cs /if ?>
<?cs if:#pages > 1 ?>
<nav class="pagination" aria-label="Pages">
<p class="pagination-info">Page <?cs var:List.page ?> of <?cs var:pages ?></p>
<ul>
<li><?cs if:#List.page > 1 ?><a href="<?cs call:audit_url(#List.page - 1) ?>" rel="prev">← Newer</a><?cs else ?><span class="page" aria-disabled="true">← Newer</span><?cs /if ?></li>
<li><?cs if:#List.page < #pages ?><a href="<?cs call:audit_url(#List.page + 1) ?>" rel="next">Older →</a><?cs else ?><span class="page" aria-disabled="true">Older →</span><?cs /if ?></li>
</ul>
</nav>
<?cs /if ?>
<?cs elif:!Error.message ?>
<section class="card empty-state" aria-labelledby="empty-title">
<h2 id="empty-title">No entries match</h2>
<p>Nothing was recorded with these filters. Widen the dates or clear the filters.</p>
<a class="btn btn-secondary" href="/admin/audit">Clear the filters</a>
</section>
<?cs /if ?>

<section class="card verify" aria-labelledby="verify-title">
<h2 class="card-title" id="verify-title">Check the chain</h2>
<p>Recomputes the hash of every entry from its content and the entry before it. A row changed, removed or slipped in behind the application's back shows up as a broken link.</p>
<form method="post" action="/admin/audit/verify#verdict">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<?cs each:k = Form ?><?cs if:name(k) != "page" && name(k) != "limit" ?><input type="hidden" name="<?cs var:name(k) ?>" value="<?cs var:k ?>"><?cs /if ?><?cs /each ?>
<button type="submit" class="btn btn-secondary">Verify the audit chain</button>
</form>
</section>
<?cs include:"_footer.cs" ?>
