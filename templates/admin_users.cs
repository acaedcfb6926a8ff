<?cs # admin_users.cs: the admin's user list (GET /admin/users): search,
     role and status filters, pagination, an empty state. HDF: List (users,
     total, page, limit), Form.* (current filters), Errors.*,
     Error.message. ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs
def:users_url(pg) ?>/admin/users?<?cs
	if:Form.q ?>q=<?cs var:url_escape(Form.q) ?>&amp;<?cs /if ?><?cs
	if:Form.role ?>role=<?cs var:url_escape(Form.role) ?>&amp;<?cs /if ?><?cs
	if:Form.status ?>status=<?cs var:url_escape(Form.status) ?>&amp;<?cs /if ?>page=<?cs var:pg ?><?cs
/def ?>
<div class="page-head">
<div>
<h1>Users</h1>
<p class="lead">Everyone who can sign in: clients, agents and admins.</p>
</div>
<a class="btn" href="/admin/users/new">New user</a>
</div>

<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>

<form class="card filters" method="get" action="/admin/users" role="search" aria-label="Search and filter users">
<div class="field filter-search">
<label for="q">Search</label>
<div class="search-row">
<input id="q" name="q" type="search" maxlength="255" value="<?cs var:Form.q ?>" placeholder="Part of a name or an e-mail address"<?cs if:Errors.q ?> aria-invalid="true" aria-describedby="q-error"<?cs /if ?>>
<button type="submit" class="btn">Search</button>
</div>
<?cs if:Errors.q ?><p class="field-error" id="q-error"><?cs var:Errors.q ?></p><?cs /if ?>
</div>
<div class="filter-grid">
<div class="field">
<label for="f-role">Role</label>
<select id="f-role" name="role"<?cs if:Errors.role ?> aria-invalid="true" aria-describedby="f-role-error"<?cs /if ?>>
<option value="">Any role</option>
<option value="client"<?cs if:Form.role == "client" ?> selected<?cs /if ?>>Client</option>
<option value="agent"<?cs if:Form.role == "agent" ?> selected<?cs /if ?>>Agent</option>
<option value="admin"<?cs if:Form.role == "admin" ?> selected<?cs /if ?>>Admin</option>
</select>
<?cs if:Errors.role ?><p class="field-error" id="f-role-error"><?cs var:Errors.role ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-status">Status</label>
<select id="f-status" name="status"<?cs if:Errors.status ?> aria-invalid="true" aria-describedby="f-status-error"<?cs /if ?>>
<option value="">Any status</option>
<option value="active"<?cs if:Form.status == "active" ?> selected<?cs /if ?>>Active</option>
<option value="inactive"<?cs if:Form.status == "inactive" ?> selected<?cs /if ?>>Deactivated</option>
</select>
<?cs if:Errors.status ?><p class="field-error" id="f-status-error"><?cs var:Errors.status ?></p><?cs /if ?>
</div>
<div class="filter-actions">
<button type="submit" class="btn btn-secondary">Apply</button>
<?cs if:Form.q || Form.role || Form.status ?><a class="small" href="/admin/users">Clear all</a><?cs /if ?>
</div>
</div>
<?cs if:Errors.page ?><p class="field-error" id="page-error">Page: <?cs var:Errors.page ?></p><?cs /if ?>
</form>

<?cs if:#List.total > 0 ?>
<?cs set:pages = (#List.total + #List.limit - 1) / #List.limit ?>
<?cs if:subcount(List.users) > 0 ?>
<p class="list-summary"><?cs var:List.total ?> user<?cs if:#List.total != 1 ?>s<?cs /if ?><?cs if:Form.q ?> matching “<?cs var:Form.q ?>”<?cs /if ?><?cs if:#pages > 1 ?> · page <?cs var:List.page ?> of <?cs var:pages ?><?cs /if ?></p>
<div class="table-wrap" role="region" aria-label="Users" tabindex="0">
<table class="ticket-table user-table">
<thead>
<tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Two-step</th><th scope="col">Joined</th></tr>
</thead>
<tbody>
<?cs each:u = List.users ?>
<tr>
<th scope="row" class="col-title"><a href="/admin/users/<?cs var:u.id ?>"><?cs var:u.name ?></a><?cs if:u.id == User.id ?> <span class="muted small">(you)</span><?cs /if ?></th>
<td data-label="E-mail" class="mono"><?cs var:u.email ?></td>
<td data-label="Role"><span class="badge badge-<?cs var:u.role ?>"><?cs var:u.role ?></span></td>
<td data-label="Status"><?cs if:u.is_active ?><span class="badge badge-active">Active</span><?cs else ?><span class="badge badge-inactive">Deactivated</span><?cs /if ?></td>
<td data-label="Two-step"><?cs if:u.mfa_enabled ?>On<?cs else ?><span class="muted">Off</span><?cs /if ?></td>
<td data-label="Joined" class="nowrap"><?cs call:when(u.created_at) ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?>
<section class="card empty-state" aria-labelledby="empty-title">
<h2 id="empty-title">Nothing on this page</h2>
<p>There are <?cs var:List.total ?> matching users, on <?cs var:pages ?> page<?cs if:#pages != 1 ?>s<?cs /if ?>.</p>
<a class="btn" href="<?cs call:users_url(1) ?>">Go to the first page</a>
</section>
<?cs /if ?>
<?cs if:#pages > 1 ?>
<nav class="pagination" aria-label="Pages">
<p class="pagination-info">Page <?cs var:List.page ?> of <?cs var:pages ?></p>
<ul>
<li><?cs if:#List.page > 1 ?><a href="<?cs call:users_url(#List.page - 1) ?>" rel="prev">← Previous</a><?cs else ?><span class="page" aria-disabled="true">← Previous</span><?cs /if ?></li>
<li><?cs if:#List.page < #pages ?><a href="<?cs call:users_url(#List.page + 1) ?>" rel="next">Next →</a><?cs else ?><span class="page" aria-disabled="true">Next →</span><?cs /if ?></li>
</ul>
</nav>
<?cs /if ?>
<?cs elif:!Error.message ?>
<section class="card empty-state" aria-labelledby="empty-title">
<h2 id="empty-title">No users match</h2>
<p>Try part of a name or an e-mail address, or clear the filters.</p>
<a class="btn btn-secondary" href="/admin/users">Clear the search</a>
</section>
<?cs /if ?>
<?cs include:"_footer.cs" ?>
