/*
 * SSTS - the template engine seen from lib/page.c.  The HDF is opaque
 * here so that only lib/tmpl.c includes ClearSilver.
 */
#ifndef SSTS_TMPL_H
#define SSTS_TMPL_H

void	*tmpl_hdf_new(void);
void	 tmpl_hdf_free(void *);
void	 tmpl_set(void *, const char *name, const char *value);
int	 tmpl_render(void *, const char *name, struct buf *out);

#endif /* SSTS_TMPL_H */
