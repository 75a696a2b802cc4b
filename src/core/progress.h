/* progress.h — a progress bar with rate and ETA on stderr, shown only on a terminal.
 *
 * Cheap to call per item: the bar redraws at most a few times per second. When
 * stderr is not a tty (or NG_PROGRESS=0 in the environment) nothing is printed. */
#ifndef NG_CORE_PROGRESS_H
#define NG_CORE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ng_progress {
    const char *label;
    const char *unit;   /* e.g. "pkt", "epoch" */
    uint64_t total;     /* 0 when unknown: show count and rate, no bar */
    uint64_t done;
    double start_s, last_draw_s;
    bool enabled;
    uint32_t calls_since_check;
    uint32_t check_every; /* calls between clock reads, adapted to the call rate */
} ng_progress;

void ng_progress_start(ng_progress *p, const char *label, const char *unit, uint64_t total);
/* Set the absolute amount done and redraw if it is time. */
void ng_progress_update(ng_progress *p, uint64_t done);
/* Replace the bar by a finished line (or nothing, when disabled). */
void ng_progress_finish(ng_progress *p);
/* Seconds on a monotonic clock. */
double ng_now_seconds(void);

#endif
