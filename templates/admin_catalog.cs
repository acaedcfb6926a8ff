<?cs # admin_catalog.cs: GET and POST /admin/categories and /admin/priorities
     (admins): every item of the kind with its Edit and Delete actions, an
     empty state, and the form for a new one, which a refused post renders
     again with its values and errors (Failed, Form.*, Errors.*).
     HDF: Kind, Items (categories by name, priorities by rank). ?><?cs
include:"_catalog.cs" ?><?cs set:Page.title = K.Many ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?>
<div class="page-head">
<div>
<h1><?cs var:K.Many ?></h1>
<p class="lead"><?cs if:Kind == "category" ?>Categories sort tickets by topic. People choose one when they open or edit a ticket.<?cs else ?>Priorities say how urgent a ticket is. The lower the rank, the more urgent.<?cs /if ?></p>
</div>
<a class="btn" href="#new-form">New <?cs var:K.one ?></a>
</div>

<?cs if:Failed ?>
<div class="alert alert-error" role="alert"><p>The new <?cs var:K.one ?> was not saved. Please correct the <a href="#new-form">fields marked below</a>.</p></div>
<?cs /if ?>

<div class="catalog-layout">
<section class="catalog-main" aria-labelledby="list-title">
<h2 class="visually-hidden" id="list-title">All <?cs var:K.many ?></h2>
<?cs if:subcount(Items) > 0 ?>
<p class="list-summary"><?cs var:subcount(Items) ?> <?cs if:subcount(Items) == 1 ?><?cs var:K.one ?><?cs else ?><?cs var:K.many ?><?cs /if ?><?cs if:Kind == "priority" ?>, most urgent first<?cs /if ?></p>
<div class="table-wrap catalog-list" role="region" aria-labelledby="list-title" tabindex="0">
<table class="catalog-table">
<thead>
<tr><th scope="col">Name</th><?cs if:Kind == "category" ?><th scope="col">Description</th><?cs else ?><th scope="col" class="num">Rank</th><th scope="col">Shown as</th><?cs /if ?><th scope="col" class="actions">Actions</th></tr>
</thead>
<tbody>
<?cs each:c = Items ?>
<tr>
<th scope="row" class="col-name"><?cs var:c.name ?></th>
<?cs if:Kind == "category" ?>
<td class="col-desc" data-label="Description"><?cs if:c.description ?><?cs var:c.description ?><?cs else ?><span class="muted">No description</span><?cs /if ?></td>
<?cs else ?>
<td class="num" data-label="Rank"><?cs var:c.rank ?></td>
<td data-label="Shown as"><?cs call:priority_badge(c) ?></td>
<?cs /if ?>
<td class="actions">
<a class="btn btn-secondary btn-sm" href="<?cs var:K.path ?>/<?cs var:c.id ?>/edit">Edit<span class="visually-hidden"> <?cs var:K.one ?> <?cs var:c.name ?></span></a>
<a class="btn btn-secondary btn-sm btn-delete" href="<?cs var:K.path ?>/<?cs var:c.id ?>/delete">Delete<span class="visually-hidden"> <?cs var:K.one ?> <?cs var:c.name ?></span></a>
<a class="small" href="/tickets?<?cs var:K.filter ?>=<?cs var:c.id ?>">Tickets<span class="visually-hidden"> with <?cs var:K.one ?> <?cs var:c.name ?></span></a>
</td>
</tr>
<?cs /each ?>
</tbody>
</table>
</div>
<?cs else ?>
<section class="card empty-state" aria-labelledby="empty-title">
<div class="empty-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 6h16M4 12h16M4 18h10"/></svg></div>
<h2 id="empty-title">No <?cs var:K.many ?> yet</h2>
<p><?cs if:Kind == "category" ?>Tickets can go without a category, but categories help everyone find and sort them. Create the first one with the form.<?cs else ?>Tickets can go without a priority, but priorities show what to handle first. Create the first one with the form.<?cs /if ?></p>
<a class="btn btn-secondary" href="#new-form">Create the first <?cs var:K.one ?></a>
</section>
<?cs /if ?>
</section>

<section class="card catalog-new" id="new-form" aria-labelledby="new-title">
<h2 class="card-title" id="new-title">New <?cs var:K.one ?></h2>
<form class="form-stack" method="post" action="<?cs var:K.path ?>">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<?cs call:catalog_fields(Form) ?>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Create <?cs var:K.one ?></button>
</div>
</form>
</section>
</div>
<?cs include:"_footer.cs" ?>
