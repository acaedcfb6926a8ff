<?cs # dashboard.cs: signed-in home. A 12-column grid of cards; later issues add
     count cards, recent tickets and charts to the same grid. ?><?cs include:"_header.cs" ?>
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
<section class="card col-4" aria-labelledby="account-title">
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

<section class="card empty-state col-8" aria-labelledby="tickets-empty-title">
<div class="empty-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/><path d="M9 11h6"/></svg></div>
<h2 id="tickets-empty-title">Your tickets will appear here</h2>
<?cs if:User.role == "client" ?>
<p>When you open a ticket, its status and the latest replies show up on this page.</p>
<a class="btn" href="/tickets/new">Create a ticket</a>
<?cs else ?>
<p>Counts and recent activity for the tickets you work on show up on this page.</p>
<a class="btn" href="/tickets">Go to the ticket list</a>
<?cs /if ?>
</section>
</div>
<?cs include:"_footer.cs" ?>
