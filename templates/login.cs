<?cs # login.cs: sign-in form (POST /login). Never refills the password. ?><?cs include:"_header.cs" ?>
<div class="auth">
<section class="card auth-card" aria-labelledby="login-title">
<img class="auth-mark" src="/static/favicon.svg" alt="" width="44" height="44">
<h1 id="login-title">Sign in</h1>
<p class="lead">Welcome back. Sign in to see and manage your tickets.</p>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>
<form class="form-stack" method="post" action="/login">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<input type="hidden" name="next" value="<?cs var:Next ?>">
<div class="field">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" inputmode="email" spellcheck="false" required maxlength="254" value="<?cs var:Form.email ?>"<?cs if:Errors.email ?> aria-invalid="true" aria-describedby="email-error"<?cs /if ?>>
<?cs if:Errors.email ?><p class="field-error" id="email-error"><?cs var:Errors.email ?></p><?cs /if ?>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"<?cs if:Errors.password ?> aria-invalid="true" aria-describedby="password-error"<?cs /if ?>>
<?cs if:Errors.password ?><p class="field-error" id="password-error"><?cs var:Errors.password ?></p><?cs /if ?>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary btn-block">Sign in</button>
</div>
</form>
<p class="auth-alt">New to <?cs var:Site.name ?>? <a href="/register">Create an account</a></p>
</section>
</div>
<?cs include:"_footer.cs" ?>
