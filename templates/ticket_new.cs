<?cs # ticket_new.cs: the new ticket form (GET and POST /tickets/new), with
     per-field errors tied to their inputs and the values kept.
     The form may carry one file (multipart; served by the attachments
     group, which creates the ticket and its file in one transaction).
     HDF: Form.*, Errors.*, Error.message, Categories, Priorities. ?><?cs include:"_header.cs" ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/tickets">Tickets</a><span aria-hidden="true"> / </span><span aria-current="page">New ticket</span></nav>
<div class="page-head">
<div>
<h1>New ticket</h1>
<p class="lead">Tell us what you need. The clearer the description, the faster the answer.</p>
</div>
</div>

<div class="form-layout">
<form class="card form-stack ticket-form" method="post" action="/tickets/new" enctype="multipart/form-data">
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="title">Title</label>
<input id="title" name="title" type="text" required maxlength="255" value="<?cs var:Form.title ?>" aria-describedby="title-hint<?cs if:Errors.title ?> title-error<?cs /if ?>"<?cs if:Errors.title ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="title-hint">One line that sums it up, e.g. “Cannot export the monthly invoice”.</p>
<?cs if:Errors.title ?><p class="field-error" id="title-error"><?cs var:Errors.title ?></p><?cs /if ?>
</div>
<div class="field">
<label for="description">Description</label>
<textarea id="description" name="description" rows="9" required maxlength="20000" aria-describedby="description-hint<?cs if:Errors.description ?> description-error<?cs /if ?>"<?cs if:Errors.description ?> aria-invalid="true"<?cs /if ?>><?cs var:Form.description ?></textarea>
<p class="hint" id="description-hint">What happened, what you expected, and the steps to see it. Line breaks are kept.</p>
<?cs if:Errors.description ?><p class="field-error" id="description-error"><?cs var:Errors.description ?></p><?cs /if ?>
</div>
<div class="form-row">
<div class="field">
<label for="category_id">Category <span class="optional">(optional)</span></label>
<select id="category_id" name="category_id"<?cs if:Errors.category_id ?> aria-invalid="true" aria-describedby="category_id-error"<?cs /if ?>>
<option value="">Not sure</option>
<?cs each:o = Categories ?><option value="<?cs var:o.id ?>"<?cs if:Form.category_id == o.id ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.category_id ?><p class="field-error" id="category_id-error"><?cs var:Errors.category_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="priority_id">Priority <span class="optional">(optional)</span></label>
<select id="priority_id" name="priority_id"<?cs if:Errors.priority_id ?> aria-invalid="true" aria-describedby="priority_id-error"<?cs /if ?>>
<option value="">Not set</option>
<?cs each:o = Priorities ?><option value="<?cs var:o.id ?>"<?cs if:Form.priority_id == o.id ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.priority_id ?><p class="field-error" id="priority_id-error"><?cs var:Errors.priority_id ?></p><?cs /if ?>
</div>
</div>
<div class="field">
<label for="file">Attachment <span class="optional">(optional)</span></label>
<input id="file" name="file" type="file" accept=".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain" aria-describedby="file-hint<?cs if:Errors.file ?> file-error<?cs /if ?>"<?cs if:Errors.file ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="file-hint">A screenshot or document: PNG, JPEG, GIF, WebP, PDF or plain text, up to <?cs var:Site.max_upload_mb ?> MB. More files can be added on the ticket page.</p>
<?cs if:Errors.file ?><p class="field-error" id="file-error"><?cs var:Errors.file ?></p><?cs
elif:Form.file_again ?><p class="hint">If you chose a file, please choose it again: files are not kept when the form has errors.</p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Create ticket</button>
<a class="btn btn-secondary" href="/tickets">Cancel</a>
</div>
</form>
<aside class="card form-aside" aria-labelledby="tips-title">
<h2 class="card-title" id="tips-title">What happens next</h2>
<ol class="steps">
<li><span class="badge badge-open">Open</span> Your ticket is in the queue.</li>
<li><span class="badge badge-in-progress">In Progress</span> An agent is working on it and replies here.</li>
<li><span class="badge badge-resolved">Resolved</span> Check the answer; close the ticket or reopen it.</li>
</ol>
<p class="hint">Need to add something later? Reply on the ticket page at any time until it is closed.</p>
</aside>
</div>
<?cs include:"_footer.cs" ?>
