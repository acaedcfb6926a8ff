<?cs # error.cs: error page in the site's style (status, title, message, request
     id). Never shows server internals. ?><?cs include:"_header.cs" ?>
<div class="error-page">
<section class="card error-card" aria-labelledby="error-title">
<?cs if:Error.status ?><span class="error-code"><span class="visually-hidden">Error </span><?cs var:Error.status ?></span><?cs /if ?>
<h1 id="error-title"><?cs if:Error.title ?><?cs var:Error.title ?><?cs else ?>Something went wrong<?cs /if ?></h1>
<?cs if:Error.message ?><p><?cs var:Error.message ?></p><?cs /if ?>
<div class="btn-row">
<a class="btn" href="/">Go to the home page</a>
</div>
<?cs if:Page.rid ?><span class="request-id">Request <?cs var:Page.rid ?></span><?cs /if ?>
</section>
</div>
<?cs include:"_footer.cs" ?>
