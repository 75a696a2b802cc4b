/* report_html.h — the comparison as one self-contained HTML page.
 *
 * No network, no scripts: CSS inline, every chart inline SVG (svg.h). Sections: both
 * captures' summaries; the score table; ECDF overlays (real vs each synthetic file) for
 * every continuous quantity, log x-axis for times and counts; throughput over time
 * (bytes/s and packets/s per 1 s bin); bar charts of the most frequent values of each
 * categorical quantity and the host rank-frequency curve; the structure table.
 * Missing numbers print as "n/a", never NaN. Written atomically (core/outfile.h). */
#ifndef NG_REPORT_REPORT_HTML_H
#define NG_REPORT_REPORT_HTML_H

#include "core/error.h"
#include "report/report_data.h"

ng_status ng_report_html_write(const ng_report_data *d, const char *path, ng_error *err);

#endif
