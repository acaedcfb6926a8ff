<?cs # mfa_codes.cs: two-step sign-in has just been turned on (POST
     /security/mfa/enable): the ten recovery codes, shown this once and
     never again (only their hashes are kept). HDF: Codes.0 .. Codes.9. ?><?cs include:"_header.cs" ?>
<div class="page-head">
<div>
<h1>Your recovery codes</h1>
<p class="lead">Two-step sign-in is now on. Your other devices have been signed out.</p>
</div>
</div>

<section class="card mfa-codes-card" aria-labelledby="codes-title">
<div class="alert alert-warning" role="alert"><p><strong>Save these codes now.</strong> This is the only time they are shown. Without your phone and without these codes you cannot sign in, and only an administrator can help.</p></div>
<h2 class="card-title" id="codes-title">Ten recovery codes</h2>
<p id="codes-hint">If you lose your phone, sign in with one of these instead of a code from your app. Each one works once. Keep them somewhere safe and private, such as a password manager, or print this page and put it away.</p>
<ol class="mfa-codes" aria-describedby="codes-hint">
<?cs each:c = Codes ?><li><code><?cs var:c ?></code></li>
<?cs /each ?></ol>
<div class="form-actions">
<a class="btn btn-primary" href="/security#mfa">Continue</a>
</div>
</section>
<?cs include:"_footer.cs" ?>
