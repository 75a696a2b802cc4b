/* dissector_ports.c — the measured tables (see dissector_ports.h) and the port move. */
#include "synth/dissector_ports.h"

#include <stddef.h>

#include "flow/app_class.h"
#include "synth/payload_template.h"

static const uint16_t udp_ports[] = {
    37, 49, 53, 67, 68, 69, 123, 137, 138, 173, 177, 213, 319, 320, 427, 434, 464, 496, 513,
    520, 521, 524, 525, 546, 547, 664, 701, 854, 910, 921, 925, 1001, 1052, 1153, 1194,
    1293, 1628, 1629, 1718, 1719, 1745, 1755, 2048, 2055, 2157, 2222, 2269, 2313, 2345,
    2428, 2887, 2944, 2945, 2948, 3130, 3250, 3343, 3357, 3389, 3452, 3455, 3544, 3671,
    3784, 3804, 3863, 4000, 4306, 4307, 4341, 4342, 4500, 4533, 4534, 4551, 4555, 4569,
    4729, 4739, 4754, 4784, 4789, 4790, 4791, 4991, 5000, 5001, 5031, 5072, 5094, 5246,
    5247, 5350, 5351, 5353, 5355, 5436, 5683, 6073, 6081, 6118, 6343, 6635, 6784, 6970,
    7074, 7275, 7784, 8200, 8211, 8600, 8767, 8805, 8848, 9200, 9201, 9875, 9899, 9901,
    9956, 9996, 10253, 10500, 11273, 12000, 12001, 12002, 12003, 12004, 12220, 12222, 12223,
    13400, 14390, 14391, 14392, 14393, 14394, 14395, 14396, 14397, 14398, 14399, 17220,
    17755, 17756, 18246, 19999, 23272, 24576, 24577, 25826, 26000, 27500, 27910, 27950,
    27951, 27952, 27953, 27960, 27961, 27962, 27963, 32000, 32512, 34962, 34980, 37008,
    41170, 44818, 47000, 54328,
};

static const uint16_t tcp_ports[] = {
    22, 37, 42, 53, 88, 123, 161, 162, 199, 210, 389, 524, 547, 639, 873, 925, 988, 1102,
    1153, 1194, 1521, 1723, 1998, 2234, 2240, 2269, 2321, 2322, 2571, 2812, 2944, 3002,
    3003, 3006, 3014, 3016, 3017, 3018, 3019, 3268, 3306, 3357, 3369, 3632, 3724, 3863,
    4222, 4223, 4224, 4249, 4250, 4321, 4551, 4555, 4556, 5000, 5010, 5094, 5353, 5445,
    5534, 5555, 6160, 6666, 7171, 7172, 7871, 8023, 8567, 9092, 9600, 9956, 13400, 14001,
    24800, 29418, 34980, 48049,
};

static bool in_table(const uint16_t *table, size_t n, uint16_t port)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid] == port)
            return true;
        if (table[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool ng_port_rejects_zeros(uint8_t proto, uint16_t port)
{
    if (proto == 17)
        return in_table(udp_ports, sizeof udp_ports / sizeof udp_ports[0], port);
    if (proto == 6)
        return in_table(tcp_ports, sizeof tcp_ports / sizeof tcp_ports[0], port);
    return false;
}

static bool keep_as_is(uint8_t proto, uint16_t port)
{
    return !ng_port_rejects_zeros(proto, port) || ng_app_port_known(proto, port) ||
           ng_payload_template_needed(proto, port, 0);
}

uint16_t ng_port_safe_for_zeros(uint8_t proto, uint16_t port)
{
    if (port == 0 || keep_as_is(proto, port))
        return port;
    uint32_t lo = port < 1024 ? 1 : port < 49152 ? 1024 : 49152;
    uint32_t hi = port < 1024 ? 1023 : port < 49152 ? 49151 : 65535;
    for (uint32_t p = port + 1;; p++) {
        if (p > hi)
            p = lo;
        if (p == port)
            return port; /* cannot happen: every range has safe ports */
        if (!ng_port_rejects_zeros(proto, (uint16_t)p) && !ng_app_port_known(proto, (uint16_t)p))
            return (uint16_t)p;
    }
}
