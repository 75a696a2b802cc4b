/* rhythm.h — the beat of a periodic stream: its period and how its gaps stray from it.
 *
 * Some streams keep time: DARPA 1999's switch sends an LLC frame every 1.00 s (Monday:
 * 776 frames, gaps 1.00 s, some 1.50 or 2.00 s when a beat is skipped), a loopback
 * frame every 10.00 s, RIP every ~28 s, CDP every 60 s. The flow level's IAT mixture is
 * a smooth density over all the gaps of a class: it turns a metronome into a spread of
 * gaps (generated Monday LLC: gap median 1.28 s, 726 of 776 frames in distinct seconds),
 * and the throughput series (packets per 1 s bin) loses its flat floor.
 *
 * A flow is *periodic* when it has at least NG_RHYTHM_MIN_GAPS gaps and the robust spread
 * of its gaps, median absolute deviation / median, is at most NG_RHYTHM_MAX_SPREAD, and
 * its beats fill its time: the mean gap is at most NG_RHYTHM_MAX_MEAN_RATIO periods
 * (DARPA Friday's SNMP polls, 41 ms apart in bursts between silences of minutes, have a
 * spread of 0.08 but a mean gap of thousands of periods: not a rhythm), and beats are not
 * bursts: at most 10% of the gaps are shorter than NG_RHYTHM_MIN_LOW_RATIO periods (a
 * KakaoTalk call's client sends every 95 ms for the most part, but 10% of its gaps are
 * 0.15 ms: put on a beat, its packets-per-second series went from KS 0.065 to 0.160). Its
 * rhythm is the period (the median gap) and NG_RHYTHM_QUANTILES quantiles of gap /
 * period at levels 0, 1/(Q-1), ..., 1 (the jitter and the skipped beats). Generation
 * draws each ratio from the quantile function (linear between quantiles) and fits the
 * gaps to the flow's planned duration: the part of a ratio above the median ratio (a
 * skipped beat: DARPA's 1.5 and 2.0 s gaps) is weighted by w in [0,
 * NG_RHYTHM_MAX_EXCESS_WEIGHT] so that the sum comes out right, and only what w cannot
 * absorb scales every gap. Scaling every gap by one factor instead (the sum of 775 drawn
 * ratios strays by ~2%) moved the 1.00 s beat to 0.97-0.99 s and put 5-16 of Monday's 776
 * LLC frames into a second already holding one. A walk (ng_rhythm_walk) replays its own
 * random stream twice, once to add the ratios up and once to hand them out, so it
 * needs no memory per packet.
 *
 * A request/response stream keeps time in one direction: DARPA Wednesday's SNMP poll, a
 * request every 2.00 s (504 of them, gaps 1.995-2.012 s) and its response 1.5 ms later.
 * Its gaps alternate 2.0 s and 1.5 ms, so all of them are not periodic; the gaps between
 * its requests are. Such a stream's rhythm *leads* with that direction: the beat times
 * the leading packets, the others keep the flow level's gap after the packet before
 * them, and lead_share (leading packets / all) says how many beats a plan of n packets
 * has. Generated without it, the stream's 1010 packets fell into 245 seconds (real 505)
 * and the throughput series lost its floor. */
#ifndef NG_MODEL_RHYTHM_H
#define NG_MODEL_RHYTHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

#define NG_RHYTHM_QUANTILES 33
#define NG_RHYTHM_MIN_GAPS 8
#define NG_RHYTHM_MAX_SPREAD 0.1
#define NG_RHYTHM_MAX_MEAN_RATIO 4.0 /* mean gap / period: beats, not bursts between lulls */
#define NG_RHYTHM_MIN_LOW_RATIO 0.5  /* the 10th percentile of gap / period: no bursts */
#define NG_RHYTHM_MAX_RATIO 1000.0   /* a gap of more than 1000 periods is clamped */
#define NG_RHYTHM_MIN_PERIOD_NS 1e3  /* 1 µs */
#define NG_RHYTHM_MAX_PERIOD_NS 1e16 /* ~116 days */
#define NG_RHYTHM_MAX_EXCESS_WEIGHT 4.0

typedef enum ng_rhythm_lead {
    NG_RHYTHM_EVERY = 0,    /* every packet is on the beat */
    NG_RHYTHM_LEAD_C2S = 1, /* the client's packets are (1 + NG_DIR_C2S) */
    NG_RHYTHM_LEAD_S2C = 2  /* the server's packets are (1 + NG_DIR_S2C) */
} ng_rhythm_lead;

typedef struct ng_rhythm {
    double period_ns;                 /* the median gap; 0: no rhythm */
    float ratio[NG_RHYTHM_QUANTILES]; /* quantiles of gap / period, non-decreasing */
    uint8_t lead;                     /* ng_rhythm_lead */
    float lead_share;                 /* leading packets / all, in (0, 1] (1 for EVERY,
                                         where it is not used) */
} ng_rhythm;

/* The rhythm of a flow's n gaps (ns) when they are periodic; false (and *out zeroed)
 * otherwise. scratch holds n doubles. */
bool ng_rhythm_detect(const int64_t *gaps_ns, size_t n, double *scratch, ng_rhythm *out);

/* The rhythm of a stream's n packets (ts_ns in time order, direction NG_DIR_*): of all
 * its gaps when they keep time, else of the gaps between its client's packets, else of
 * its server's (ng_rhythm_lead). false (and *out zeroed) when none does. gaps and
 * scratch hold n values each. */
bool ng_rhythm_detect_stream(const int64_t *ts_ns, const uint8_t *direction, size_t n,
                             int64_t *gaps, double *scratch, ng_rhythm *out);

/* Beats of a plan of `packets` packets with rhythm r: the gaps its walk draws. */
uint64_t ng_rhythm_beat_gaps(const ng_rhythm *r, uint64_t packets);

/* Robust spread of n gaps: median absolute deviation / median (inf for a median of 0).
 * scratch holds n doubles. */
double ng_rhythm_spread(const int64_t *gaps_ns, size_t n, double *scratch);

/* Whether r is usable: period in [NG_RHYTHM_MIN_PERIOD_NS, NG_RHYTHM_MAX_PERIOD_NS],
 * ratios finite, in [0, NG_RHYTHM_MAX_RATIO] and non-decreasing, a known lead (with a
 * share in (0, 1] unless NG_RHYTHM_EVERY). */
bool ng_rhythm_valid(const ng_rhythm *r);

/* One gap / period drawn from the quantile function. */
double ng_rhythm_draw_ratio(const ng_rhythm *r, ng_rng *rng);

/* The gaps of one flow: `gaps` ratios drawn from a stream of (seed, id), fitted so that
 * they add up to duration_ns (unfitted when duration_ns <= 0). */
typedef struct ng_rhythm_walk {
    ng_rng rng;
    double excess_weight;  /* w: the weight of a ratio's part above the median */
    double ns_per_ratio;   /* period × the scale w could not absorb */
    double at_ns;        /* sum of the gaps drawn so far, unrounded */
    int64_t out_ns;      /* sum of the gaps handed out (rounded) */
    uint64_t left;       /* gaps still to come */
} ng_rhythm_walk;

void ng_rhythm_walk_begin(ng_rhythm_walk *w, const ng_rhythm *r, uint64_t gaps,
                          int64_t duration_ns, uint64_t seed, uint64_t id);
/* The next gap in ns. Past `gaps` gaps it goes on drawing at the same scale. */
int64_t ng_rhythm_walk_next(ng_rhythm_walk *w, const ng_rhythm *r);

#endif
