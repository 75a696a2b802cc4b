/* outfile.h — output files that appear whole or not at all.
 *
 * ng_outfile_open writes to a temporary file in the target's folder; commit flushes,
 * fsyncs and renames it over the target; abort (or a SIGINT/SIGTERM, through the
 * handler installed by ng_outfile_install_signal_handlers) deletes it, leaving any
 * previous file untouched. "-" means standard output; an existing non-regular file
 * (/dev/null, /dev/full, a FIFO) is written in place, since it cannot be renamed over. */
#ifndef NG_CORE_OUTFILE_H
#define NG_CORE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

typedef struct ng_outfile {
    FILE *fp;
    char *path;     /* the target */
    char *tmp_path; /* NULL when writing in place or to stdout */
    bool is_stdout;
} ng_outfile;

ng_status ng_outfile_open(ng_outfile *out, const char *path, ng_error *err);
/* Finish: flush, check for write errors (e.g. disk full), fsync, rename. */
ng_status ng_outfile_commit(ng_outfile *out, ng_error *err);
/* Give up: close and delete the temporary. Safe to call after a failed commit. */
void ng_outfile_abort(ng_outfile *out);

/* Delete pending temporaries on SIGINT/SIGTERM/SIGHUP, then die by the signal. */
void ng_outfile_install_signal_handlers(void);

/* Create a directory (and parents) if missing; error names the path. */
ng_status ng_mkdir_p(const char *path, ng_error *err);

#endif
