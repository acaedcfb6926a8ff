<?cs # login_mfa.cs: the second step of signing in to an account with two-step
     sign-in (GET and POST /login/mfa): one field for a code from the app or
     a recovery code. A text field, not a numeric one: recovery codes have
     letters. HDF: Next, Error.message (a refused code), Csrf. ?><?cs include:"_header.cs" ?>
<div class="auth">
<section class="card auth-card" aria-labelledby="mfa-title">
<img class="auth-mark" src="/static/favicon.svg" alt="" width="44" height="44">
<h1 id="mfa-title">Two-step sign-in</h1>
<p class="lead" id="code-lead">Enter the 6-digit code from your authenticator app. Lost your phone? Enter one of your recovery codes.</p>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p id="code-error"><?cs var:Error.message ?></p></div>
<?cs /if ?>
<form class="form-stack" method="post" action="/login/mfa">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<input type="hidden" name="next" value="<?cs var:Next ?>">
<div class="field">
<label for="code">Code</label>
<input id="code" name="code" type="text" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" required maxlength="32" class="code-input" autofocus aria-describedby="code-lead code-hint<?cs if:Error.message ?> code-error<?cs /if ?>"<?cs if:Error.message ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="code-hint">Six digits such as 123456, or a recovery code such as abcd-efghi-jklmn. Each code works only once.</p>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary btn-block">Verify and sign in</button>
</div>
</form>
<p class="auth-alt">Not you, or want to start again? <a href="/login">Back to sign in</a></p>
</section>
</div>
<?cs include:"_footer.cs" ?>
