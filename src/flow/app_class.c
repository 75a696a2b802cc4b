/* app_class.c — the well-known port table behind ng_app_class_of.
 *
 * A linear scan of a small const table: the class is decided once per flow, not per
 * packet, so a 64k lookup array would buy nothing. Keep docs/FLOWS.md in step. */
#include "flow/app_class.h"

#include <string.h>

enum { TCP = 1, UDP = 2, BOTH = TCP | UDP };

typedef struct port_entry {
    uint16_t port;
    uint8_t protos; /* TCP, UDP or BOTH */
    uint8_t cls;
} port_entry;

static const port_entry port_table[] = {
    {20, TCP, NG_APP_FTP_DATA},  {21, TCP, NG_APP_FTP},        {22, TCP, NG_APP_SSH},
    {23, TCP, NG_APP_TELNET},    {25, TCP, NG_APP_SMTP},       {53, BOTH, NG_APP_DNS},
    {67, UDP, NG_APP_DHCP},      {68, UDP, NG_APP_DHCP},       {69, UDP, NG_APP_TFTP},
    {79, TCP, NG_APP_FINGER},    {80, TCP, NG_APP_HTTP},       {88, BOTH, NG_APP_KERBEROS},
    {102, TCP, NG_APP_S7},       {110, TCP, NG_APP_POP3},      {113, TCP, NG_APP_IDENT},
    {123, UDP, NG_APP_NTP},      {135, TCP, NG_APP_DCERPC},    {137, BOTH, NG_APP_NETBIOS},
    {138, UDP, NG_APP_NETBIOS},  {139, TCP, NG_APP_NETBIOS},   {143, TCP, NG_APP_IMAP},
    {161, UDP, NG_APP_SNMP},     {162, UDP, NG_APP_SNMP},      {179, TCP, NG_APP_BGP},
    {389, BOTH, NG_APP_LDAP},    {443, TCP, NG_APP_TLS},       {443, UDP, NG_APP_QUIC},
    {445, TCP, NG_APP_SMB},      {465, TCP, NG_APP_TLS},       {502, TCP, NG_APP_MODBUS},
    {514, UDP, NG_APP_SYSLOG},   {520, UDP, NG_APP_RIP},       {546, UDP, NG_APP_DHCP},
    {547, UDP, NG_APP_DHCP},     {587, TCP, NG_APP_SMTP},      {636, TCP, NG_APP_TLS},
    {853, TCP, NG_APP_TLS},      {993, TCP, NG_APP_TLS},       {995, TCP, NG_APP_TLS},
    {1900, UDP, NG_APP_SSDP},    {3389, TCP, NG_APP_RDP},      {3478, BOTH, NG_APP_STUN},
    {5060, BOTH, NG_APP_SIP},    {5353, UDP, NG_APP_MDNS},     {5355, BOTH, NG_APP_LLMNR},
    {5900, TCP, NG_APP_VNC},     {5901, TCP, NG_APP_VNC},      {6000, TCP, NG_APP_X11},
    {8000, TCP, NG_APP_HTTP},    {8080, TCP, NG_APP_HTTP},     {8443, TCP, NG_APP_TLS},
    {19302, UDP, NG_APP_STUN},
};
#define N_PORTS (sizeof port_table / sizeof port_table[0])

static const char *const class_names[NG_APP_COUNT] = {
    [NG_APP_NOFLOW] = "no-flow",   [NG_APP_OTHER_TCP] = "other-tcp",
    [NG_APP_OTHER_UDP] = "other-udp", [NG_APP_HTTP] = "http",
    [NG_APP_TLS] = "tls",          [NG_APP_DNS] = "dns",
    [NG_APP_SMTP] = "smtp",        [NG_APP_POP3] = "pop3",
    [NG_APP_IMAP] = "imap",        [NG_APP_SNMP] = "snmp",
    [NG_APP_NTP] = "ntp",          [NG_APP_SSH] = "ssh",
    [NG_APP_FTP] = "ftp",          [NG_APP_FTP_DATA] = "ftp-data",
    [NG_APP_TELNET] = "telnet",    [NG_APP_FINGER] = "finger",
    [NG_APP_IDENT] = "ident",      [NG_APP_QUIC] = "quic",
    [NG_APP_DHCP] = "dhcp",        [NG_APP_MDNS] = "mdns",
    [NG_APP_LLMNR] = "llmnr",      [NG_APP_NETBIOS] = "netbios",
    [NG_APP_SMB] = "smb",          [NG_APP_DCERPC] = "dcerpc",
    [NG_APP_MODBUS] = "modbus",    [NG_APP_S7] = "s7",
    [NG_APP_BGP] = "bgp",          [NG_APP_RIP] = "rip",
    [NG_APP_SIP] = "sip",          [NG_APP_STUN] = "stun",
    [NG_APP_SSDP] = "ssdp",        [NG_APP_SYSLOG] = "syslog",
    [NG_APP_TFTP] = "tftp",        [NG_APP_KERBEROS] = "kerberos",
    [NG_APP_LDAP] = "ldap",        [NG_APP_RDP] = "rdp",
    [NG_APP_VNC] = "vnc",          [NG_APP_X11] = "x11",
};

static int proto_bit(uint8_t proto)
{
    return proto == 6 ? TCP : proto == 17 ? UDP : 0;
}

/* Class of (proto, port), or -1 when the table has no entry. */
static int lookup(uint8_t proto, uint16_t port)
{
    int bit = proto_bit(proto);
    for (size_t i = 0; i < N_PORTS; i++)
        if (port_table[i].port == port && (port_table[i].protos & bit))
            return port_table[i].cls;
    return -1;
}

int ng_app_port_known(uint8_t proto, uint16_t port)
{
    return lookup(proto, port) >= 0;
}

ng_app_class ng_app_class_of(uint8_t proto, uint16_t client_port, uint16_t server_port)
{
    if (!proto_bit(proto))
        return NG_APP_NOFLOW;
    int server = lookup(proto, server_port);
    int client = lookup(proto, client_port);
    if (server >= 0 && client >= 0)
        return (ng_app_class)(client_port < server_port ? client : server);
    if (server >= 0)
        return (ng_app_class)server;
    if (client >= 0)
        return (ng_app_class)client;
    return proto == 6 ? NG_APP_OTHER_TCP : NG_APP_OTHER_UDP;
}

const char *ng_app_class_name(ng_app_class cls)
{
    if ((unsigned)cls >= NG_APP_COUNT)
        return "?";
    return class_names[cls];
}

int ng_app_class_from_name(const char *name)
{
    if (!name) /* e.g. json_string_value of a field that is not a string */
        return -1;
    for (int i = 0; i < NG_APP_COUNT; i++)
        if (!strcmp(class_names[i], name))
            return i;
    return -1;
}
