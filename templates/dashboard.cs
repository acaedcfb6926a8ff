<?cs # dashboard.cs: the signed-in home (GET /dashboard). HDF: Stats (the
     statistics API's dashboard: totals, byStatus, recentTickets, users for
     admins), People (admins: clients, agents, admins, deactivated), Chart
     (the last 30 UTC days: days.N with the opened and resolved bars,
     ticks, sums, axis), ByStatus and ByPriority (rows.N with their bars,
     height). Every coordinate is computed in lib/stats.c; the charts are
     inline SVG with a title, a description and a table of their numbers. ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs

# The bar class of a status (colours in ssts.css, dashboard section). ?><?cs
def:status_bar(s) ?>bar-<?cs
	if:s == "In Progress" ?>in-progress<?cs
	elif:s == "Resolved" ?>resolved<?cs
	elif:s == "Closed" ?>closed<?cs
	else ?>open<?cs /if ?><?cs
/def ?><?cs

# One count card; href empty: not a link. ?><?cs
def:stat_card(key, value, label, href) ?><li class="card stat-card stat-<?cs var:key ?>"><?cs
	if:href ?><a class="stat-link" href="<?cs var:href ?>"><?cs /if ?><span class="stat-value" id="stat-<?cs var:key ?>"><?cs var:value ?></span><span class="stat-label"><?cs var:label ?></span><?cs
	if:href ?></a><?cs /if ?></li><?cs
/def ?><?cs

# A breakdown (ByStatus, ByPriority) as horizontal bars; id names its parts. ?><?cs
def:rows_chart(b, id, title, kind) ?><svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rows" id="<?cs var:id ?>-chart" viewBox="0 0 <?cs var:b.width ?> <?cs var:b.height ?>" role="img" aria-labelledby="<?cs var:id ?>-title <?cs var:id ?>-desc">
<title id="<?cs var:id ?>-title"><?cs var:title ?></title>
<desc id="<?cs var:id ?>-desc"><?cs each:w = b.rows ?><?cs if:w.name ?><?cs var:w.name ?><?cs else ?>No priority<?cs /if ?>: <?cs var:w.count ?>. <?cs /each ?></desc>
<?cs each:w = b.rows ?><text class="chart-label" x="0" y="<?cs var:w.ty ?>"><?cs if:w.name ?><?cs var:w.name ?><?cs else ?>No priority<?cs /if ?></text>
<rect class="chart-track" x="0" y="<?cs var:w.y ?>" width="<?cs var:b.track ?>" height="<?cs var:w.h ?>"/>
<?cs if:#w.count > 0 ?><rect class="<?cs if:kind == "status" ?><?cs call:status_bar(w.name) ?><?cs else ?>bar-priority<?cs /if ?>" x="<?cs var:w.x ?>" y="<?cs var:w.y ?>" width="<?cs var:w.w ?>" height="<?cs var:w.h ?>"/>
<?cs /if ?><text class="chart-value" x="<?cs var:w.vx ?>" y="<?cs var:w.vy ?>"><?cs var:w.count ?></text>
<?cs /each ?></svg><?cs
/def ?><?cs

# The same numbers as a table, for screen readers and copying. ?><?cs
def:rows_table(b, id, head) ?><details class="chart-data">
<summary>Show as a table<span class="visually-hidden"> (tickets by <?cs var:head ?>)</span></summary>
<table class="chart-table" id="<?cs var:id ?>-table">
<thead><tr><th scope="col"><?cs var:head ?></th><th scope="col" class="num">Tickets</th></tr></thead>
<tbody>
<?cs each:w = b.rows ?><tr><th scope="row"><?cs if:w.name ?><?cs var:w.name ?><?cs else ?>No priority<?cs /if ?></th><td class="num"><?cs var:w.count ?></td></tr>
<?cs /each ?></tbody>
</table>
</details><?cs
/def ?>
<div class="welcome">
<div>
<h1>Welcome, <?cs var:User.name ?></h1>
<p class="lead"><?cs if:User.role == "client" ?>Open a ticket whenever you need help, and follow it here.<?cs elif:User.role == "agent" ?>Pick up open tickets and keep them moving.<?cs else ?>Keep an eye on tickets, people and settings.<?cs /if ?></p>
</div>
<div class="btn-row">
<?cs if:User.role == "client" ?>
<a class="btn" href="/tickets/new">New ticket</a>
<a class="btn btn-secondary" href="/tickets">My tickets</a>
<?cs else ?>
<a class="btn" href="/tickets">All tickets</a>
<?cs /if ?>
</div>
</div>

<div class="dash-grid">
<?cs if:#Stats.totals.total > 0 ?>
<section class="col-12 dash-counts" aria-labelledby="counts-title">
<h2 class="visually-hidden" id="counts-title">Ticket counts</h2>
<ul class="stat-cards">
<?cs if:User.role == "client" ?><?cs set:total_label = "Your tickets" ?><?cs elif:User.role == "agent" ?><?cs set:total_label = "Assigned to you" ?><?cs else ?><?cs set:total_label = "All tickets" ?><?cs /if ?>
<?cs call:stat_card("total", Stats.totals.total, total_label, "/tickets") ?>
<?cs call:stat_card("open", Stats.totals.open, "Open", "/tickets?status=Open") ?>
<?cs call:stat_card("in-progress", Stats.totals.inProgress, "In progress", "/tickets?status=In+Progress") ?>
<?cs call:stat_card("resolved", Stats.totals.resolved, "Resolved", "/tickets?status=Resolved") ?>
<?cs call:stat_card("closed", Stats.totals.closed, "Closed", "/tickets?status=Closed") ?>
<?cs if:User.role == "admin" ?><?cs call:stat_card("unassigned", Stats.totals.unassigned, "Unassigned", "") ?><?cs /if ?>
</ul>
</section>

<section class="card col-12 dash-chart" aria-labelledby="days-heading">
<div class="card-header">
<h2 class="card-title" id="days-heading">Last 30 days</h2>
<ul class="chart-legend" aria-label="Legend">
<li><span class="swatch swatch-opened" aria-hidden="true"></span>Opened <span class="muted">(<?cs var:Chart.opened ?>)</span></li>
<li><span class="swatch swatch-resolved" aria-hidden="true"></span>Resolved <span class="muted">(<?cs var:Chart.resolved ?>)</span></li>
</ul>
</div>
<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-days" id="days-chart" viewBox="0 0 640 232" role="img" aria-labelledby="days-title days-desc">
<title id="days-title">Tickets opened and resolved per day, last 30 days (UTC)</title>
<desc id="days-desc"><?cs var:Chart.opened ?> opened and <?cs var:Chart.resolved ?> resolved from <?cs var:Chart.days.0.date ?> to <?cs var:Chart.days.29.date ?>. The table below the chart lists each day.</desc>
<g class="chart-grid">
<?cs each:k = Chart.ticks ?><line x1="<?cs var:Chart.x0 ?>" x2="<?cs var:Chart.x1 ?>" y1="<?cs var:k.y ?>" y2="<?cs var:k.y ?>"/>
<text class="chart-axis" x="<?cs var:Chart.ax ?>" y="<?cs var:k.y ?>" dy="4" text-anchor="end"><?cs var:k.value ?></text>
<?cs /each ?></g>
<g class="bar-opened">
<?cs each:d = Chart.days ?><?cs if:#d.opened > 0 ?><rect x="<?cs var:d.ox ?>" y="<?cs var:d.oy ?>" width="<?cs var:d.ow ?>" height="<?cs var:d.oh ?>"><title><?cs var:d.label ?>: <?cs var:d.opened ?> opened</title></rect>
<?cs /if ?><?cs /each ?></g>
<g class="bar-resolved">
<?cs each:d = Chart.days ?><?cs if:#d.resolved > 0 ?><rect x="<?cs var:d.rx ?>" y="<?cs var:d.ry ?>" width="<?cs var:d.rw ?>" height="<?cs var:d.rh ?>"><title><?cs var:d.label ?>: <?cs var:d.resolved ?> resolved</title></rect>
<?cs /if ?><?cs /each ?></g>
<line class="chart-baseline" x1="<?cs var:Chart.x0 ?>" x2="<?cs var:Chart.x1 ?>" y1="<?cs var:Chart.base ?>" y2="<?cs var:Chart.base ?>"/>
<?cs each:d = Chart.days ?><?cs if:d.show ?><text class="chart-axis" x="<?cs var:d.cx ?>" y="<?cs var:Chart.label_y ?>" text-anchor="<?cs var:d.anchor ?>"><?cs var:d.label ?></text>
<?cs /if ?><?cs /each ?></svg>
<details class="chart-data">
<summary>Show as a table<span class="visually-hidden"> (tickets per day)</span></summary>
<table class="chart-table" id="days-table">
<thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Opened</th><th scope="col" class="num">Resolved</th></tr></thead>
<tbody>
<?cs each:d = Chart.days ?><tr><th scope="row"><time datetime="<?cs var:d.date ?>"><?cs var:d.date ?></time></th><td class="num"><?cs var:d.opened ?></td><td class="num"><?cs var:d.resolved ?></td></tr>
<?cs /each ?></tbody>
</table>
</details>
</section>

<section class="card col-6" aria-labelledby="status-heading">
<h2 class="card-title" id="status-heading">By status</h2>
<?cs call:rows_chart(ByStatus, "status", "Tickets by status", "status") ?>
<?cs call:rows_table(ByStatus, "status", "Status") ?>
</section>

<section class="card col-6" aria-labelledby="priority-heading">
<h2 class="card-title" id="priority-heading">By priority</h2>
<?cs call:rows_chart(ByPriority, "priority", "Tickets by priority", "priority") ?>
<?cs call:rows_table(ByPriority, "priority", "Priority") ?>
</section>

<section class="card col-8" aria-labelledby="recent-heading">
<div class="card-header">
<h2 class="card-title" id="recent-heading">Recent tickets</h2>
<a class="small" href="/tickets">See all</a>
</div>
<ol class="recent-list" id="recent-tickets">
<?cs each:t = Stats.recentTickets ?><li>
<a href="/tickets/<?cs var:t.id ?>"><span class="recent-id mono">#<?cs var:t.id ?></span> <span class="recent-title"><?cs var:t.title ?></span></a>
<span class="recent-meta"><?cs call:status_badge(t.status) ?> <span class="muted small"><?cs if:User.role != "client" ?><?cs var:t.creator.name ?> · <?cs /if ?><?cs call:when(t.created_at) ?></span></span>
</li>
<?cs /each ?></ol>
</section>
<?cs else ?>
<section class="card empty-state col-8" aria-labelledby="tickets-empty-title">
<div class="empty-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/><path d="M9 11h6"/></svg></div>
<h2 id="tickets-empty-title">No tickets yet</h2>
<?cs if:User.role == "client" ?>
<p>When you open a ticket, its status, the latest replies and your numbers show up on this page.</p>
<a class="btn" href="/tickets/new">New ticket</a>
<?cs elif:User.role == "agent" ?>
<p>No ticket is assigned to you yet. When an admin assigns one, your counts and charts show up here.</p>
<a class="btn" href="/tickets">Go to the ticket list</a>
<?cs else ?>
<p>Nobody has opened a ticket yet. Counts and charts show up here as soon as one arrives.</p>
<a class="btn" href="/tickets">Go to the ticket list</a>
<?cs /if ?>
</section>
<?cs /if ?>

<div class="col-4 dash-side">
<?cs if:User.role == "admin" ?>
<section class="card" aria-labelledby="people-title">
<span class="card-eyebrow">People</span>
<h2 class="card-title" id="people-title"><?cs var:Stats.users.total ?> account<?cs if:#Stats.users.total != 1 ?>s<?cs /if ?></h2>
<dl class="meta" id="people-counts">
<dt>Clients</dt>
<dd id="people-clients"><?cs var:#People.clients ?></dd>
<dt>Agents</dt>
<dd id="people-agents"><?cs var:#People.agents ?></dd>
<dt>Admins</dt>
<dd id="people-admins"><?cs var:#People.admins ?></dd>
<dt>Deactivated</dt>
<dd id="people-deactivated"><?cs var:#People.deactivated ?></dd>
</dl>
<div class="card-footer">
<a class="btn btn-secondary btn-sm" href="/admin/users">Manage users</a>
</div>
</section>
<?cs /if ?>
<section class="card" aria-labelledby="account-title">
<span class="card-eyebrow">Your account</span>
<h2 class="card-title" id="account-title">Signed in as <?cs var:User.name ?></h2>
<dl class="meta">
<dt>E-mail</dt>
<dd><?cs var:User.email ?></dd>
<dt>Role</dt>
<dd><span class="badge badge-<?cs var:User.role ?>"><?cs var:User.role ?></span></dd>
</dl>
<div class="card-footer">
<a class="btn btn-secondary btn-sm" href="/account">Account</a>
<a class="btn btn-secondary btn-sm" href="/security">Security</a>
</div>
</section>
</div>
</div>
<?cs include:"_footer.cs" ?>
