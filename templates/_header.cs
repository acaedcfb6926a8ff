<?cs # _header.cs: page chrome shared by every page: head, skip link, header with
     navigation for the visitor's role, opening of <main> and the flash message.
     Every page template includes this first and _footer.cs last. ?><?cs
def:navlink(href, label) ?><li><a href="<?cs var:href ?>"<?cs
	if:Page.path == href || string.find(Page.path, href + "/") == 0 ?> aria-current="page"<?cs
	/if ?>><?cs var:label ?></a></li><?cs
/def ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title><?cs if:Page.title ?><?cs var:Page.title ?> · <?cs /if ?><?cs var:Site.name ?></title>
<link rel="stylesheet" href="/static/ssts.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="container header-inner">
<a class="brand" href="/"><img src="/static/favicon.svg" alt="" width="32" height="32"><span class="brand-name"><?cs var:Site.name ?></span><span class="brand-tag">Support tickets</span></a>
<?cs if:User.id ?>
<nav class="nav nav-main" aria-label="Main">
<ul>
<?cs call:navlink("/dashboard", "Dashboard") ?>
<li><a href="/tickets"<?cs if:Page.path == "/tickets" || (string.find(Page.path, "/tickets/") == 0 && Page.path != "/tickets/new") ?> aria-current="page"<?cs /if ?>>Tickets</a></li>
<?cs if:User.role == "client" ?><?cs call:navlink("/tickets/new", "New ticket") ?><?cs /if ?>
</ul>
</nav>
<ul class="user-menu" aria-label="Your account">
<li class="user-chip"><span class="user-name"><?cs var:User.name ?></span><span class="badge badge-<?cs var:User.role ?>"><?cs var:User.role ?></span></li>
<?cs call:navlink("/account", "Account") ?>
<?cs call:navlink("/security", "Security") ?>
<li class="sep" aria-hidden="true"></li>
<li><form class="inline-form" method="post" action="/logout"><input type="hidden" name="csrf" value="<?cs var:Csrf ?>"><button type="submit" class="btn-link">Sign out</button></form></li>
</ul>
<?cs else ?>
<nav class="nav nav-guest" aria-label="Main">
<ul>
<li><a href="/login"<?cs if:Page.path == "/login" ?> aria-current="page"<?cs /if ?>>Sign in</a></li>
<li><a class="btn" href="/register"<?cs if:Page.path == "/register" ?> aria-current="page"<?cs /if ?>>Create account</a></li>
</ul>
</nav>
<?cs /if ?>
</div>
<?cs if:User.id && User.role == "admin" ?>
<nav class="nav-admin" aria-label="Administration">
<div class="container">
<span class="nav-admin-label" aria-hidden="true">Admin</span>
<ul>
<?cs call:navlink("/admin/users", "Users") ?>
<?cs call:navlink("/admin/categories", "Categories") ?>
<?cs call:navlink("/admin/priorities", "Priorities") ?>
<?cs call:navlink("/admin/audit", "Audit log") ?>
</ul>
</div>
</nav>
<?cs /if ?>
</header>
<main id="main" tabindex="-1">
<?cs if:Flash.text ?>
<?cs if:Flash.kind == "error" ?>
<div class="flash flash-error" role="alert"><p><?cs var:Flash.text ?></p></div>
<?cs elif:Flash.kind == "success" ?>
<div class="flash flash-success" role="status"><p><?cs var:Flash.text ?></p></div>
<?cs else ?>
<div class="flash flash-info" role="status"><p><?cs var:Flash.text ?></p></div>
<?cs /if ?>
<?cs /if ?>
