<?cs # register.cs: sign-up form for clients (POST /register), with per-field
     errors tied to their inputs. Never refills passwords. ?><?cs include:"_header.cs" ?>
<div class="auth">
<section class="card auth-card" aria-labelledby="register-title">
<img class="auth-mark" src="/static/favicon.svg" alt="" width="44" height="44">
<h1 id="register-title">Create your account</h1>
<p class="lead">Open tickets and follow their progress in one place.</p>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>
<form class="form-stack" method="post" action="/register">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="name">Full name</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="255" value="<?cs var:Form.name ?>"<?cs if:Errors.name ?> aria-invalid="true" aria-describedby="name-error"<?cs /if ?>>
<?cs if:Errors.name ?><p class="field-error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<div class="field">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" spellcheck="false" required maxlength="254" value="<?cs var:Form.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs /if ?>>
<?cs if:Errors.email ?><p class="field-error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="password-hint<?cs if:Errors.password ?> password-error<?cs /if ?>"<?cs if:Errors.password ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="password-hint">At least 8 characters, with an upper-case letter, a lower-case letter and a digit.</p>
<?cs if:Errors.password ?><p class="field-error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password_confirm">Confirm password</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required maxlength="1024"<?cs if:Errors.password_confirm ?> aria-invalid="true" aria-describedby="password_confirm-error"<?cs /if ?>>
<?cs if:Errors.password_confirm ?><p class="field-error" id="password_confirm-error"><?cs var:Errors.password_confirm ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary btn-block">Create account</button>
</div>
</form>
<p class="auth-alt">Already have an account? <a href="/login">Sign in</a></p>
</section>
</div>
<?cs include:"_footer.cs" ?>
