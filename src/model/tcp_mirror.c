/* tcp_mirror.c — which proposals synth/tcp_state would drop; see tcp_mirror.h. */
#include "model/tcp_mirror.h"

#include "capture/packet.h"

void ng_tcp_mirror_init(ng_tcp_mirror *m, uint32_t close_tail)
{
    *m = (ng_tcp_mirror){.acked = {UINT64_MAX, UINT64_MAX}, .close_tail = close_tail};
}

ng_tcp_refusal ng_tcp_mirror_refusal(const ng_tcp_mirror *m, uint8_t dir, uint8_t flags,
                                     uint32_t len, uint32_t remaining)
{
    int d = dir ? 1 : 0, o = !d;
    bool fin = (flags & NG_TCP_FIN) != 0;
    if (m->closed)
        return NG_TCP_REFUSED;
    if (m->fin[d] && (len || fin))
        return fin ? NG_TCP_REFUSED_FIN : NG_TCP_REFUSED; /* after this side's FIN */
    if ((flags & NG_TCP_RST) && remaining > 0)
        return fin ? NG_TCP_REFUSED_FIN : NG_TCP_REFUSED;
    if (fin && m->fin[o] && remaining > 1)
        return NG_TCP_REFUSED; /* the second FIN, early: only redrawn */
    if (fin && !m->fin[o] && remaining != UINT32_MAX && remaining > m->close_tail)
        return NG_TCP_REFUSED_FIN; /* a first FIN with more left than closes leave */
    bool pure = len == 0 && !(flags & (NG_TCP_SYN | NG_TCP_FIN | NG_TCP_RST));
    if (pure && m->sent[d] && m->acked[d] == m->nxt[o])
        return NG_TCP_REFUSED; /* duplicate ACK */
    return NG_TCP_KEPT;
}

bool ng_tcp_mirror_keeps(const ng_tcp_mirror *m, uint8_t dir, uint8_t flags, uint32_t len,
                         uint32_t remaining)
{
    return ng_tcp_mirror_refusal(m, dir, flags, len, remaining) == NG_TCP_KEPT;
}

void ng_tcp_mirror_send(ng_tcp_mirror *m, uint8_t dir, uint8_t flags, uint32_t len)
{
    int d = dir ? 1 : 0, o = !d;
    if (m->sent[o])
        m->acked[d] = m->nxt[o];
    m->nxt[d] += len + ((flags & NG_TCP_SYN) != 0) + ((flags & NG_TCP_FIN) != 0);
    m->sent[d] = true;
    if (flags & NG_TCP_FIN)
        m->fin[d] = true;
    /* Closed by a RST, or by both FINs once each is acknowledged (FIN, FIN, last ACK). */
    if ((flags & NG_TCP_RST)
        || (m->fin[0] && m->fin[1] && m->acked[0] == m->nxt[1] && m->acked[1] == m->nxt[0]))
        m->closed = true;
}
