/* frame_spec.c — small operations on a frame spec; see frame_spec.h. */
#include "synth/frame_spec.h"

#include <string.h>

void ng_frame_spec_reverse(ng_frame_spec *spec)
{
    uint8_t mac[6];
    memcpy(mac, spec->src_mac, 6);
    memcpy(spec->src_mac, spec->dst_mac, 6);
    memcpy(spec->dst_mac, mac, 6);
    ng_addr addr = spec->src;
    spec->src = spec->dst;
    spec->dst = addr;
    uint16_t port = spec->sport;
    spec->sport = spec->dport;
    spec->dport = port;
}
