/* tcp_config.c — TCP state machine settings, their check, and correction names.
 * See tcp_state.h. */
#include "synth/tcp_state.h"

#include <string.h>

void ng_tcp_config_default(ng_tcp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->midstream_timestamps = true;
    cfg->ts_hz = 1000;
    cfg->insert_gap_ns = 50000;
    for (int d = 0; d < 2; d++) {
        cfg->side[d].mss = 1460;
        cfg->side[d].wscale = 7;
        cfg->side[d].syn_opts = NG_TCPOPT_MSS | NG_TCPOPT_SACK_OK | NG_TCPOPT_TIMESTAMP |
                                NG_TCPOPT_WSCALE;
        cfg->side[d].window = 65535;
    }
}

static ng_status check_side(const ng_tcp_side_config *s, const char *who, ng_error *err)
{
    if (s->window == 0)
        return ng_fail(err, NG_EINVAL, "tcp config: %s window is 0 bytes", who);
    if (s->wscale > 14)
        return ng_fail(err, NG_EINVAL, "tcp config: %s window scale %u is above 14", who,
                       (unsigned)s->wscale);
    if ((s->syn_opts & NG_TCPOPT_MSS) && s->mss == 0)
        return ng_fail(err, NG_EINVAL, "tcp config: %s announces MSS 0", who);
    if (s->mss != 0 && s->mss <= 12)
        return ng_fail(err, NG_EINVAL, "tcp config: %s MSS %u leaves no room for data", who,
                       (unsigned)s->mss);
    return NG_OK;
}

ng_status ng_tcp_config_check(const ng_tcp_config *cfg, ng_error *err)
{
    ng_status st = check_side(&cfg->side[NG_TCP_CLIENT], "client", err);
    if (st == NG_OK)
        st = check_side(&cfg->side[NG_TCP_SERVER], "server", err);
    if (st != NG_OK)
        return st;
    if (cfg->insert_gap_ns < 0)
        return ng_fail(err, NG_EINVAL, "tcp config: negative gap between inserted segments");
    return NG_OK;
}

const char *ng_tcp_fix_name(ng_tcp_fix kind)
{
    static const char *const names[NG_TCP_FIX_COUNT] = {
        [NG_TCP_FIX_TIME_RAISED] = "time_raised",
        [NG_TCP_FIX_HANDSHAKE_INSERTED] = "handshake_inserted",
        [NG_TCP_FIX_SYN_REMOVED] = "syn_removed",
        [NG_TCP_FIX_SYN_PAYLOAD_DROPPED] = "syn_payload_dropped",
        [NG_TCP_FIX_ACK_ADDED] = "ack_added",
        [NG_TCP_FIX_FLAGS_REMOVED] = "flags_removed",
        [NG_TCP_FIX_PAYLOAD_CLAMPED] = "payload_clamped",
        [NG_TCP_FIX_WINDOW_ACK_INSERTED] = "window_ack_inserted",
        [NG_TCP_FIX_DUP_ACK_DROPPED] = "dup_ack_dropped",
        [NG_TCP_FIX_DATA_AFTER_FIN_DROPPED] = "data_after_fin_dropped",
        [NG_TCP_FIX_DUP_FIN_REMOVED] = "dup_fin_removed",
        [NG_TCP_FIX_RST_PAYLOAD_DROPPED] = "rst_payload_dropped",
        [NG_TCP_FIX_AFTER_CLOSE_DROPPED] = "after_close_dropped",
        [NG_TCP_FIX_TEARDOWN_APPENDED] = "teardown_appended",
        [NG_TCP_FIX_TEARDOWN_FOLDED] = "teardown_folded",
    };
    return (unsigned)kind < NG_TCP_FIX_COUNT ? names[kind] : "unknown";
}

uint64_t ng_tcp_fixes_total(const ng_tcp_fixes *fixes)
{
    uint64_t total = 0;
    for (int k = 0; k < NG_TCP_FIX_COUNT; k++)
        total += fixes->n[k];
    return total;
}

void ng_tcp_segment_to_spec(const ng_tcp_segment *seg, ng_frame_spec *spec)
{
    spec->tcp = seg->tcp;
    spec->payload_len = seg->payload_len;
}
