<?cs # index.cs: landing page for anonymous visitors (signed-in users are
     redirected to /dashboard by the server). ?><?cs include:"_header.cs" ?>
<section class="hero" aria-labelledby="hero-title">
<div class="hero-inner">
<div>
<p class="hero-eyebrow">Secure support ticket system</p>
<h1 id="hero-title">Support requests, <span class="accent">sorted.</span></h1>
<p class="lead">Clients submit tickets, agents resolve them, and every action is recorded in an audit log. One clear place for every question, bug report and request.</p>
<div class="btn-row">
<a class="btn btn-lg" href="/register">Create account</a>
<a class="btn btn-secondary btn-lg" href="/login">Sign in</a>
</div>
</div>
<div class="hero-art" aria-hidden="true">
<div class="mock-ticket"><span class="mock-id">#1042</span><span class="mock-title">Cannot export monthly invoice</span><span class="badge badge-open">Open</span></div>
<div class="mock-ticket"><span class="mock-id">#1041</span><span class="mock-title">VPN drops every 10 minutes</span><span class="badge badge-in-progress">In Progress</span></div>
<div class="mock-ticket"><span class="mock-id">#1039</span><span class="mock-title">Password reset e-mail delayed</span><span class="badge badge-resolved">Resolved</span></div>
</div>
</div>
</section>

<section class="features" aria-labelledby="features-title">
<div class="section-title">
<h2 id="features-title">Everything a help desk needs, nothing it doesn't</h2>
<p>Built for small teams that want a dependable, private support desk.</p>
</div>
<div class="grid">
<article class="card feature">
<div class="feature-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 7a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/><path d="M12 9v4M10 11h4"/></svg></div>
<h3>Submit in seconds</h3>
<p>Clients open a ticket with a title, a description, a category and a priority, attach files, and follow every reply in one thread.</p>
</article>
<article class="card feature">
<div class="feature-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M16 20v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18.5V20"/><circle cx="10" cy="8" r="3.5"/><path d="M16 11l2 2 4-4"/></svg></div>
<h3>Resolve as a team</h3>
<p>Agents triage, assign and move tickets from Open to Resolved, with internal notes that clients never see.</p>
</article>
<article class="card feature">
<div class="feature-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6z"/><path d="M9 12l2 2 4-4"/></svg></div>
<h3>Audited and secure</h3>
<p>Every change is written to an audit log. Two-factor sign-in, encrypted secrets and strict access rules protect your data.</p>
</article>
</div>
</section>
<?cs include:"_footer.cs" ?>
