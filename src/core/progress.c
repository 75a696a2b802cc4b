/* progress.c — a throttled one-line progress bar on stderr for terminals. */
#include "core/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_INTERVAL_S 0.25
#define MAX_CHECK_EVERY 65536u
#define BAR_WIDTH 28

double ng_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool progress_wanted(void)
{
    const char *env = getenv("NG_PROGRESS");
    if (env && !strcmp(env, "0"))
        return false;
    return isatty(STDERR_FILENO) == 1;
}

void ng_progress_start(ng_progress *p, const char *label, const char *unit, uint64_t total)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->unit = unit;
    p->total = total;
    p->enabled = progress_wanted();
    p->check_every = 1;
    p->start_s = p->last_draw_s = ng_now_seconds();
}

static void format_duration(double s, char *buf, size_t len)
{
    if (s < 0 || s > 1e7) {
        snprintf(buf, len, "--:--");
        return;
    }
    unsigned t = (unsigned)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%02u:%02u", t / 60, t % 60);
}

static void draw(const ng_progress *p, double now)
{
    double elapsed = now - p->start_s;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    char eta[32] = "";
    if (p->total && rate > 0)
        format_duration((double)(p->total - (p->done < p->total ? p->done : p->total)) / rate,
                        eta, sizeof eta);
    if (p->total) {
        double frac = p->done >= p->total ? 1.0 : (double)p->done / (double)p->total;
        int filled = (int)(frac * BAR_WIDTH);
        char bar[BAR_WIDTH + 1];
        for (int i = 0; i < BAR_WIDTH; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[BAR_WIDTH] = '\0';
        fprintf(stderr, "\r%s [%s] %5.1f%% %.3g %s/s ETA %s   ", p->label, bar, 100.0 * frac, rate,
                p->unit, eta);
    } else {
        fprintf(stderr, "\r%s %llu %s, %.3g %s/s   ", p->label, (unsigned long long)p->done,
                p->unit, rate, p->unit);
    }
    fflush(stderr);
}

void ng_progress_update(ng_progress *p, uint64_t done)
{
    p->done = done;
    if (!p->enabled || ++p->calls_since_check < p->check_every)
        return;
    p->calls_since_check = 0;
    double now = ng_now_seconds();
    if (now - p->last_draw_s < REDRAW_INTERVAL_S) {
        /* Called often: read the clock less. */
        if (p->check_every < MAX_CHECK_EVERY)
            p->check_every *= 2;
        return;
    }
    if (now - p->last_draw_s > 4 * REDRAW_INTERVAL_S && p->check_every > 1)
        p->check_every /= 2;
    p->last_draw_s = now;
    draw(p, now);
}

void ng_progress_finish(ng_progress *p)
{
    if (!p->enabled)
        return;
    double now = ng_now_seconds();
    draw(p, now);
    char took[32];
    format_duration(now - p->start_s, took, sizeof took);
    fprintf(stderr, " done in %s\n", took);
}
