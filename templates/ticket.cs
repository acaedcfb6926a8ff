<?cs # ticket.cs: one ticket (GET /tickets/:id): details, description, the
     conversation (internal notes marked; tk_get leaves them out for
     clients) and only the forms the server allows (Can.*, Next.*).
     After a failed post, Failed names the form and Form.*/Errors.* hold
     its input. ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs
if:Failed == "edit" ?><?cs
	set:Edit.title = Form.title ?><?cs set:Edit.description = Form.description ?><?cs
	set:Edit.category = Form.category_id ?><?cs set:Edit.priority = Form.priority_id ?><?cs
else ?><?cs
	set:Edit.title = Ticket.title ?><?cs set:Edit.description = Ticket.description ?><?cs
	set:Edit.category = Ticket.category_id ?><?cs set:Edit.priority = Ticket.priority_id ?><?cs
/if ?><?cs
if:Failed == "assign" ?><?cs set:Edit.agent = Form.agent_id ?><?cs
else ?><?cs set:Edit.agent = Ticket.ticket_assignments.0.agent_id ?><?cs /if ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/tickets">Tickets</a><span aria-hidden="true"> / </span><span aria-current="page">#<?cs var:Ticket.id ?></span></nav>
<div class="ticket-head">
<p class="ticket-ref">Ticket <span class="mono">#<?cs var:Ticket.id ?></span></p>
<h1 class="ticket-title"><?cs var:Ticket.title ?></h1>
<ul class="ticket-badges" aria-label="Summary">
<li><span class="visually-hidden">Status: </span><?cs call:status_badge(Ticket.status) ?></li>
<li><span class="visually-hidden">Priority: </span><?cs if:Ticket.priority.name ?><?cs call:priority_badge(Ticket.priority) ?><?cs else ?><span class="badge">No priority</span><?cs /if ?></li>
<li><span class="visually-hidden">Category: </span><?cs if:Ticket.category.name ?><span class="badge badge-category"><?cs var:Ticket.category.name ?></span><?cs else ?><span class="badge">No category</span><?cs /if ?></li>
</ul>
</div>
<?cs if:Failed ?>
<div class="alert alert-error" role="alert"><p>That did not go through. Please correct the <a href="#form-<?cs var:Failed ?>">form below</a>.</p></div>
<?cs /if ?>

<div class="ticket-layout">
<div class="ticket-main">
<article class="card post post-opening" aria-labelledby="desc-title">
<header class="post-head">
<p><strong><?cs var:Ticket.creator.name ?></strong> <span class="muted">opened this ticket</span></p>
<span class="post-time"><?cs call:when(Ticket.created_at) ?></span>
</header>
<h2 id="desc-title" class="visually-hidden">Description</h2>
<div class="post-body"><?cs var:Ticket.description ?></div>
</article>

<section id="attachments" class="card attachments" aria-labelledby="files-title">
<h2 class="card-title" id="files-title">Attachments <span class="count"><?cs var:subcount(Ticket.attachments) ?></span></h2>
<?cs if:subcount(Ticket.attachments) > 0 ?>
<ul class="files">
<?cs each:f = Ticket.attachments ?>
<li class="file">
<?cs if:f.content_type == "image/png" || f.content_type == "image/jpeg" || f.content_type == "image/gif" || f.content_type == "image/webp" ?><a class="file-thumb" href="/attachments/<?cs var:f.id ?>" tabindex="-1" aria-hidden="true"><img src="/attachments/<?cs var:f.id ?>/preview" alt="" width="56" height="56" loading="lazy"></a><?cs
else ?><span class="file-thumb file-icon" aria-hidden="true"><?cs if:f.content_type == "application/pdf" ?>PDF<?cs else ?>TXT<?cs /if ?></span><?cs /if ?>
<div class="file-info">
<a class="file-name" href="/attachments/<?cs var:f.id ?>"><?cs var:f.filename ?></a>
<span class="file-meta"><?cs call:size(f.size_bytes) ?> &middot; <?cs if:f.uploader.name ?><?cs var:f.uploader.name ?><?cs else ?>Former user<?cs /if ?> &middot; <?cs call:when(f.created_at) ?></span>
</div>
</li>
<?cs /each ?>
</ul>
<?cs else ?>
<p class="muted">No files yet.<?cs if:Can.reply ?> Screenshots, logs or documents help us help you.<?cs /if ?></p>
<?cs /if ?>
<?cs if:Can.reply ?>
<form id="form-upload" class="upload-form" method="post" action="/tickets/<?cs var:Ticket.id ?>/attachments" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="file">Attach a file</label>
<input id="file" name="file" type="file" required accept=".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain" aria-describedby="file-hint">
<p class="hint" id="file-hint">PNG, JPEG, GIF, WebP, PDF or plain text, up to <?cs var:Site.max_upload_mb ?> MB.</p>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">Upload</button>
</div>
</form>
<?cs /if ?>
</section>

<section class="conversation" aria-labelledby="conv-title">
<h2 id="conv-title">Conversation <span class="count"><?cs var:subcount(Ticket.ticket_comments) ?></span></h2>
<?cs if:subcount(Ticket.ticket_comments) > 0 ?>
<ol class="comments">
<?cs each:c = Ticket.ticket_comments ?>
<li id="comment-<?cs var:c.id ?>" class="post<?cs if:c.is_internal ?> post-internal<?cs /if ?><?cs if:c.user_id != Ticket.created_by ?> post-staff<?cs /if ?>">
<header class="post-head">
<p><strong><?cs if:c.user.name ?><?cs var:c.user.name ?><?cs else ?>Former user<?cs /if ?></strong><?cs if:c.user_id == Ticket.created_by ?> <span class="tag">Requester</span><?cs else ?> <span class="tag tag-staff">Support</span><?cs /if ?><?cs if:c.is_internal ?> <span class="badge badge-internal">Internal note</span><?cs /if ?></p>
<span class="post-time"><?cs call:when(c.created_at) ?></span>
</header>
<div class="post-body"><?cs var:c.message ?></div>
</li>
<?cs /each ?>
</ol>
<?cs else ?>
<p class="muted conversation-empty">No replies yet.</p>
<?cs /if ?>

<?cs if:Can.reply ?>
<form id="form-reply" class="card form-stack reply-form" method="post" action="/tickets/<?cs var:Ticket.id ?>/comments">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="message">Add a reply</label>
<textarea id="message" name="message" rows="5" required maxlength="20000"<?cs if:Errors.message ?> aria-invalid="true" aria-describedby="message-error"<?cs /if ?>><?cs if:Failed == "reply" ?><?cs var:Form.message ?><?cs /if ?></textarea>
<?cs if:Errors.message ?><p class="field-error" id="message-error"><?cs var:Errors.message ?></p><?cs /if ?>
</div>
<?cs if:Can.internal ?>
<div class="field">
<label class="check" for="is_internal"><input id="is_internal" name="is_internal" type="checkbox" value="true" aria-describedby="is_internal-hint"<?cs if:Failed == "reply" && Form.is_internal == "true" ?> checked<?cs /if ?>> Internal note</label>
<p class="hint" id="is_internal-hint">Only agents and admins see internal notes; the requester does not.</p>
<?cs if:Errors.is_internal ?><p class="field-error" id="is_internal-error"><?cs var:Errors.is_internal ?></p><?cs /if ?>
</div>
<?cs /if ?>
<div class="form-actions">
<button type="submit" class="btn">Send</button>
</div>
</form>
<?cs else ?>
<div class="alert alert-info"><p>This ticket is closed, so it takes no more replies.<?cs if:Next.0 ?> You can reopen it.<?cs /if ?></p></div>
<?cs /if ?>
</section>

</div>

<aside class="ticket-side" aria-label="Ticket details and actions">
<section class="card" aria-labelledby="details-title">
<h2 class="card-title" id="details-title">Details</h2>
<dl class="meta">
<dt>Status</dt><dd><?cs call:status_badge(Ticket.status) ?></dd>
<dt>Priority</dt><dd><?cs call:priority_badge(Ticket.priority) ?></dd>
<dt>Category</dt><dd><?cs if:Ticket.category.name ?><?cs var:Ticket.category.name ?><?cs else ?><span class="muted">None</span><?cs /if ?></dd>
<dt>Requester</dt><dd><?cs var:Ticket.creator.name ?><?cs if:User.role != "client" ?><span class="sub"><?cs var:Ticket.creator.email ?></span><?cs /if ?></dd>
<dt>Assigned to</dt><dd><?cs if:Ticket.ticket_assignments.0.agent.name ?><?cs var:Ticket.ticket_assignments.0.agent.name ?><?cs else ?><span class="muted">Unassigned</span><?cs /if ?></dd>
<dt>Created</dt><dd><?cs call:when(Ticket.created_at) ?></dd>
<dt>Updated</dt><dd><?cs call:when(Ticket.updated_at) ?></dd>
</dl>
<?cs if:Ticket.ticket_assignments.0.note && User.role != "client" ?>
<p class="assign-note"><span class="label">Assignment note</span> <?cs var:Ticket.ticket_assignments.0.note ?></p>
<?cs /if ?>
</section>

<?cs if:Next.0 ?>
<section class="card" aria-labelledby="status-title">
<h2 class="card-title" id="status-title">Status</h2>
<form id="form-status" class="status-actions" method="post" action="/tickets/<?cs var:Ticket.id ?>/status">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<?cs each:n = Next ?><button type="submit" name="status" value="<?cs var:n ?>" class="btn <?cs if:n == "Resolved" || (n == "In Progress" && Ticket.status == "Open") ?>btn-primary<?cs else ?>btn-secondary<?cs /if ?>"><?cs call:next_label(Ticket.status, n) ?><span class="visually-hidden"> (set status to <?cs var:n ?>)</span></button>
<?cs /each ?>
<?cs if:Errors.status ?><p class="field-error" id="status-error"><?cs var:Errors.status ?></p><?cs /if ?>
</form>
</section>
<?cs /if ?>

<?cs if:Can.assign ?>
<section class="card" aria-labelledby="assign-title">
<h2 class="card-title" id="assign-title">Assignment</h2>
<form id="form-assign" class="form-stack" method="post" action="/tickets/<?cs var:Ticket.id ?>/assign">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="agent_id">Assign to</label>
<select id="agent_id" name="agent_id"<?cs if:Errors.agent_id ?> aria-invalid="true" aria-describedby="agent_id-error"<?cs /if ?>>
<option value="">Nobody (unassigned)</option>
<?cs each:a = Agents ?><option value="<?cs var:a.id ?>"<?cs if:a.id == Edit.agent ?> selected<?cs /if ?>><?cs var:a.name ?> (<?cs var:a.email ?>)</option>
<?cs /each ?></select>
<?cs if:Errors.agent_id ?><p class="field-error" id="agent_id-error"><?cs var:Errors.agent_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="note">Note <span class="optional">(optional)</span></label>
<textarea id="note" name="note" rows="2" maxlength="1000"<?cs if:Errors.note ?> aria-invalid="true" aria-describedby="note-error"<?cs /if ?>><?cs if:Failed == "assign" ?><?cs var:Form.note ?><?cs /if ?></textarea>
<?cs if:Errors.note ?><p class="field-error" id="note-error"><?cs var:Errors.note ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">Save assignment</button>
</div>
</form>
</section>
<?cs /if ?>

<?cs if:Can.edit ?>
<section class="card edit-card" aria-labelledby="edit-title">
<details<?cs if:Failed == "edit" ?> open<?cs /if ?>>
<summary><h2 class="card-title" id="edit-title">Edit ticket</h2></summary>
<form id="form-edit" class="form-stack" method="post" action="/tickets/<?cs var:Ticket.id ?>/edit">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="edit-title-input">Title</label>
<input id="edit-title-input" name="title" type="text" required maxlength="255" value="<?cs var:Edit.title ?>"<?cs if:Errors.title ?> aria-invalid="true" aria-describedby="edit-title-error"<?cs /if ?>>
<?cs if:Errors.title ?><p class="field-error" id="edit-title-error"><?cs var:Errors.title ?></p><?cs /if ?>
</div>
<div class="field">
<label for="edit-description">Description</label>
<textarea id="edit-description" name="description" rows="6" required maxlength="20000"<?cs if:Errors.description ?> aria-invalid="true" aria-describedby="edit-description-error"<?cs /if ?>><?cs var:Edit.description ?></textarea>
<?cs if:Errors.description ?><p class="field-error" id="edit-description-error"><?cs var:Errors.description ?></p><?cs /if ?>
</div>
<div class="field">
<label for="edit-category">Category</label>
<select id="edit-category" name="category_id"<?cs if:Errors.category_id ?> aria-invalid="true" aria-describedby="edit-category-error"<?cs /if ?>>
<option value="">None</option>
<?cs each:o = Categories ?><option value="<?cs var:o.id ?>"<?cs if:o.id == Edit.category ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.category_id ?><p class="field-error" id="edit-category-error"><?cs var:Errors.category_id ?></p><?cs /if ?>
</div>
<div class="field">
<label for="edit-priority">Priority</label>
<select id="edit-priority" name="priority_id"<?cs if:Errors.priority_id ?> aria-invalid="true" aria-describedby="edit-priority-error"<?cs /if ?>>
<option value="">None</option>
<?cs each:o = Priorities ?><option value="<?cs var:o.id ?>"<?cs if:o.id == Edit.priority ?> selected<?cs /if ?>><?cs var:o.name ?></option>
<?cs /each ?></select>
<?cs if:Errors.priority_id ?><p class="field-error" id="edit-priority-error"><?cs var:Errors.priority_id ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">Save changes</button>
</div>
</form>
</details>
</section>
<?cs /if ?>
</aside>

<section class="card history" aria-labelledby="history-title">
<h2 class="card-title" id="history-title">History</h2>
<?cs if:subcount(History) > 0 ?>
<ol class="timeline">
<?cs each:h = History ?>
<li class="event event-<?cs var:h.action ?><?cs if:h.payload.is_internal ?> event-internal<?cs /if ?>">
<p class="event-what"><strong><?cs if:h.performer.name ?><?cs var:h.performer.name ?><?cs else ?>Someone<?cs /if ?></strong> <?cs
if:h.action == "created" ?>opened the ticket<?cs
elif:h.action == "updated" ?><?cs each:c = h.payload.changes ?><?cs if:!first(c) ?>, <?cs /if ?><?cs
	if:name(c) == "status" ?>moved it from <?cs var:c.from ?> to <?cs var:c.to ?><?cs
	elif:name(c) == "title" ?>renamed it to &ldquo;<?cs var:c.to ?>&rdquo;<?cs
	elif:name(c) == "description" ?>edited the description<?cs
	elif:name(c) == "category_id" ?>changed the category from <?cs call:label(h.labels.category_from, c.from) ?> to <?cs call:label(h.labels.category_to, c.to) ?><?cs
	elif:name(c) == "priority_id" ?>changed the priority from <?cs call:label(h.labels.priority_from, c.from) ?> to <?cs call:label(h.labels.priority_to, c.to) ?><?cs
	else ?>changed <?cs var:name(c) ?><?cs /if ?><?cs /each ?><?cs
elif:h.action == "assigned" ?><?cs if:h.payload.new_agent_id ?>assigned it to <?cs call:label(h.labels.new_agent, h.payload.new_agent_id) ?><?cs if:h.payload.old_agent_id ?> (was <?cs call:label(h.labels.old_agent, h.payload.old_agent_id) ?>)<?cs /if ?><?cs else ?>removed the assignment<?cs if:h.payload.old_agent_id ?> of <?cs call:label(h.labels.old_agent, h.payload.old_agent_id) ?><?cs /if ?><?cs /if ?><?cs
elif:h.action == "commented" ?><?cs if:h.payload.is_internal ?>added an <span class="badge badge-internal">internal note</span><?cs else ?>replied<?cs /if ?><?cs
elif:h.action == "attachment_uploaded" ?>attached <?cs var:h.payload.filename ?><?cs
elif:h.action == "attachment_downloaded" ?>downloaded <?cs var:h.payload.filename ?><?cs
elif:h.action == "attachment_damaged" ?>could not download <?cs var:h.payload.filename ?>: the stored file is damaged<?cs
else ?><?cs var:h.action ?><?cs /if ?></p>
<?cs if:h.action == "commented" && h.payload.message_preview ?><p class="event-detail"><?cs var:h.payload.message_preview ?></p><?cs
elif:h.action == "assigned" && h.payload.note && User.role != "client" ?><p class="event-detail"><?cs var:h.payload.note ?></p><?cs /if ?>
<span class="event-time"><?cs call:when(h.created_at) ?></span>
</li>
<?cs /each ?>
</ol>
<?cs if:subcount(History) >= 100 ?><p class="muted">Showing the latest 100 entries.</p><?cs /if ?>
<?cs if:User.role == "admin" ?><p class="small"><a href="/admin/audit?entity_type=ticket&amp;entity_id=<?cs var:Ticket.id ?>">Open the full audit log of this ticket</a> (with addresses and devices)</p><?cs /if ?>
<?cs else ?>
<p class="muted">Nothing has been recorded for this ticket yet.</p>
<?cs /if ?>
</section>
</div>
<?cs include:"_footer.cs" ?>
