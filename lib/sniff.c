/*
 * SSTS - what an upload really is.  libmagic looks at the first
 * SNIFF_BYTES bytes of a file (never its name, never the client's
 * Content-Type) and its answer is mapped onto a short allow-list;
 * anything else is refused.  The client's declared type must then
 * agree with what was sniffed.
 *
 * The magic cookie is set up once per worker and read-only afterwards,
 * like the database connection (STYLE.md habit 9).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

#include "sniff.h"

/*
 * No decompression (nor the helper processes it forks), no tar, ELF,
 * CDF (OLE) or OS/2 parsing: none of those can be an allowed type, and
 * each is code we need not run on hostile input.  CSV and JSON are not
 * recognised either, so they stay text/plain rather than being refused.
 */
#define SNIFF_FLAGS	(MAGIC_MIME_TYPE | MAGIC_ERROR |		\
	MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_COMPRESS_FORK |		\
	MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF |	\
	MAGIC_NO_CHECK_APPTYPE | MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_JSON)

static magic_t	 cookie;

/* The allow-list: what libmagic must say, exactly. */
static const char *const allowed[] = {
	"image/png",
	"image/jpeg",
	"image/gif",
	"image/webp",
	"application/pdf",
	"text/plain",
};

/* Declared types other clients use for an allowed one. */
static const struct {
	const char	*alias;
	const char	*type;
} aliases[] = {
	{ "image/jpg", "image/jpeg" },
	{ "image/pjpeg", "image/jpeg" },
	{ "image/x-png", "image/png" },
	{ "application/x-pdf", "application/pdf" },
	/* What browsers declare for plain-text files by their extension. */
	{ "text/x-log", "text/plain" },
	{ "text/csv", "text/plain" },
	{ "text/tab-separated-values", "text/plain" },
	{ "text/markdown", "text/plain" },
	{ "text/x-markdown", "text/plain" },
};

int
sniff_init(void)
{
	/*
	 * Never look past what sniff_type() passes anyway.  The recursion
	 * and regex limits keep their defaults: lowering them could turn
	 * HTML or a script into "text/plain".
	 */
	static const struct {
		int	 param;
		size_t	 val;
	} params[] = {
		{ MAGIC_PARAM_BYTES_MAX, SNIFF_BYTES },
		{ MAGIC_PARAM_ENCODING_MAX, SNIFF_BYTES },
	};
	size_t	 i;

	if (cookie != NULL)
		return 1;
	if ((cookie = magic_open(SNIFF_FLAGS)) == NULL)
		return 0;
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (magic_setparam(cookie, params[i].param,
		    &params[i].val) == -1)
			goto err;
	if (magic_load(cookie, NULL) == -1)
		goto err;
	return 1;
err:
	magic_close(cookie);
	cookie = NULL;
	return 0;
}

void
sniff_fini(void)
{
	if (cookie != NULL)
		magic_close(cookie);
	cookie = NULL;
}

/*
 * Only the allow-list passes.  In particular every text/ type other
 * than text/plain is refused: text/html and text/xml (markup a browser
 * might render), but also what libmagic calls source code and scripts
 * ("text/x-c", "text/x-shellscript", "text/x-script.python",
 * "text/x-php", ...).  Support tickets attach screenshots, documents
 * and logs; code can be pasted into the ticket's text.  Text that
 * libmagic does not recognise (a snippet of JavaScript, HTML that does
 * not start with a tag) stays text/plain, which is safe: it is served
 * as a download with nosniff.  Text must also hold no NUL byte (libmagic
 * calls UTF-16 text/plain; we serve text as UTF-8).
 */
const char *
sniff_type(const void *buf, size_t n, const char **seen)
{
	const char	*m;
	size_t		 i;

	if (seen != NULL)
		*seen = "application/x-empty";
	if (buf == NULL || n == 0)
		return NULL;
	if (cookie == NULL) {
		if (seen != NULL)
			*seen = "(sniff not initialised)";
		return NULL;
	}
	if (n > SNIFF_BYTES)
		n = SNIFF_BYTES;
	if ((m = magic_buffer(cookie, buf, n)) == NULL) {
		if (seen != NULL)
			*seen = "(libmagic error)";
		return NULL;
	}
	if (seen != NULL)
		*seen = m;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (strcmp(m, allowed[i]) != 0)
			continue;
		if (strcmp(allowed[i], "text/plain") == 0 &&
		    memchr(buf, '\0', n) != NULL)
			return NULL;
		return allowed[i];
	}
	return NULL;
}

/* Copies the media type of declared (no parameters, trimmed) to out. */
static int
sniff_media(const char *declared, char *out, size_t outsz)
{
	const char	*end;
	size_t		 len;

	while (*declared == ' ' || *declared == '\t')
		declared++;
	if ((end = strchr(declared, ';')) == NULL)
		end = declared + strlen(declared);
	while (end > declared && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	len = (size_t)(end - declared);
	if (len == 0 || len >= outsz)
		return 0;
	memcpy(out, declared, len);
	out[len] = '\0';
	return 1;
}

int
sniff_agrees(const char *sniffed, const char *declared)
{
	char	 media[64];
	size_t	 i;

	if (sniffed == NULL || declared == NULL ||
	    !sniff_media(declared, media, sizeof(media)))
		return 0;
	/* application/octet-stream (like all else) is not on the list. */
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(sniffed, allowed[i]) == 0)
			break;
	if (i == sizeof(allowed) / sizeof(allowed[0]))
		return 0;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(media, aliases[i].alias) == 0)
			return strcmp(sniffed, aliases[i].type) == 0;
	return strcasecmp(media, sniffed) == 0;
}

int
sniff_inline(const char *type)
{
	if (type == NULL)
		return 0;
	return strcmp(type, "image/png") == 0 ||
	    strcmp(type, "image/jpeg") == 0 ||
	    strcmp(type, "image/gif") == 0 ||
	    strcmp(type, "image/webp") == 0;
}
