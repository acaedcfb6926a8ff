<?cs # tickets.cs: the ticket list (GET /tickets): search, filters, sorting,
     pagination and an empty state. HDF: List (tickets, total, page, limit),
     Form.* (current filters), Errors.*, Error.message, Categories,
     Priorities, Agents (admins). ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?>
<div class="page-head">
<div>
<h1>Tickets</h1>
<p class="lead"><?cs if:User.role == "client" ?>Everything you have asked us, and where it stands.<?cs elif:User.role == "agent" ?>The tickets assigned to you.<?cs else ?>Every ticket in the help desk.<?cs /if ?></p>
</div>
<a class="btn" href="/tickets/new">New ticket</a>
</div>

<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>

<form class="card filters" method="get" action="/tickets" role="search" aria-label="Search and filter tickets">
<div class="field filter-search">
<label for="q">Search</label>
<div class="search-row">
<input id="q" name="q" type="search" maxlength="200" value="<?cs var:Form.q ?>" placeholder="Words in titles, descriptions and replies"<?cs if:Errors.q ?> aria-invalid="true" aria-describedby="q-error"<?cs /if ?>>
<button type="submit" class="btn">Search</button>
</div>
<?cs if:Errors.q ?><p class="field-error" id="q-error"><?cs var:Errors.q ?></p><?cs /if ?>
</div>
<div class="filter-grid">
<div class="field">
<label for="f-status">Status</label>
<select id="f-status" name="status"<?cs if:Errors.status ?> aria-invalid="true" aria-describedby="f-status-error"<?cs /if ?>>
<option value="">Any status</option>
<option value="Open"<?cs if:Form.status == "Open" ?> selected<?cs /if ?>>Open</option>
<option value="In Progress"<?cs if:Form.status == "In Progress" ?> selected<?cs /if ?>>In Progress</option>
<option value="Resolved"<?cs if:Form.status == "Resolved" ?> selected<?cs /if ?>>Resolved</option>
<option value="Closed"<?cs if:Form.status == "Closed" ?> selected<?cs /if ?>>Closed</option>
</select>
<?cs if:Errors.status ?><p class="field-error" id="f-status-error"><?cs var:Errors.status ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-priority">Priority</label>
<select id="f-priority" name="priority_id"<?cs if:Errors.priority_id ?> aria-invalid="true" aria-describedby="f-priority-error"<?cs /if ?>>
<option value="">Any priority</option>
<?cs each:o = Priorities ?><option value="<?cs var:o.id ?>"<?cs if:Form.priority_id == o.id ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.priority_id ?><p class="field-error" id="f-priority-error"><?cs var:Errors.priority_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-category">Category</label>
<select id="f-category" name="category_id"<?cs if:Errors.category_id ?> aria-invalid="true" aria-describedby="f-category-error"<?cs /if ?>>
<option value="">Any category</option>
<?cs each:o = Categories ?><option value="<?cs var:o.id ?>"<?cs if:Form.category_id == o.id ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.category_id ?><p class="field-error" id="f-category-error"><?cs var:Errors.category_id ?></p><?cs /if ?>
</div>
<?cs if:User.role == "admin" ?>
<div class="field">
<label for="f-assigned">Assigned to</label>
<select id="f-assigned" name="assigned_to"<?cs if:Errors.assigned_to ?> aria-invalid="true" aria-describedby="f-assigned-error"<?cs /if ?>>
<option value="">Anyone</option>
<?cs each:o = Agents ?><option value="<?cs var:o.id ?>"<?cs if:Form.assigned_to == o.id ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.assigned_to ?><p class="field-error" id="f-assigned-error"><?cs var:Errors.assigned_to ?></p><?cs /if ?>
</div>
<?cs /if ?>
<div class="field">
<label for="f-sort">Sort by</label>
<select id="f-sort" name="sort"<?cs if:Errors.sort ?> aria-invalid="true" aria-describedby="f-sort-error"<?cs /if ?>>
<option value="created"<?cs if:Form.sort == "created" ?> selected<?cs /if ?>>Date created</option>
<option value="updated"<?cs if:Form.sort == "updated" ?> selected<?cs /if ?>>Last update</option>
<option value="priority"<?cs if:Form.sort == "priority" ?> selected<?cs /if ?>>Priority</option>
<option value="status"<?cs if:Form.sort == "status" ?> selected<?cs /if ?>>Status</option>
</select>
<?cs if:Errors.sort ?><p class="field-error" id="f-sort-error"><?cs var:Errors.sort ?></p><?cs /if ?>
</div>
<div class="field">
<label for="f-order">Order</label>
<select id="f-order" name="order"<?cs if:Errors.order ?> aria-invalid="true" aria-describedby="f-order-error"<?cs /if ?>>
<option value="desc"<?cs if:Form.order == "desc" ?> selected<?cs /if ?>>Descending</option>
<option value="asc"<?cs if:Form.order == "asc" ?> selected<?cs /if ?>>Ascending</option>
</select>
<?cs if:Errors.order ?><p class="field-error" id="f-order-error"><?cs var:Errors.order ?></p><?cs /if ?>
</div>
<div class="filter-actions">
<button type="submit" class="btn btn-secondary">Apply</button>
<?cs if:Form.q || Form.status || Form.priority_id || Form.category_id || Form.assigned_to || Form.sort || Form.order ?><a class="small" href="/tickets">Clear all</a><?cs /if ?>
<?cs if:!Error.message ?><?cs # every matching ticket, no page; sep is escaped to "&amp;" ?><?cs set:sep = "?" ?><a class="small" id="export-csv" download href="/tickets/export.csv<?cs
	if:Form.q ?><?cs var:sep ?>q=<?cs var:url_escape(Form.q) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.status ?><?cs var:sep ?>status=<?cs var:url_escape(Form.status) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.priority_id ?><?cs var:sep ?>priority_id=<?cs var:url_escape(Form.priority_id) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.category_id ?><?cs var:sep ?>category_id=<?cs var:url_escape(Form.category_id) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.assigned_to ?><?cs var:sep ?>assigned_to=<?cs var:url_escape(Form.assigned_to) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.sort ?><?cs var:sep ?>sort=<?cs var:url_escape(Form.sort) ?><?cs set:sep = "&" ?><?cs /if ?><?cs
	if:Form.order ?><?cs var:sep ?>order=<?cs var:url_escape(Form.order) ?><?cs /if ?>">Download CSV</a><?cs /if ?>
</div>
</div>
<?cs if:Errors.page ?><p class="field-error" id="page-error">Page: <?cs var:Errors.page ?></p><?cs /if ?>
<?cs if:Errors.after ?><p class="field-error" id="after-error">Next page: <?cs var:Errors.after ?></p><?cs /if ?>
</form>

<?cs if:#List.total > 0 ?>
<?cs set:pages = (#List.total + #List.limit - 1) / #List.limit ?>
<?cs if:subcount(List.tickets) > 0 ?>
<?cs if:List.totalCapped ?>
<p class="list-summary">More than <?cs var:List.total ?> tickets match “<?cs var:Form.q ?>” · page <?cs var:List.page ?>. The first <?cs var:pages ?> pages are listed: add a word to narrow the search.</p>
<?cs else ?>
<p class="list-summary"><?cs var:List.total ?> ticket<?cs if:#List.total != 1 ?>s<?cs /if ?><?cs if:Form.q ?> matching “<?cs var:Form.q ?>”<?cs /if ?><?cs if:#pages > 1 ?> · page <?cs var:List.page ?> of <?cs var:pages ?><?cs /if ?></p>
<?cs /if ?>
<div class="table-wrap ticket-list" role="region" aria-label="Tickets" tabindex="0">
<table class="ticket-table">
<thead>
<tr><th scope="col" class="col-id">#</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Category</th><th scope="col"><?cs if:User.role == "client" ?>Assigned to<?cs else ?>Requester<?cs /if ?></th><th scope="col">Updated</th></tr>
</thead>
<tbody>
<?cs each:t = List.tickets ?>
<tr>
<td class="col-id mono" data-label="Ticket">#<?cs var:t.id ?></td>
<th scope="row" class="col-title"><a href="/tickets/<?cs var:t.id ?>"><?cs var:t.title ?></a></th>
<td data-label="Status"><?cs call:status_badge(t.status) ?></td>
<td data-label="Priority"><?cs call:priority_badge(t.priority) ?></td>
<td data-label="Category"><?cs if:t.category.name ?><?cs var:t.category.name ?><?cs else ?><span class="muted">None</span><?cs /if ?></td>
<?cs if:User.role == "client" ?>
<td data-label="Assigned to"><?cs if:t.ticket_assignments.0.agent.name ?><?cs var:t.ticket_assignments.0.agent.name ?><?cs else ?><span class="muted">Not yet</span><?cs /if ?></td>
<?cs else ?>
<td data-label="Requester"><?cs var:t.creator.name ?><?cs if:User.role == "admin" ?><span class="sub"><?cs if:t.ticket_assignments.0.agent.name ?>→ <?cs var:t.ticket_assignments.0.agent.name ?><?cs else ?>Unassigned<?cs /if ?></span><?cs /if ?></td>
<?cs /if ?>
<td data-label="Updated" class="nowrap"><?cs call:when(t.updated_at) ?></td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?>
<section class="card empty-state" aria-labelledby="empty-title">
<h2 id="empty-title">Nothing on this page</h2>
<p>There are <?cs var:List.total ?> matching tickets, on <?cs var:pages ?> page<?cs if:#pages != 1 ?>s<?cs /if ?>.</p>
<a class="btn" href="<?cs call:list_url(1) ?>">Go to the first page</a>
</section>
<?cs /if ?>
<?cs if:#pages > 1 ?>
<nav class="pagination" aria-label="Pages">
<p class="pagination-info">Page <?cs var:List.page ?> of <?cs var:pages ?></p>
<ul>
<li><?cs if:#List.page > 1 ?><a href="<?cs call:list_url(#List.page - 1) ?>" rel="prev">← Previous</a><?cs else ?><span class="page" aria-disabled="true">← Previous</span><?cs /if ?></li>
<li><?cs if:#List.page < #pages ?><a href="<?cs call:list_url(#List.page + 1) ?><?cs if:List.nextAfter ?>&amp;after=<?cs var:List.nextAfter ?><?cs /if ?>" rel="next">Next →</a><?cs else ?><span class="page" aria-disabled="true">Next →</span><?cs /if ?></li>
</ul>
</nav>
<?cs /if ?>
<?cs elif:!Error.message ?>
<section class="card empty-state" aria-labelledby="empty-title">
<div class="empty-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><?cs if:Form.q || Form.status || Form.priority_id || Form.category_id || Form.assigned_to ?><circle cx="11" cy="11" r="7"/><path d="M20 20l-3.5-3.5"/><?cs else ?><path d="M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/><path d="M9 11h6"/><?cs /if ?></svg></div>
<?cs if:Form.q ?>
<h2 id="empty-title">No tickets match “<?cs var:Form.q ?>”</h2>
<p>Try other words, or fewer filters. Search looks at titles, descriptions and replies.</p>
<a class="btn btn-secondary" href="/tickets">Clear the search</a>
<?cs elif:Form.status || Form.priority_id || Form.category_id || Form.assigned_to ?>
<h2 id="empty-title">No tickets match these filters</h2>
<p>Change or clear the filters to see more tickets.</p>
<a class="btn btn-secondary" href="/tickets">Clear filters</a>
<?cs else ?>
<h2 id="empty-title">No tickets yet</h2>
<?cs if:User.role == "agent" ?>
<p>Tickets an admin assigns to you will show up here. You can also open one yourself.</p>
<?cs else ?>
<p>When you need help, open a ticket: describe the problem and follow every reply here.</p>
<?cs /if ?>
<a class="btn" href="/tickets/new">Create a ticket</a>
<?cs /if ?>
</section>
<?cs /if ?>
<?cs include:"_footer.cs" ?>
