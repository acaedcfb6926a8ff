/*
 * SSTS - client file names: only ever metadata.  filename_clean() makes
 * a display name that is safe anywhere; filename_disposition() writes
 * the Content-Disposition header value (RFC 6266, RFC 5987).
 */
#ifndef SSTS_FILENAME_H
#define SSTS_FILENAME_H

#define FILENAME_MAX_BYTES	255

struct arena;

/* A safe name (valid UTF-8, no path, no controls); never NULL or "". */
const char	*filename_clean(struct arena *, const char *raw);
/* e.g. attachment; filename="a.pdf"; filename*=UTF-8''a.pdf */
const char	*filename_disposition(struct arena *, int inline_,
		    const char *clean);

#endif /* SSTS_FILENAME_H */
