<?cs # _footer.cs: closes <main> and the page; shows the request id for support. ?>
</main>
<footer class="site-footer">
<div class="container footer-inner">
<p><?cs var:Site.name ?> — support tickets, simply.</p>
<?cs if:Page.rid ?><p class="request-id">Request <?cs var:Page.rid ?></p><?cs /if ?>
</div>
</footer>
</body>
</html>
