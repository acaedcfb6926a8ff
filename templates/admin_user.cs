<?cs # admin_user.cs: one account for the admin (GET /admin/users/:id): the
     profile form (name, e-mail, role), activation, a new password. After a
     refused post, Failed names the form and Form.*/Errors.* hold its input;
     passwords are never refilled. Self is set on one's own account. ?><?cs
include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs
if:Failed == "profile" ?><?cs
	set:Edit.name = Form.name ?><?cs set:Edit.email = Form.email ?><?cs set:Edit.role = Form.role ?><?cs
else ?><?cs
	set:Edit.name = Account.name ?><?cs set:Edit.email = Account.email ?><?cs set:Edit.role = Account.role ?><?cs
/if ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/admin/users">Users</a><span aria-hidden="true"> / </span><span aria-current="page"><?cs var:Account.name ?></span></nav>
<div class="ticket-head">
<p class="ticket-ref">User <span class="mono">#<?cs var:Account.id ?></span><?cs if:Self ?> · this is you<?cs /if ?></p>
<h1 class="ticket-title"><?cs var:Account.name ?></h1>
<ul class="ticket-badges" aria-label="Summary">
<li><span class="visually-hidden">Role: </span><span class="badge badge-<?cs var:Account.role ?>"><?cs var:Account.role ?></span></li>
<li><span class="visually-hidden">Status: </span><?cs if:Account.is_active ?><span class="badge badge-active">Active</span><?cs else ?><span class="badge badge-inactive">Deactivated</span><?cs /if ?></li>
</ul>
</div>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?><?cs if:Failed ?> <a href="#form-<?cs var:Failed ?>">Go to the form</a>.<?cs /if ?></p></div>
<?cs /if ?>

<div class="ticket-layout">
<div class="ticket-main">
<section class="card" aria-labelledby="profile-title">
<h2 class="card-title" id="profile-title">Profile and role</h2>
<form id="form-profile" class="form-stack" method="post" action="/admin/users/<?cs var:Account.id ?>">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="name">Full name</label>
<input id="name" name="name" type="text" autocomplete="off" required minlength="2" maxlength="255" value="<?cs var:Edit.name ?>"<?cs if:Errors.name ?> aria-invalid="true" aria-describedby="name-error"<?cs /if ?>>
<?cs if:Errors.name ?><p class="field-error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<div class="field">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="off" inputmode="email" spellcheck="false" required maxlength="254" value="<?cs var:Edit.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs elif:Self ?> aria-describedby="email-hint"<?cs /if ?>>
<?cs if:Self ?><p class="hint" id="email-hint">Your own address is changed on <a href="/account">your Account page</a>.</p><?cs /if ?>
<?cs if:Errors.email ?><p class="field-error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="role">Role</label>
<select id="role" name="role" aria-describedby="role-hint<?cs if:Errors.role ?> role-error<?cs /if ?>"<?cs if:Errors.role ?> aria-invalid="true"<?cs /if ?>>
<option value="client"<?cs if:Edit.role == "client" ?> selected<?cs /if ?>>Client</option>
<option value="agent"<?cs if:Edit.role == "agent" ?> selected<?cs /if ?>>Agent</option>
<option value="admin"<?cs if:Edit.role == "admin" ?> selected<?cs /if ?>>Admin</option>
</select>
<p class="hint" id="role-hint">A new role applies on the user's next click; the last active admin keeps theirs.</p>
<?cs if:Errors.role ?><p class="field-error" id="role-error"><?cs var:Errors.role ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Save changes</button>
</div>
</form>
</section>

<section class="card" aria-labelledby="password-title">
<h2 class="card-title" id="password-title">Password</h2>
<?cs if:Self ?>
<p>Change your own password on <a href="/account">your Account page</a>, where your current password is asked for.</p>
<?cs else ?>
<p class="hint">Setting a new password signs <?cs var:Account.name ?> out on every device. Tell them the new password yourself.</p>
<form id="form-password" class="form-stack" method="post" action="/admin/users/<?cs var:Account.id ?>/password">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-hint<?cs if:Errors.password ?> password-error<?cs /if ?>"<?cs if:Errors.password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="password-hint">At least 8 characters, with an upper-case letter, a lower-case letter and a digit.</p>
<?cs if:Errors.password ?><p class="field-error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password_confirm">Confirm the new password</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required maxlength="128"<?cs if:Errors.password_confirm ?> aria-invalid="true" aria-describedby="password_confirm-error"<?cs /if ?>>
<?cs if:Errors.password_confirm ?><p class="field-error" id="password_confirm-error"><?cs var:Errors.password_confirm ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-secondary">Set password</button>
</div>
</form>
<?cs /if ?>
</section>
</div>

<aside class="ticket-side" aria-label="Account details and status">
<section class="card" aria-labelledby="details-title">
<h2 class="card-title" id="details-title">Details</h2>
<dl class="meta">
<dt>E-mail</dt><dd class="mono"><?cs var:Account.email ?></dd>
<dt>Two-step sign-in</dt><dd><?cs if:Account.mfa_enabled ?>On<?cs else ?><span class="muted">Off</span><?cs /if ?></dd>
<?cs if:Account.mfa_enabled ?>
</dl>
<form id="form-mfa" method="post" action="/admin/users/<?cs var:Account.id ?>/mfa/reset">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<p class="hint">Lost their phone and their recovery codes? Turning two-step sign-in off signs <?cs if:Self ?>you<?cs else ?>them<?cs /if ?> out everywhere; they can set it up again on their Security page.</p>
<button type="submit" class="btn btn-secondary btn-sm">Turn off two-step sign-in</button>
</form>
<dl class="meta">
<?cs /if ?>
<dt>Joined</dt><dd><?cs call:when(Account.created_at) ?></dd>
<dt>Last changed</dt><dd><?cs call:when(Account.updated_at) ?></dd>
</dl>
</section>
<section class="card" aria-labelledby="status-title">
<h2 class="card-title" id="status-title">Access</h2>
<form id="form-active" method="post" action="/admin/users/<?cs var:Account.id ?>/active">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<?cs if:Account.is_active ?>
<p class="hint">Deactivating blocks sign-in and signs <?cs if:Self ?>you<?cs else ?>this user<?cs /if ?> out on every device at once. Their tickets and history stay.</p>
<button type="submit" name="is_active" value="false" class="btn btn-danger">Deactivate account</button>
<?cs else ?>
<p class="hint">This account cannot sign in. Activating it lets its owner sign in again with their password.</p>
<button type="submit" name="is_active" value="true" class="btn btn-primary">Activate account</button>
<?cs /if ?>
</form>
</section>
</aside>
</div>
<?cs include:"_footer.cs" ?>
