/*
 * SSTS - unit tests for lib/tmpl.c, the ClearSilver layer: every var:
 * is HTML-escaped (and a model cannot turn that off), includes and
 * renders come from the in-memory cache loaded by tmpl_init (not from
 * disk), and unknown or broken templates render nothing.
 * Leaks: valgrind --leak-check=full build/tests/test_tmpl
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tmpl.h"

static char		 dir[] = "/tmp/ssts-test-tmpl-XXXXXX";
static struct arena	 ar;

static const struct {
	const char	*name;
	const char	*text;
} files[] = {
	{ "a.cs", "<p><?cs var:X ?></p>" },
	{ "inc.cs", "[<?cs include:\"part.cs\" ?>]" },
	{ "part.cs", "part:<?cs var:X ?>" },
	{ "loop.cs", "<ul><?cs each:i = Items ?><li><?cs var:i.name ?>"
	    "</li><?cs /each ?></ul>" },
	{ "attr.cs", "<a title=\"<?cs var:X ?>\">t</a>" },
	{ "bad.cs", "<?cs if:X ?>never closed" },
	{ "badinc.cs", "<?cs include:\"missing.cs\" ?>" },
	{ "reqinc.cs", "<?cs include!\"missing.cs\" ?>" },
	{ "dbl.cs", "<?cs var:html_escape(X) ?>" },
	{ "badvar.cs", "x<?cs var: ?>y" },
	{ "notes.txt", "<?cs var:X ?>" },	/* not a template */
};
#define NFILES	(sizeof(files) / sizeof(files[0]))

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
remove_files(void)
{
	char	 path[256];
	size_t	 i;

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		(void)unlink(path);
	}
}

static int
setup(void **state)
{
	size_t	 i;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	for (i = 0; i < NFILES; i++)
		write_file(files[i].name, files[i].text);
	if (!tmpl_init(dir))
		return -1;
	arena_init(&ar, 4 * 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tmpl_fini();
	arena_free(&ar);
	remove_files();
	(void)rmdir(dir);
	return 0;
}

/* Renders "name" with X = x (if not NULL); returns the text or NULL. */
static const char *
render(const char *name, const char *x)
{
	struct buf	 b;
	void		*hdf;
	int		 ok;

	buf_init(&b, &ar, 64 * 1024);
	assert_non_null(hdf = tmpl_hdf_new());
	tmpl_set(hdf, "X", x);
	ok = tmpl_render(hdf, name, &b);
	tmpl_hdf_free(hdf);
	return ok ? buf_str(&b) : NULL;
}

static void
test_plain(void **state)
{
	(void)state;
	assert_string_equal(render("a.cs", "hello"), "<p>hello</p>");
	assert_string_equal(render("a.cs", NULL), "<p></p>");
	assert_string_equal(render("a.cs", "caf\xc3\xa9 \xe2\x82\xac"),
	    "<p>caf\xc3\xa9 \xe2\x82\xac</p>");
}

static void
test_escaping(void **state)
{
	(void)state;
	assert_string_equal(render("a.cs", "<script>alert(1)</script>&\"'"),
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;</p>");
	assert_string_equal(render("attr.cs", "\" onmouseover=\"x"),
	    "<a title=\"&quot; onmouseover=&quot;x\">t</a>");
	assert_string_equal(render("a.cs", "&amp;"), "<p>&amp;amp;</p>");
	/* html_escape() under automatic escaping escapes once, not twice. */
	assert_string_equal(render("dbl.cs", "<&>"), "&lt;&amp;&gt;");
	/* Escaping also applies inside included templates. */
	assert_string_equal(render("inc.cs", "<b>"), "[part:&lt;b&gt;]");
}

/* The model cannot switch escaping off: tmpl_render sets it last. */
static void
test_escape_mode_not_overridable(void **state)
{
	struct buf	 b;
	void		*hdf;

	(void)state;
	buf_init(&b, &ar, 64 * 1024);
	assert_non_null(hdf = tmpl_hdf_new());
	tmpl_set(hdf, "Config.VarEscapeMode", "none");
	tmpl_set(hdf, "X", "<i>");
	assert_int_equal(tmpl_render(hdf, "a.cs", &b), 1);
	tmpl_hdf_free(hdf);
	assert_string_equal(buf_str(&b), "<p>&lt;i&gt;</p>");
}

static void
test_loop(void **state)
{
	struct buf	 b;
	void		*hdf;

	(void)state;
	buf_init(&b, &ar, 64 * 1024);
	assert_non_null(hdf = tmpl_hdf_new());
	tmpl_set(hdf, "Items.0.name", "one");
	tmpl_set(hdf, "Items.1.name", "<two>");
	tmpl_set(hdf, "Items.2.name", "3");
	assert_int_equal(tmpl_render(hdf, "loop.cs", &b), 1);
	tmpl_hdf_free(hdf);
	assert_string_equal(buf_str(&b),
	    "<ul><li>one</li><li>&lt;two&gt;</li><li>3</li></ul>");
	/* No items: an empty list. */
	buf_init(&b, &ar, 64 * 1024);
	assert_non_null(hdf = tmpl_hdf_new());
	assert_int_equal(tmpl_render(hdf, "loop.cs", &b), 1);
	tmpl_hdf_free(hdf);
	assert_string_equal(buf_str(&b), "<ul></ul>");
}

/* After tmpl_init, the files on disk are no longer read. */
static void
test_served_from_cache(void **state)
{
	char	 path[256];

	(void)state;
	remove_files();
	assert_string_equal(render("a.cs", "x"), "<p>x</p>");
	assert_string_equal(render("inc.cs", "y"), "[part:y]");
	/* A template written after tmpl_init is not known. */
	write_file("late.cs", "late");
	assert_null(render("late.cs", NULL));
	write_file("a.cs", "changed");
	assert_string_equal(render("a.cs", "x"), "<p>x</p>");
	snprintf(path, sizeof(path), "%s/late.cs", dir);
	assert_int_equal(unlink(path), 0);
	remove_files();
}

static void
test_unknown_and_broken(void **state)
{
	(void)state;
	assert_null(render("nope.cs", "x"));
	assert_null(render("notes.txt", "x"));
	assert_null(render("", "x"));
	assert_null(render("../a.cs", "x"));
	assert_null(render("bad.cs", "x"));
	/*
	 * ClearSilver's "include:" ignores a missing file (the page renders
	 * without it); "include!" makes it an error.
	 */
	assert_string_equal(render("badinc.cs", "x"), "");
	assert_null(render("reqinc.cs", "x"));
	assert_null(render("badvar.cs", "x"));
	/* Still working after the failures. */
	assert_string_equal(render("a.cs", "ok"), "<p>ok</p>");
}

/* Bytes of heap in use (glibc). */
static size_t
heap_used(void)
{
	return mallinfo2().uordblks;
}

/*
 * A render that fails inside ClearSilver (parse error, include! of a
 * missing template) must free the NEOERR chain it got back.
 */
static void
test_error_paths_do_not_leak(void **state)
{
	size_t	 before, i;

	(void)state;
	/* Failed renders must free ClearSilver's error chain. */
	assert_null(render("badvar.cs", "x"));	/* warm-up */
	assert_null(render("reqinc.cs", "x"));
	before = heap_used();
	for (i = 0; i < 200; i++) {
		assert_null(render("badvar.cs", "x"));
		assert_null(render("reqinc.cs", "x"));
	}
	assert_in_range(heap_used(), 0, before + 1024);
}

/* The output cap: a render that does not fit in the buffer fails. */
static void
test_output_cap(void **state)
{
	struct buf	 b;
	void		*hdf;

	(void)state;
	buf_init(&b, &ar, 8);
	assert_non_null(hdf = tmpl_hdf_new());
	tmpl_set(hdf, "X", "far too long for eight bytes");
	assert_int_equal(tmpl_render(hdf, "a.cs", &b), 0);
	tmpl_hdf_free(hdf);
}

static void
test_init_errors(void **state)
{
	char	 empty[] = "/tmp/ssts-test-tmpl-empty-XXXXXX";

	(void)state;
	tmpl_fini();
	assert_int_equal(tmpl_init("/nonexistent/ssts/templates"), 0);
	assert_non_null(mkdtemp(empty));
	assert_int_equal(tmpl_init(empty), 0);
	assert_int_equal(rmdir(empty), 0);
	assert_null(render("a.cs", "x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_escape_mode_not_overridable),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_unknown_and_broken),
		cmocka_unit_test(test_error_paths_do_not_leak),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_served_from_cache),
		cmocka_unit_test(test_init_errors),	/* last: empties it */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
