/*
 * SSTS - the only module that calls ClearSilver.  Templates are read
 * into memory once per worker and served to the parser from there;
 * every render has Config.VarEscapeMode=html set before cs_init, so
 * every `var:` is HTML-escaped (LIBRARIES.md §2).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ClearSilver.h>

#include "internal.h"
#include "tmpl.h"

#define TMPL_MAX	64
#define TMPL_MAX_SIZE	(256 * 1024)

struct tmpl {
	char	*name;		/* file name, e.g. "login.cs" */
	char	*text;		/* contents, NUL-terminated */
};

static struct tmpl	 tmpls[TMPL_MAX];	/* read-only after tmpl_init */
static size_t		 ntmpls;

static char *
read_file(const char *path)
{
	FILE	*f;
	char	*text;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    len > TMPL_MAX_SIZE || fseek(f, 0, SEEK_SET) != 0 ||
	    (text = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		fclose(f);
		return NULL;
	}
	text[len] = '\0';
	fclose(f);
	return text;
}

int
tmpl_init(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[4096];
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && ntmpls < TMPL_MAX) {
		len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".cs") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path))
			continue;
		if ((tmpls[ntmpls].text = read_file(path)) == NULL)
			continue;
		tmpls[ntmpls++].name = strdup(e->d_name);
	}
	closedir(d);
	return ntmpls > 0;
}

void
tmpl_fini(void)
{
	size_t	 i;

	for (i = 0; i < ntmpls; i++) {
		free(tmpls[i].name);
		free(tmpls[i].text);
	}
	ntmpls = 0;
}

static const char *
tmpl_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < ntmpls; i++)
		if (strcmp(tmpls[i].name, name) == 0)
			return tmpls[i].text;
	return NULL;
}

/* ClearSilver's include hook: templates come only from our cache. */
static NEOERR *
tmpl_fileload(void *ctx, HDF *hdf, const char *filename, char **contents)
{
	const char	*text;

	(void)ctx;
	(void)hdf;
	if ((text = tmpl_find(filename)) == NULL)
		return nerr_raise(NERR_NOT_FOUND, "no template %s", filename);
	if ((*contents = strdup(text)) == NULL)
		return nerr_raise(NERR_NOMEM, "out of memory");
	return STATUS_OK;
}

static NEOERR *
tmpl_out(void *ctx, char *s)
{
	buf_puts(ctx, s);
	return STATUS_OK;
}

/* Renders "name" with "hdf" into "out".  Returns 1 on success. */
int
tmpl_render(void *hdfp, const char *name, struct buf *out)
{
	HDF		*hdf = hdfp;
	CSPARSE		*cs = NULL;
	NEOERR		*err;
	const char	*text;
	char		*copy;

	if ((text = tmpl_find(name)) == NULL || (copy = strdup(text)) == NULL)
		return 0;
	err = hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	if (err == STATUS_OK)
		err = cs_init(&cs, hdf);
	if (err == STATUS_OK)
		err = cgi_register_strfuncs(cs);
	if (err == STATUS_OK) {
		cs_register_fileload(cs, NULL, tmpl_fileload);
		err = cs_parse_string(cs, copy, strlen(copy));
		copy = NULL;	/* the parser owns it now */
	}
	if (err == STATUS_OK)
		err = cs_render(cs, out, tmpl_out);
	free(copy);
	cs_destroy(&cs);
	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);	/* nerr_log_error does not free it */
		return 0;
	}
	return out->err == CORE_OK;
}

void *
tmpl_hdf_new(void)
{
	HDF	*hdf = NULL;
	NEOERR	*err;

	if ((err = hdf_init(&hdf)) != STATUS_OK) {
		nerr_ignore(&err);
		return NULL;
	}
	return hdf;
}

void
tmpl_hdf_free(void *hdfp)
{
	HDF	*hdf = hdfp;

	if (hdf != NULL)
		hdf_destroy(&hdf);
}

void
tmpl_set(void *hdfp, const char *name, const char *value)
{
	NEOERR	*err;

	if (hdfp == NULL || value == NULL)
		return;
	if ((err = hdf_set_value(hdfp, name, value)) != STATUS_OK)
		nerr_ignore(&err);
}
