/*
 * SSTS - JSON request bodies.  A body is one flat JSON object; each
 * member becomes a kv pair so that JSON and form input reach the same
 * validators.  cJSON does the parsing, with three guards around it
 * (see LIBRARIES.md): it gets a NUL-terminated copy (CVE-2023-53154
 * over-read), "\u0000" is refused before it can truncate a string, and
 * duplicate keys are refused instead of letting the first one win.
 */
#include <inttypes.h>
#include <string.h>

#include "ssts.h"
#include "internal.h"

#define JSON_MAX_EXACT	9007199254740992.0	/* 2^53 */

/* Skips the digits at s[*i..n); returns how many there were. */
static size_t
json_digits(const char *s, size_t n, size_t *i)
{
	size_t	 from = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i - from;
}

/*
 * Returns 1 if s[0..n) is exactly a JSON number (RFC 8259 §6); cJSON
 * would also take "01", "+1", ".5" or "1." through strtod().
 */
static int
json_number_ok(const char *s, size_t n)
{
	size_t	 i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i == n || s[i] < '1' || s[i] > '9' ||
	    json_digits(s, n, &i) == 0)
		return 0;
	if (i < n && s[i] == '.' && (++i, json_digits(s, n, &i) == 0))
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (json_digits(s, n, &i) == 0)
			return 0;
	}
	return i == n;
}

static int
json_numchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.';
}

/*
 * Checks what cJSON lets through: returns 0 if the JSON text s[0..n)
 * holds a raw NUL byte, the escape \u0000 inside a string (cJSON would
 * cut the string there) or a number outside the JSON grammar.
 */
static int
json_scan(const char *s, size_t n)
{
	size_t	 i, j;
	int	 instr = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			return 0;
		if (s[i] == '"')
			instr = !instr;
		else if (instr && s[i] == '\\' && i + 1 < n) {
			i++;
			if (s[i] == 'u' && n - i > 4 &&
			    memcmp(s + i + 1, "0000", 4) == 0)
				return 0;
		} else if (!instr && json_numchar(s[i])) {
			for (j = i; j < n && json_numchar(s[j]); j++)
				continue;
			/* words (true, null...) are cJSON's to judge */
			if (strchr("+-.0123456789", s[i]) != NULL &&
			    !json_number_ok(s + i, j - i))
				return 0;
			i = j - 1;
		}
	}
	return 1;
}

/* Formats a JSON number the way the validators read integers. */
static char *
json_number(struct arena *a, double d)
{
	double	 m = d < 0 ? -d : d;

	if (m <= JSON_MAX_EXACT && d == (double)(int64_t)d)
		return arena_printf(a, "%" PRId64, (int64_t)d);
	return arena_printf(a, "%.17g", d);
}

/* Turns one member into a kv appended to "out". */
static enum core_err
json_member(struct arena *a, const cJSON *it, struct kvlist *out)
{
	char	*key, *val;
	int	 type;

	if (strlen(it->string) > KV_MAX_KEY)
		return CORE_ETOOBIG;
	if (cJSON_IsString(it)) {
		type = KV_STRING;
		val = arena_strdup(a, it->valuestring);
	} else if (cJSON_IsNumber(it)) {
		type = KV_NUMBER;
		val = json_number(a, it->valuedouble);
	} else if (cJSON_IsBool(it)) {
		type = KV_BOOL;
		val = arena_strdup(a, cJSON_IsTrue(it) ? "true" : "false");
	} else if (cJSON_IsNull(it)) {
		if ((key = arena_strdup(a, it->string)) == NULL)
			return CORE_ENOMEM;
		return kv_append(a, out, key, NULL, 0, KV_NULL);
	} else
		return CORE_EINVAL;	/* nested object or array */
	if (val == NULL || (key = arena_strdup(a, it->string)) == NULL)
		return CORE_ENOMEM;
	return kv_append(a, out, key, val, strlen(val), type);
}

/* Appends the members of "root", refusing a key seen before in it. */
static enum core_err
json_members(struct arena *a, const cJSON *root, struct kvlist *out)
{
	const cJSON	*it, *prev;
	enum core_err	 rc;
	size_t		 n = 0;

	for (it = root->child; it != NULL; it = it->next) {
		if (++n > KV_MAX_PAIRS)
			return CORE_ETOOBIG;
		for (prev = root->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0)
				return CORE_EDUP;
		if ((rc = json_member(a, it, out)) != CORE_OK)
			return rc;
	}
	return CORE_OK;
}

/*
 * Parses the body s[0..len), which must be one JSON object of scalar
 * members, and appends its members to "out" (arena copies; a number's
 * text is its integer value when it has one, else %.17g).  Returns
 * CORE_OK, CORE_EINVAL (not an object, bad JSON, \u0000, a nested
 * value, a number such as 01 or +1 that JSON does not allow),
 * CORE_EDUP, CORE_ETOOBIG or CORE_ENOMEM; on error "out" is
 * left as it was on entry.
 */
enum core_err
json_body_parse(struct arena *a, const char *s, size_t len,
    struct kvlist *out)
{
	cJSON		*root;
	char		*copy;
	size_t		 n0 = out->n;
	enum core_err	 rc;

	if (s == NULL || len == 0 || !json_scan(s, len))
		return CORE_EINVAL;
	if ((copy = arena_strndup(a, s, len)) == NULL)
		return CORE_ENOMEM;
	/* len + 1: the terminating NUL is what "null terminated" checks. */
	root = cJSON_ParseWithLengthOpts(copy, len + 1, NULL, 1);
	if (root == NULL || !cJSON_IsObject(root))
		rc = CORE_EINVAL;
	else
		rc = json_members(a, root, out);
	cJSON_Delete(root);
	if (rc != CORE_OK)
		out->n = n0;
	return rc;
}
