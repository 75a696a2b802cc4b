/* tcp_habits.c — modes of the learned header values into an ng_tcp_config. */
#include "synth/tcp_habits.h"

#define MAX_WINDOW_BYTES (1u << 30)

static void side_from_habits(const ng_direction_habits *d, ng_tcp_side_config *s)
{
    if (d->syn_opts.n)
        s->syn_opts = (uint8_t)(ng_top_mode(&d->syn_opts, s->syn_opts) &
                                (NG_TCPOPT_MSS | NG_TCPOPT_WSCALE | NG_TCPOPT_SACK_OK |
                                 NG_TCPOPT_TIMESTAMP));
    if (d->mss.n) {
        uint64_t mss = ng_top_mode(&d->mss, s->mss);
        if (mss >= 64 && mss <= 65535)
            s->mss = (uint16_t)mss;
    }
    if (d->wscale.n) {
        uint64_t ws = ng_top_mode(&d->wscale, s->wscale);
        s->wscale = (uint8_t)(ws > 14 ? 14 : ws);
    }
    if (d->window.n) {
        uint64_t w = ng_top_mode(&d->window, s->window);
        if (s->syn_opts & NG_TCPOPT_WSCALE)
            w <<= s->wscale;
        if (w > MAX_WINDOW_BYTES)
            w = MAX_WINDOW_BYTES;
        if (w > 0)
            s->window = (uint32_t)w;
    }
}

void ng_tcp_config_from_habits(const ng_header_habits *habits, ng_tcp_config *cfg)
{
    ng_tcp_config_default(cfg);
    if (!habits)
        return;
    for (int d = 0; d < 2; d++)
        side_from_habits(&habits->dir[d], &cfg->side[d]);
    bool known = habits->dir[0].syn_opts.n || habits->dir[1].syn_opts.n;
    cfg->midstream_timestamps = known && (cfg->side[0].syn_opts & NG_TCPOPT_TIMESTAMP) &&
                                (cfg->side[1].syn_opts & NG_TCPOPT_TIMESTAMP);
    if (ng_tcp_config_check(cfg, NULL) != NG_OK)
        ng_tcp_config_default(cfg);
}
