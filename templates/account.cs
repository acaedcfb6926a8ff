<?cs # account.cs: one's own account (GET /account): the profile read-only,
     the profile form (POST /account: name and e-mail, the current
     password for a new e-mail address) and the password
     form (POST /account/password). After a failed post, Failed names the
     form and Form.*/Errors.* hold its input; passwords are never refilled.
     HDF: Account.{name, email, role, created_at}, Failed, Form.*,
     Errors.*. ?><?cs include:"_header.cs" ?><?cs
if:Failed == "profile" ?><?cs set:Edit.name = Form.name ?><?cs set:Edit.email = Form.email ?><?cs
else ?><?cs set:Edit.name = Account.name ?><?cs set:Edit.email = Account.email ?><?cs /if ?>
<div class="page-head">
<div>
<h1>Account</h1>
<p class="lead">Your profile and your password.</p>
</div>
<a class="btn btn-secondary" href="/security">Signed-in devices</a>
</div>
<?cs if:Failed ?>
<div class="alert alert-error" role="alert"><p>That did not go through. Please correct the <a href="#form-<?cs var:Failed ?>">form below</a>.</p></div>
<?cs /if ?>

<div class="account-layout">
<section class="card account-summary" aria-labelledby="summary-title">
<h2 class="card-title" id="summary-title">Your profile</h2>
<dl class="meta">
<dt>Name</dt>
<dd><?cs var:Account.name ?></dd>
<dt>E-mail</dt>
<dd><?cs var:Account.email ?></dd>
<dt>Role</dt>
<dd><span class="badge badge-<?cs var:Account.role ?>"><?cs var:Account.role ?></span><span class="sub">Only an admin can change roles.</span></dd>
<dt>Member since</dt>
<dd><time datetime="<?cs var:Account.created_at ?>"><?cs var:string.slice(Account.created_at, 0, 10) ?></time></dd>
</dl>
</section>

<div class="account-forms">
<section class="card" aria-labelledby="profile-title">
<h2 class="card-title" id="profile-title">Edit profile</h2>
<form id="form-profile" class="form-stack account-form" method="post" action="/account">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="name">Full name</label>
<input id="name" name="name" type="text" autocomplete="name" required minlength="2" maxlength="255" value="<?cs var:Edit.name ?>"<?cs if:Errors.name ?> aria-invalid="true" aria-describedby="name-error"<?cs /if ?>>
<?cs if:Errors.name ?><p class="field-error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<div class="field">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" spellcheck="false" required maxlength="254" value="<?cs var:Edit.email ?>" aria-describedby="email-hint<?cs if:Errors.email ?> email-error<?cs /if ?>"<?cs if:Errors.email ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="email-hint">You sign in with it, and replies to your tickets are sent to it.</p>
<?cs if:Errors.email ?><p class="field-error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<?cs set:ProfileErr = "" ?><?cs if:Failed == "profile" ?><?cs set:ProfileErr = Errors.old_password ?><?cs /if ?>
<div class="field">
<label for="profile-old_password">Current password <span class="optional">(only to change your e-mail)</span></label>
<input id="profile-old_password" name="old_password" type="password" autocomplete="current-password" maxlength="1024" aria-describedby="profile-old_password-hint<?cs if:ProfileErr ?> profile-old_password-error<?cs /if ?>"<?cs if:ProfileErr ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="profile-old_password-hint">A new e-mail address takes effect only with your password, so that a device left signed in is not enough to take over your account.</p>
<?cs if:ProfileErr ?><p class="field-error" id="profile-old_password-error"><?cs var:ProfileErr ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn">Save profile</button>
</div>
</form>
</section>

<section class="card" aria-labelledby="password-title">
<h2 class="card-title" id="password-title">Change password</h2>
<p class="hint">Your other devices are signed out when the password changes; this one stays signed in.</p>
<form id="form-password" class="form-stack account-form" method="post" action="/account/password">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<input type="text" name="username" autocomplete="username" value="<?cs var:Account.email ?>" hidden>
<div class="field">
<label for="old_password">Current password</label>
<?cs set:PasswordErr = "" ?><?cs if:Failed == "password" ?><?cs set:PasswordErr = Errors.old_password ?><?cs /if ?>
<input id="old_password" name="old_password" type="password" autocomplete="current-password" required maxlength="1024"<?cs if:PasswordErr ?> aria-invalid="true" aria-describedby="old_password-error"<?cs /if ?>>
<?cs if:PasswordErr ?><p class="field-error" id="old_password-error"><?cs var:PasswordErr ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="password-hint<?cs if:Errors.password ?> password-error<?cs /if ?>"<?cs if:Errors.password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="password-hint">At least 8 characters, with an upper-case letter, a lower-case letter and a digit.</p>
<?cs if:Errors.password ?><p class="field-error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password_confirm">Confirm new password</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required maxlength="1024"<?cs if:Errors.password_confirm ?> aria-invalid="true" aria-describedby="password_confirm-error"<?cs /if ?>>
<?cs if:Errors.password_confirm ?><p class="field-error" id="password_confirm-error"><?cs var:Errors.password_confirm ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn">Change password</button>
</div>
</form>
</section>
</div>
</div>
<?cs include:"_footer.cs" ?>
