<?cs # admin_catalog_edit.cs: GET /admin/<kind>/:id/edit and a refused
     POST /admin/<kind>/:id (admins): the edit form of one category or
     priority, filled from Item, or after a refused post from Form.* with
     Errors.* (Failed). HDF: Kind, Item. ?><?cs
include:"_catalog.cs" ?><?cs set:Page.title = "Edit " + K.one ?><?cs include:"_header.cs" ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="<?cs var:K.path ?>"><?cs var:K.Many ?></a><span aria-hidden="true"> / </span><span aria-current="page"><?cs var:Item.name ?></span></nav>
<div class="page-head">
<div>
<h1>Edit <?cs var:K.one ?></h1>
<p class="lead">Changes show at once on every ticket that has this <?cs var:K.one ?>.</p>
</div>
</div>

<div class="form-layout">
<form class="card form-stack" method="post" action="<?cs var:K.path ?>/<?cs var:Item.id ?>" aria-label="Edit <?cs var:K.one ?> <?cs var:Item.name ?>">
<?cs if:Failed ?>
<div class="alert alert-error" role="alert"><p>The changes were not saved. Please correct the fields marked below.</p></div>
<?cs /if ?>
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<?cs if:Failed ?><?cs call:catalog_fields(Form) ?><?cs else ?><?cs call:catalog_fields(Item) ?><?cs /if ?>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Save changes</button>
<a class="btn btn-secondary" href="<?cs var:K.path ?>">Cancel</a>
</div>
</form>
<aside class="card" aria-labelledby="danger-title">
<h2 class="card-title" id="danger-title">Delete this <?cs var:K.one ?></h2>
<p class="hint">Tickets that have it keep existing, with no <?cs var:K.one ?>. You will be asked to confirm.</p>
<div class="form-actions">
<a class="btn btn-secondary btn-delete" href="<?cs var:K.path ?>/<?cs var:Item.id ?>/delete">Delete <?cs var:K.one ?>…</a>
</div>
</aside>
</div>
<?cs include:"_footer.cs" ?>
