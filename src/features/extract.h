/* extract.h — feature rows straight from capture files.
 *
 * ng_extract_files opens every input (flow/merge.h: k-way merge by timestamp), feeds
 * each packet to an extractor (extractor.h) and finishes it, so the sink receives every
 * packet row and flow row of the inputs. Stops after opt->max_packets when set. Shows a
 * progress bar over the input bytes when opt->progress (only on a tty). Errors name the
 * file and packet number (reader errors) or the output (sink errors). */
#ifndef NG_FEATURES_EXTRACT_H
#define NG_FEATURES_EXTRACT_H

#include <stddef.h>

#include "core/error.h"
#include "features/extractor.h"
#include "features/rows.h"

/* stats (may be NULL) receives the summary counts, also on failure (as far as got). */
ng_status ng_extract_files(const char *const *paths, size_t n, const ng_extract_options *opt,
                           const ng_feature_sink *sink, ng_extract_stats *stats,
                           ng_error *err);

#endif
