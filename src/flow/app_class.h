/* app_class.h — the application class of a flow, from a table of well-known ports.
 *
 * Contract: ng_app_class_of(proto, client_port, server_port) looks both ports up in a
 * fixed (protocol, port) table (docs/FLOWS.md lists it). The server port wins; when the
 * client port is in the table too, the lower port wins (both "look like servers", e.g.
 * 123<->123 or 53 from a resolver to 1024+). No table hit gives other-tcp / other-udp;
 * anything that is not TCP or UDP is NG_APP_NOFLOW. Names are stable strings used in
 * CSV files and model files: never rename one, only append. */
#ifndef NG_FLOW_APP_CLASS_H
#define NG_FLOW_APP_CLASS_H

#include <stdint.h>

typedef enum ng_app_class {
    NG_APP_NOFLOW = 0, /* portless traffic: ARP, LLC, ICMP, other ethertypes */
    NG_APP_OTHER_TCP,
    NG_APP_OTHER_UDP,
    NG_APP_HTTP,
    NG_APP_TLS,
    NG_APP_DNS,
    NG_APP_SMTP,
    NG_APP_POP3,
    NG_APP_IMAP,
    NG_APP_SNMP,
    NG_APP_NTP,
    NG_APP_SSH,
    NG_APP_FTP,
    NG_APP_FTP_DATA,
    NG_APP_TELNET,
    NG_APP_FINGER,
    NG_APP_IDENT,
    NG_APP_QUIC,
    NG_APP_DHCP,
    NG_APP_MDNS,
    NG_APP_LLMNR,
    NG_APP_NETBIOS,
    NG_APP_SMB,
    NG_APP_DCERPC,
    NG_APP_MODBUS,
    NG_APP_S7,
    NG_APP_BGP,
    NG_APP_RIP,
    NG_APP_SIP,
    NG_APP_STUN,
    NG_APP_SSDP,
    NG_APP_SYSLOG,
    NG_APP_TFTP,
    NG_APP_KERBEROS,
    NG_APP_LDAP,
    NG_APP_RDP,
    NG_APP_VNC,
    NG_APP_X11,
    NG_APP_COUNT
} ng_app_class;

/* Class of a flow of IP protocol proto (6 TCP, 17 UDP, else NOFLOW). */
ng_app_class ng_app_class_of(uint8_t proto, uint16_t client_port, uint16_t server_port);
/* True when (proto, port) is in the table. */
int ng_app_port_known(uint8_t proto, uint16_t port);
/* Stable lower-case name ("http", "other-tcp", "no-flow", ...); "?" when out of range. */
const char *ng_app_class_name(ng_app_class cls);
/* Class of a name, or -1 when unknown or NULL. */
int ng_app_class_from_name(const char *name);

#endif
