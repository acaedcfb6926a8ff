<?cs # _catalog.cs: shared by the admin pages of categories and priorities
     (admin_catalog*.cs; cgi-bin/catalog.c). From Kind ("category" or
     "priority") it sets the words and paths of that kind in K.*, and it
     defines the form fields of both kinds. Include it before _header.cs
     (the pages set Page.title from K.*); it prints nothing. ?><?cs
if:Kind == "category" ?><?cs
	set:K.one = "category" ?><?cs set:K.One = "Category" ?><?cs
	set:K.many = "categories" ?><?cs set:K.Many = "Categories" ?><?cs
	set:K.path = "/admin/categories" ?><?cs set:K.filter = "category_id" ?><?cs
	set:K.max = 128 ?><?cs
else ?><?cs
	set:K.one = "priority" ?><?cs set:K.One = "Priority" ?><?cs
	set:K.many = "priorities" ?><?cs set:K.Many = "Priorities" ?><?cs
	set:K.path = "/admin/priorities" ?><?cs set:K.filter = "priority_id" ?><?cs
	set:K.max = 32 ?><?cs
/if ?><?cs

# The fields of a create or edit form, filled from v (Form after a refused
# post, else the item or nothing); Errors.* marks them. ?><?cs
def:catalog_fields(v) ?>
<div class="field">
<label for="name">Name</label>
<input id="name" name="name" type="text" required maxlength="<?cs var:K.max ?>" autocomplete="off" value="<?cs var:v.name ?>" aria-describedby="name-hint<?cs if:Errors.name ?> name-error<?cs /if ?>"<?cs if:Errors.name ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="name-hint">Up to <?cs var:K.max ?> characters, different from every other <?cs var:K.one ?>. People see it on tickets and in lists.</p>
<?cs if:Errors.name ?><p class="field-error" id="name-error"><?cs var:Errors.name ?></p><?cs /if ?>
</div>
<?cs if:Kind == "category" ?>
<div class="field">
<label for="description">Description <span class="optional">(optional)</span></label>
<textarea id="description" name="description" rows="3" maxlength="2000" aria-describedby="description-hint<?cs if:Errors.description ?> description-error<?cs /if ?>"<?cs if:Errors.description ?> aria-invalid="true"<?cs /if ?>><?cs var:v.description ?></textarea>
<p class="hint" id="description-hint">What belongs here, in a sentence: it helps people choose. Up to 2,000 characters.</p>
<?cs if:Errors.description ?><p class="field-error" id="description-error"><?cs var:Errors.description ?></p><?cs /if ?>
</div>
<?cs else ?>
<div class="field">
<label for="rank">Rank</label>
<input id="rank" name="rank" type="text" inputmode="numeric" required maxlength="6" autocomplete="off" value="<?cs var:v.rank ?>" aria-describedby="rank-hint<?cs if:Errors.rank ?> rank-error<?cs /if ?>"<?cs if:Errors.rank ?> aria-invalid="true"<?cs /if ?>>
<p class="hint" id="rank-hint">A whole number from 0 to 32767. The lower the rank, the more urgent: sorting tickets by priority puts low ranks first.</p>
<?cs if:Errors.rank ?><p class="field-error" id="rank-error"><?cs var:Errors.rank ?></p><?cs /if ?>
</div>
<?cs /if ?><?cs
/def ?>