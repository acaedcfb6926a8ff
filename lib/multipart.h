/*
 * SSTS - a streaming multipart/form-data parser (RFC 7578, RFC 2046
 * §5.1.1).  The body is pushed in chunks of any size (as it arrives from
 * FastCGI); part headers are bounded, part data is handed to a callback
 * and never buffered whole.  Nothing here trusts Content-Length.
 */
#ifndef SSTS_MULTIPART_H
#define SSTS_MULTIPART_H

#include <stddef.h>

struct arena;

struct mp_part {
	const char	*name;		/* the form field's name (never NULL) */
	const char	*filename;	/* as sent (filename*= decoded), or NULL */
	const char	*content_type;	/* the part's Content-Type, or NULL */
};

/* Each returns 0 to go on, anything else to stop with MP_ABORTED. */
struct mp_callbacks {
	int	(*part_begin)(void *ctx, const struct mp_part *);
	int	(*part_data)(void *ctx, const char *buf, size_t n);
	int	(*part_end)(void *ctx);
};

struct mp_limits {
	size_t		 max_parts;	/* parts in the body */
	size_t		 max_header;	/* bytes of one part's header block */
	size_t		 max_name;	/* bytes of a field name */
	size_t		 max_filename;	/* bytes of a filename as sent */
};

enum mp_err {
	MP_OK = 0,
	MP_BADTYPE,	/* not multipart/form-data, or no usable boundary */
	MP_SYNTAX,	/* malformed body or part header */
	MP_LIMIT,	/* a limit of struct mp_limits was exceeded */
	MP_ABORTED,	/* a callback asked to stop */
	MP_TRUNCATED	/* mp_finish() before the closing delimiter */
};

struct mp;

/* NULL with *err set if content_type has no valid boundary. */
struct mp	*mp_new(struct arena *, const char *content_type,
		    const struct mp_limits *, const struct mp_callbacks *,
		    void *ctx, enum mp_err *err);
/* After the first error every later call returns that error. */
enum mp_err	 mp_feed(struct mp *, const char *buf, size_t n);
/* The end of the body: MP_OK only if the closing delimiter was seen. */
enum mp_err	 mp_finish(struct mp *);
const char	*mp_strerror(enum mp_err);

#endif /* SSTS_MULTIPART_H */
