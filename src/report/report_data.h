/* report_data.h — everything one `compare` run produced, as the report writers read it.
 *
 * The real capture's summary and quantities, then per synthetic file its summary,
 * quantities and scores against the real one, and the mean of those scores (NetShare
 * averages several synthetic samples). With a training capture (`--train`), the share of
 * flows that copy a training flow: per synthetic file, their mean, and the real capture's
 * own (the yardstick of how repetitive the traffic is). Writers only read; the CLI owns
 * the memory. */
#ifndef NG_REPORT_REPORT_DATA_H
#define NG_REPORT_REPORT_DATA_H

#include <stddef.h>

#include "report/capture_summary.h"
#include "report/compare.h"
#include "report/memorisation.h"
#include "report/quantities.h"

typedef struct ng_report_side {
    const ng_capture_summary *summary;
    const ng_quantities *q;
} ng_report_side;

typedef struct ng_report_data {
    ng_report_side real;
    const ng_report_side *synth;     /* n_synth entries */
    const ng_comparison *scores;     /* n_synth entries, synth[i] against real */
    size_t n_synth;
    ng_comparison mean;              /* mean of scores */
    const char *train_label;         /* --train capture; NULL: no memorisation numbers */
    ng_memo_score real_memo;         /* the real capture's flows against the training set */
    const ng_memo_score *memo;       /* n_synth entries when train_label is set */
    ng_memo_score mean_memo;         /* mean of memo */
} ng_report_data;

#endif
