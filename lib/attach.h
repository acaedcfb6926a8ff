/*
 * SSTS - attachments (lib/attach.c): receiving an upload as a stream
 * (multipart -> size limit -> encrypted temp file), checking it in the
 * order of API.md §3.4, storing it with its row and audit row, and
 * sending it back decrypted.  The caller is r->user; access to a file is
 * always decided through its ticket.
 */
#ifndef SSTS_ATTACH_H
#define SSTS_ATTACH_H

enum at_result {
	AT_OK = 0,
	AT_MALFORMED,	/* not a well-formed multipart body: 400 */
	AT_FORBIDDEN,	/* a page form without this session's token: 403 */
	AT_NOTFOUND,	/* ticket or attachment not visible (or none): 404 */
	AT_CLOSED,	/* the ticket is closed: 409 */
	AT_NOFILE,	/* no "file" part: 400 */
	AT_TOOMANY,	/* more than one file: 400 */
	AT_TOOBIG,	/* over SSTS_MAX_UPLOAD_MB: 413 */
	AT_EMPTY,	/* 0 bytes: 400 */
	AT_BADTYPE,	/* not an allowed type: 400 */
	AT_MISMATCH,	/* content and declared type disagree: 400 */
	AT_STORAGE,	/* the file could not be stored: 507 */
	AT_DAMAGED,	/* the stored file fails authentication: 500 */
	AT_DB,		/* database unavailable: 503 */
	AT__MAX
};

struct at_upload;

/*
 * Streams the body: text parts go to r->in (checked against the page's
 * CSRF token when one is pending), the "file" part to an encrypted temp
 * file.  *out is always set; at_discard() it unless at_save() kept it.
 */
enum at_result	 at_receive(struct req *, struct at_upload **out);
/* Checks, then keeps the file on ticket tid: *out is the new row. */
enum at_result	 at_save(struct req *, struct at_upload *, int64_t tid,
		    cJSON **out);
/* The same inside the caller's transaction, for a ticket it just made
 * (tk_new's hook); AT_NOFILE if no file was sent. */
enum at_result	 at_attach(struct req *, struct at_upload *, int64_t tid,
		    cJSON **out);
void		 at_discard(struct at_upload *);
/*
 * Sends attachment aid if the caller may see its ticket.  preview = 1:
 * raster images only, inline, not audited (the ticket page's thumbnails).
 */
enum at_result	 at_send(struct req *, int64_t aid, int preview);
const char	*at_message(enum at_result);
int		 at_status(enum at_result);	/* HTTP status */
/* Removes files of dir without a row (sstsctl); the count or -1. */
int		 at_sweep(struct req *, const char *dir, unsigned min_age);

#endif /* SSTS_ATTACH_H */
