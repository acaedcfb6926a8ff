<?cs # security.cs: two-step sign-in and the signed-in devices (GET
     /security). Two-step sign-in is off (a set-up button), being set up
     (the QR code, the key as text, the first code) or on (a form to turn
     it off). Then each live session of the user, this device first and
     marked, a Sign out button on the others, then "sign out all other
     devices" and "sign out everywhere".
     HDF: MFA.enabled, MFA.{secret, uri, svg} (a set-up in progress; svg is
     an <svg> drawn by lib/totp.c from our own data, so it is the one value
     written unescaped), Sessions.N.{id, created_at, last_seen_at,
     ip_address, user_agent, current}, Error.message (a refused
     revocation). ?><?cs include:"_header.cs" ?><?cs include:"_tickets.cs" ?><?cs

# The browser (or program) a user agent names, for people. ?><?cs
def:browser(ua) ?><?cs
	if:string.find(ua, "Edg") >= 0 ?>Edge<?cs
	elif:string.find(ua, "OPR/") >= 0 || string.find(ua, "Opera") >= 0 ?>Opera<?cs
	elif:string.find(ua, "SamsungBrowser") >= 0 ?>Samsung Internet<?cs
	elif:string.find(ua, "Firefox/") >= 0 || string.find(ua, "FxiOS") >= 0 ?>Firefox<?cs
	elif:string.find(ua, "Chrome/") >= 0 || string.find(ua, "CriOS") >= 0 ?>Chrome<?cs
	elif:string.find(ua, "Safari/") >= 0 ?>Safari<?cs
	elif:string.find(ua, "curl/") == 0 ?>curl<?cs
	elif:string.find(ua, "python-requests/") == 0 ?>Python script<?cs
	else ?>Other app<?cs /if ?><?cs
/def ?><?cs

# " on <system>", or nothing when the user agent does not say. ?><?cs
def:system(ua) ?><?cs
	if:string.find(ua, "Windows") >= 0 ?> on Windows<?cs
	elif:string.find(ua, "iPhone") >= 0 ?> on iPhone<?cs
	elif:string.find(ua, "iPad") >= 0 ?> on iPad<?cs
	elif:string.find(ua, "Android") >= 0 ?> on Android<?cs
	elif:string.find(ua, "CrOS") >= 0 ?> on ChromeOS<?cs
	elif:string.find(ua, "Mac OS X") >= 0 || string.find(ua, "Macintosh") >= 0 ?> on macOS<?cs
	elif:string.find(ua, "Linux") >= 0 ?> on Linux<?cs /if ?><?cs
/def ?><?cs

def:device(ua) ?><?cs if:ua ?><?cs call:browser(ua) ?><?cs call:system(ua) ?><?cs
	else ?>Unknown device<?cs /if ?><?cs
/def ?>
<div class="page-head">
<div>
<h1>Security</h1>
<p class="lead">Two-step sign-in, where your account is signed in, and how to sign it out.</p>
</div>
<a class="btn btn-secondary" href="/account">Change your password</a>
</div>
<?cs if:Error.message ?>
<div class="alert alert-error" role="alert"><p><?cs var:Error.message ?></p></div>
<?cs /if ?>

<section class="card mfa-card" id="mfa" aria-labelledby="mfa-title">
<div class="mfa-head">
<h2 class="card-title" id="mfa-title">Two-step sign-in</h2>
<p class="mfa-status"><span class="visually-hidden">Status: </span><?cs if:MFA.enabled ?><span class="badge badge-active">On</span><?cs else ?><span class="badge badge-inactive">Off</span><?cs /if ?></p>
</div>
<?cs if:MFA.enabled ?>
<p>Each time you sign in, after your password, you are asked for the 6-digit code that your authenticator app shows.</p>
<p class="hint">Lost your phone? Sign in with one of the recovery codes you saved when you turned this on; each works once. Lost those too? An administrator can turn two-step sign-in off for you.</p>
<form id="form-mfa-disable" class="form-stack mfa-form" method="post" action="/security/mfa/disable" aria-labelledby="mfa-disable-title">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<input type="text" autocomplete="username" value="<?cs var:User.email ?>" hidden>
<h3 class="mfa-subtitle" id="mfa-disable-title">Turn off two-step sign-in</h3>
<div class="field">
<label for="mfa-password">Your password</label>
<input id="mfa-password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
</div>
<div class="field">
<label for="mfa-code">Code from your app, or a recovery code</label>
<input id="mfa-code" name="code" type="text" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" required maxlength="32" class="code-input" aria-describedby="mfa-code-hint">
<p class="hint" id="mfa-code-hint">Turning it off signs out your other devices. Your recovery codes stop working.</p>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-danger">Turn off two-step sign-in</button>
</div>
</form>
<?cs elif:MFA.secret ?>
<p>Almost done: two-step sign-in is not on until you enter a first code.</p>
<ol class="mfa-steps">
<li class="mfa-step">
<h3 class="mfa-subtitle">Add your account to your authenticator app</h3>
<div class="mfa-setup">
<figure class="mfa-qr">
<div class="mfa-qr-code" role="img" aria-label="QR code of your two-step sign-in key. The same key is written out as text next to it."><?cs escape: "none" ?><?cs var:MFA.svg ?><?cs /escape ?></div><?cs # lint: allow: escape "none" for MFA.svg only, an SVG drawn by lib/totp.c ?>
<figcaption>Scan this with your app.</figcaption>
</figure>
<div class="mfa-manual">
<p id="mfa-secret-label">Cannot scan it? Choose to enter a key in your app, and type this one (time based, 6 digits, every 30 seconds):</p>
<p><code class="mfa-secret" id="mfa-secret" translate="no"><?cs loop:i = 0, string.length(MFA.secret) - 1, 4 ?><?cs if:i > 0 ?> <?cs /if ?><?cs var:string.slice(MFA.secret, i, i + 4) ?><?cs /loop ?></code></p>
<p class="hint">Account: <?cs var:User.email ?> · Issuer: <?cs var:Site.name ?></p>
<p class="mfa-link-row"><a class="btn btn-secondary btn-sm mfa-uri" href="<?cs var:MFA.uri ?>">Open in the authenticator app on this device</a></p>
</div>
</div>
</li>
<li class="mfa-step">
<h3 class="mfa-subtitle">Enter the code the app shows</h3>
<form id="form-mfa-enable" class="form-stack mfa-form" method="post" action="/security/mfa/enable">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="field">
<label for="mfa-enable-code">6-digit code</label>
<input id="mfa-enable-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="32" class="code-input" aria-describedby="mfa-enable-hint">
<p class="hint" id="mfa-enable-hint">The code changes every 30 seconds: enter the one shown now. Next you will see your recovery codes.</p>
</div>
<div class="form-actions">
<button type="submit" class="btn btn-primary">Turn on two-step sign-in</button>
</div>
</form>
</li>
</ol>
<form class="mfa-restart" method="post" action="/security/mfa/setup">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<p class="hint">Added it to the wrong app, or someone else saw this key? <button type="submit" class="btn-link">Start again with a new key</button></p>
</form>
<?cs else ?>
<p>Protect your account even if someone learns your password: after your password, you also type a 6-digit code from an authenticator app on your phone. The code changes every 30 seconds.</p>
<p class="hint">Any authenticator app works, for example Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis, or a password manager that shows codes.</p>
<form id="form-mfa-setup" method="post" action="/security/mfa/setup">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<div class="form-actions">
<button type="submit" class="btn btn-primary">Set up two-step sign-in</button>
</div>
</form>
<?cs /if ?>
</section>

<section class="card" aria-labelledby="devices-title">
<h2 class="card-title" id="devices-title">Signed-in devices <span class="count"><?cs var:subcount(Sessions) ?></span></h2>
<p class="hint devices-hint">Every sign-in, from a browser or an app, is listed here until it ends. If you do not recognise one, sign it out and change your password.</p>
<?cs if:subcount(Sessions) > 0 ?>
<ul class="device-list">
<?cs each:s = Sessions ?>
<li class="device<?cs if:s.current ?> device-current<?cs /if ?>">
<div class="device-info">
<h3 class="device-name"><?cs call:device(s.user_agent) ?><?cs if:s.current ?> <span class="badge badge-active">This device</span><?cs /if ?></h3>
<?cs if:s.user_agent ?><p class="device-ua"><?cs if:string.length(s.user_agent) > 120 ?><?cs var:string.slice(s.user_agent, 0, 120) ?>…<?cs else ?><?cs var:s.user_agent ?><?cs /if ?></p><?cs /if ?>
<dl class="meta device-meta">
<dt>IP address</dt>
<dd class="mono"><?cs if:s.ip_address ?><?cs var:s.ip_address ?><?cs else ?><span class="muted">Unknown</span><?cs /if ?></dd>
<dt>Signed in</dt>
<dd><?cs call:when(s.created_at) ?></dd>
<dt>Last active</dt>
<dd><?cs if:s.current ?>Now<?cs elif:s.last_seen_at ?><?cs call:when(s.last_seen_at) ?><?cs else ?><?cs call:when(s.created_at) ?><?cs /if ?></dd>
</dl>
</div>
<?cs if:s.current ?>
<p class="hint device-action">You are using this one. To sign out here, use Sign out at the top of the page.</p>
<?cs else ?>
<form class="device-action" method="post" action="/security/sessions/<?cs var:s.id ?>/revoke">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<button type="submit" class="btn btn-secondary btn-sm">Sign out<span class="visually-hidden"> <?cs call:device(s.user_agent) ?>, signed in <?cs var:string.slice(s.created_at, 0, 10) ?> <?cs var:string.slice(s.created_at, 11, 16) ?> UTC</span></button>
</form>
<?cs /if ?>
</li>
<?cs /each ?>
</ul>
<?cs else ?>
<p class="muted">No device is signed in.</p>
<?cs /if ?>
</section>

<section class="card signout-card" aria-labelledby="signout-title">
<h2 class="card-title" id="signout-title">Sign out several devices at once</h2>
<div class="signout-options">
<?cs if:subcount(Sessions) > 1 ?>
<form class="signout-option" method="post" action="/security/sessions/revoke-others">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<p id="others-hint">Ends every session but this one. Use it if you signed in on a computer that is not yours, or lost a phone.</p>
<button type="submit" class="btn btn-secondary" aria-describedby="others-hint">Sign out all other devices</button>
</form>
<?cs else ?>
<div class="signout-option">
<p>This is the only device signed in to your account, so there is no other one to sign out.</p>
</div>
<?cs /if ?>
<form class="signout-option" method="post" action="/security/sessions/revoke-all">
<input type="hidden" name="csrf" value="<?cs var:Csrf ?>">
<p id="all-hint">Ends every session, this one included. You will need your password to sign in again, here and everywhere else.</p>
<button type="submit" class="btn btn-danger" aria-describedby="all-hint">Sign out everywhere</button>
</form>
</div>
</section>
<?cs include:"_footer.cs" ?>
