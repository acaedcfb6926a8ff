<?cs # admin_catalog_delete.cs: GET /admin/<kind>/:id/delete (admins): asks
     before POST /admin/<kind>/:id/delete deletes one category or priority,
     and says how many tickets use it (Uses; absent if it could not be
     counted). HDF: Kind, Item, Uses. ?><?cs
include:"_catalog.cs" ?><?cs set:Page.title = "Delete " + K.one ?><?cs include:"_header.cs" ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="<?cs var:K.path ?>"><?cs var:K.Many ?></a><span aria-hidden="true"> / </span><span aria-current="page"><?cs var:Item.name ?></span></nav>
<section class="card confirm-card" aria-labelledby="confirm-title">
<h1 id="confirm-title">Delete <?cs var:K.one ?> “<?cs var:Item.name ?>”?</h1>
<p><?cs if:!?Uses ?>Tickets that use it keep existing, with the <?cs var:K.one ?> cleared.<?cs
elif:#Uses == 0 ?>No ticket uses it.<?cs
elif:#Uses == 1 ?><a href="/tickets?<?cs var:K.filter ?>=<?cs var:Item.id ?>">1 ticket</a> uses it; it keeps existing with the <?cs var:K.one ?> cleared.<?cs
else ?><a href="/tickets?<?cs var:K.filter ?>=<?cs var:Item.id ?>"><?cs var:Uses ?> tickets</a> use it; they keep existing with the <?cs var:K.one ?> cleared.<?cs /if ?></p>
<p class="hint">This cannot be undone. The audit log keeps a record of the <?cs var:K.one ?> as it was.</p>
<form method="post" action="<?cs var:K.path ?>/<?cs var:Item.id ?>/delete">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="form-actions">
<button type="submit" class="btn btn-danger">Delete <?cs var:K.one ?></button>
<a class="btn btn-secondary" href="<?cs var:K.path ?>">Cancel</a>
</div>
</form>
</section>
<?cs include:"_footer.cs" ?>
