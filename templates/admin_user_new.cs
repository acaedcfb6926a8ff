<?cs # admin_user_new.cs: an admin creates an account (POST /admin/users):
     name, e-mail, role and a first password, errors tied to their fields.
     Never refills the password. ?><?cs include:"_header.cs" ?>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/admin/users">Users</a><span aria-hidden="true"> / </span><span aria-current="page">New user</span></nav>
<div class="page-head">
<div>
<h1>New user</h1>
<p class="lead">Create an account for a client, an agent or another admin. Clients can also sign up by themselves.</p>
</div>
</div>
<section class="card form-card" aria-labelledby="new-user-title">
<h2 class="visually-hidden" id="new-user-title">Account details</h2>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>
<form id="form-create" class="form-stack" method="post" action="/admin/users">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="name">Full name</label>
<input id="name" name="name" type="text" autocomplete="off" required minlength="2" maxlength="255" value="<?cs var:Form.name ?>"<?cs if:Errors.name ?> aria-invalid="true" aria-describedby="name-error"<?cs /if ?>>
<?cs if:Errors.name ?><p class="field-error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<div class="field">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="off" inputmode="email" spellcheck="false" required maxlength="254" value="<?cs var:Form.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs /if ?>>
<?cs if:Errors.email ?><p class="field-error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="role">Role</label>
<select id="role" name="role" required aria-describedby="role-hint<?cs if:Errors.role ?> role-error<?cs /if ?>"<?cs if:Errors.role ?> aria-invalid="true"<?cs /if ?>>
<option value="client"<?cs if:Form.role == "client" || !Form.role ?> selected<?cs /if ?>>Client</option>
<option value="agent"<?cs if:Form.role == "agent" ?> selected<?cs /if ?>>Agent</option>
<option value="admin"<?cs if:Form.role == "admin" ?> selected<?cs /if ?>>Admin</option>
</select>
<p class="hint" id="role-hint">Clients open tickets; agents work the tickets assigned to them; admins run the desk.</p>
<?cs if:Errors.role ?><p class="field-error" id="role-error"><?cs var:Errors.role ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">First password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-hint<?cs if:Errors.password ?> password-error<?cs /if ?>"<?cs if:Errors.password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="password-hint">At least 8 characters, with an upper-case letter, a lower-case letter and a digit. The user can change it on their Account page.</p>
<?cs if:Errors.password ?><p class="field-error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Create user</button>
<a class="btn btn-secondary" href="/admin/users">Cancel</a>
</div>
</form>
</section>
<?cs include:"_footer.cs" ?>
