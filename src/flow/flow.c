/* flow.c — names and totals of the flow record. */
#include "flow/flow.h"

#include <stdio.h>

const char *ng_flow_protocol_name(const ng_flow *flow, char *buf, unsigned len)
{
    if (flow->ip_version)
        snprintf(buf, len, "%s", ng_ip_proto_name(flow->ip_proto));
    else if (flow->ethertype == 0x0806)
        snprintf(buf, len, "arp");
    else if (flow->ethertype == 0)
        snprintf(buf, len, "llc");
    else
        snprintf(buf, len, "0x%04x", flow->ethertype);
    return buf;
}

const char *ng_flow_start_name(ng_flow_start start)
{
    static const char *const names[NG_FLOW_START_COUNT] = {"syn", "syn-ack", "midstream",
                                                           "none"};
    return (unsigned)start < NG_FLOW_START_COUNT ? names[start] : "?";
}

const char *ng_flow_end_name(ng_flow_end end)
{
    static const char *const names[NG_FLOW_END_COUNT] = {"fin", "rst", "idle", "eof"};
    return (unsigned)end < NG_FLOW_END_COUNT ? names[end] : "?";
}

uint64_t ng_flow_packets(const ng_flow *flow)
{
    return flow->packets[0] + flow->packets[1];
}

uint64_t ng_flow_bytes(const ng_flow *flow)
{
    return flow->bytes[0] + flow->bytes[1];
}
