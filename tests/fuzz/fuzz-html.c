/*
 * SSTS - libFuzzer harness Z7: HTML escaping of template variables
 * (lib/tmpl.c over ClearSilver, Config.VarEscapeMode=html).  The input,
 * up to its first NUL, is the HDF value Fuzz.v of a small template
 * rendered with tmpl_render(): a `var:` in element content, one inside
 * a double-quoted attribute and a `var:url_escape()` in an href, as the
 * real templates use them.  Oracles: the output is the template text
 * with only the three values changed; the first two hold no raw '<',
 * '>', '"' or '\'' and every '&' starts one of &amp; &lt; &gt; &quot;
 * &#39;; un-escaping them gives back the value with each CR removed
 * (ClearSilver's html escaper drops CR; every other byte, control
 * characters and invalid UTF-8 included, passes through unchanged);
 * the url_escape'd one holds only [A-Za-z0-9!()*._+%-] and its
 * percent-decoding ('+' = space) is the value byte for byte.  A NUL
 * cannot reach ClearSilver: tmpl_set() and page_set() take C strings.
 */
#include <stdint.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "tmpl.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define TMPL_NAME	"fuzz.cs"
#define T_HEAD		"<p>"
#define T_MID1		"</p>\n<input value=\""
#define T_MID2		"\">\n<a href=\"/t?q="
#define T_TAIL		"\">x</a>\n"

static const char tmpl_text[] =
    T_HEAD "<?cs var:Fuzz.v ?>"
    T_MID1 "<?cs var:Fuzz.v ?>"
    T_MID2 "<?cs var:url_escape(Fuzz.v) ?>"
    T_TAIL;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 dir[] = "/tmp/ssts-fuzz-html.XXXXXX";
	char	 path[sizeof(dir) + sizeof(TMPL_NAME) + 1];
	FILE	*f;

	(void)argc;
	(void)argv;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, TMPL_NAME);
	CHECK((f = fopen(path, "w")) != NULL);
	CHECK(fputs(tmpl_text, f) >= 0);
	CHECK(fclose(f) == 0);
	CHECK(tmpl_init(dir));		/* keeps the text in memory */
	unlink(path);
	rmdir(dir);
	return 0;
}

/* The html-escaped text s[0..n): strict un-escape must give want. */
static void
check_html(const char *s, size_t n, const char *want)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};
	size_t	 i, j, k, len;

	for (i = j = 0; i < n; j++) {
		CHECK(s[i] != '<' && s[i] != '>' && s[i] != '"' &&
		    s[i] != '\'' && s[i] != '\0');
		if (s[i] != '&') {
			CHECK(want[j] == s[i]);
			i++;
			continue;
		}
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
			len = strlen(ents[k].ent);
			if (len <= n - i && memcmp(s + i, ents[k].ent, len) == 0)
				break;
		}
		CHECK(k < sizeof(ents) / sizeof(ents[0]));
		CHECK(want[j] == ents[k].c);
		i += len;
	}
	CHECK(want[j] == '\0');
}

/* The url_escape'd text s[0..n): percent-decoding must give want. */
static void
check_url(const char *s, size_t n, const char *want)
{
	size_t	 i, j;
	int	 hi, lo;
	char	 c;

	for (i = j = 0; i < n; j++) {
		c = s[i];
		CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("!()*._+%-", c) != NULL);
		CHECK(c != '\0');
		if (c == '%') {
			CHECK(n - i >= 3);
			hi = fuzz_hexval(s[i + 1]);
			lo = fuzz_hexval(s[i + 2]);
			CHECK(hi >= 0 && lo >= 0);
			c = (char)(hi << 4 | lo);
			/* only what url_escape must escape is escaped */
			CHECK(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9')));
			i += 3;
		} else {
			if (c == '+')
				c = ' ';
			i++;
		}
		CHECK(want[j] == c);
	}
	CHECK(want[j] == '\0');
}

/* Skips the literal lit at *p; returns the text before the next stop. */
static size_t
segment(const char **p, const char *end, const char *lit, char stop)
{
	const char	*s, *e;
	size_t		 n = strlen(lit);

	CHECK((size_t)(end - *p) >= n && memcmp(*p, lit, n) == 0);
	s = *p + n;
	e = memchr(s, stop, (size_t)(end - s));
	CHECK(e != NULL);
	*p = e;
	return (size_t)(e - s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct buf	 out;
	void		*hdf;
	char		*v, *nocr;
	const char	*p, *end, *s;
	size_t		 i, j, n;

	arena_init(&a, FUZZ_ARENA);
	v = arena_strndup(&a, (const char *)data, size);	/* to the NUL */
	CHECK(v != NULL);
	nocr = arena_strdup(&a, v);
	CHECK(nocr != NULL);
	for (i = j = 0; v[i] != '\0'; i++)
		if (v[i] != '\r')
			nocr[j++] = v[i];
	nocr[j] = '\0';

	CHECK((hdf = tmpl_hdf_new()) != NULL);
	tmpl_set(hdf, "Fuzz.v", v);
	buf_init(&out, &a, 16u * 1024 * 1024);
	CHECK(tmpl_render(hdf, TMPL_NAME, &out) == 1);
	tmpl_hdf_free(hdf);
	CHECK(out.err == CORE_OK && out.data != NULL);
	CHECK(strlen(out.data) == out.len);

	p = out.data;
	end = out.data + out.len;
	s = p + strlen(T_HEAD);
	n = segment(&p, end, T_HEAD, '<');		/* element content */
	check_html(s, n, nocr);
	s = p + strlen(T_MID1);
	n = segment(&p, end, T_MID1, '"');		/* "attribute" */
	check_html(s, n, nocr);
	s = p + strlen(T_MID2);
	n = segment(&p, end, T_MID2, '"');		/* href="...url_escape" */
	check_url(s, n, v);
	CHECK((size_t)(end - p) == strlen(T_TAIL) && strcmp(p, T_TAIL) == 0);
	arena_free(&a);
	return 0;
}
