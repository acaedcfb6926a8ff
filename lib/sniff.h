/*
 * SSTS - what an upload really is: libmagic over its first bytes, an
 * allow-list of types (PNG, JPEG, GIF, WebP, PDF, plain text) and
 * agreement with the type the client declared.
 */
#ifndef SSTS_SNIFF_H
#define SSTS_SNIFF_H

#include <stddef.h>

#define SNIFF_BYTES	8192	/* how much of the start of a file to look at */

int		 sniff_init(void);	/* once per worker; 0 on failure */
void		 sniff_fini(void);
/*
 * The allowed MIME type of buf ("image/png", ..., "text/plain"), or
 * NULL if it is none of them (or empty).  *seen, if given, gets what
 * libmagic said (a static string, for logs).
 */
const char	*sniff_type(const void *buf, size_t n, const char **seen);
/* 1 if the declared type (parameters ignored, aliases allowed) agrees. */
int		 sniff_agrees(const char *sniffed, const char *declared);
/* 1 for types shown inline (raster images); everything else downloads. */
int		 sniff_inline(const char *type);

#endif /* SSTS_SNIFF_H */
