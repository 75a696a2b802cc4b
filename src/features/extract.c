/* extract.c — the read loop: merged readers -> extractor, with a progress bar. */
#include "features/extract.h"

#include "core/progress.h"
#include "flow/merge.h"

#define PROGRESS_EVERY 4096 /* packets between progress updates */

static ng_status read_all(ng_merge *m, ng_extractor *x, const ng_extract_options *opt,
                          ng_error *err)
{
    ng_progress bar;
    bool show = opt && opt->progress;
    uint64_t limit = opt ? opt->max_packets : 0, n = 0;
    if (show && limit) /* the limit, not the file size, tells when we are done */
        ng_progress_start(&bar, "extract", "pkt", limit);
    else if (show)
        ng_progress_start(&bar, "extract", "B", ng_merge_total_bytes(m));
    ng_status st = NG_OK;
    ng_packet pkt;
    bool got;
    while ((!limit || n < limit) &&
           (st = ng_merge_next(m, &pkt, NULL, &got, err)) == NG_OK && got) {
        if ((st = ng_extractor_push(x, &pkt, err)) != NG_OK)
            break;
        if (++n % PROGRESS_EVERY == 0 && show)
            ng_progress_update(&bar, limit ? n : ng_merge_bytes_read(m));
    }
    if (show) {
        ng_progress_update(&bar, limit ? n : ng_merge_bytes_read(m));
        ng_progress_finish(&bar);
    }
    return st;
}

ng_status ng_extract_files(const char *const *paths, size_t n, const ng_extract_options *opt,
                           const ng_feature_sink *sink, ng_extract_stats *stats,
                           ng_error *err)
{
    ng_merge *m = NULL;
    ng_extractor *x = NULL;
    ng_status st = ng_merge_open(&m, paths, n, err);
    if (st == NG_OK)
        st = ng_extractor_new(&x, opt, sink, err);
    if (st == NG_OK)
        st = read_all(m, x, opt, err);
    if (st == NG_OK)
        st = ng_extractor_finish(x, err);
    if (stats && x) {
        *stats = *ng_extractor_stats(x);
        stats->files = n;
    }
    ng_extractor_free(x);
    ng_merge_close(m);
    return st;
}
