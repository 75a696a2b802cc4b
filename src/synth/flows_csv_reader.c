/* flows_csv_reader.c — a strict line-by-line parser of flows.csv (no quoting: no field
 * of that file can hold a comma). */
#include "synth/flows_csv_reader.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/csv_writer.h"
#include "flow/app_class.h"

enum {
    C_ID, C_CLASS, C_PROTO, C_CADDR, C_CPORT, C_SADDR, C_SPORT, C_CMAC, C_SMAC, C_START,
    C_DURATION, C_PKT0, C_PKT1, C_BYTES0, C_BYTES1, C_PAY0, C_PAY1, C_SREASON, C_EREASON,
    C_COUNT
};

bool ng_flows_csv_detect(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    char line[sizeof NG_CSV_FLOW_HEADER];
    size_t n = fread(line, 1, sizeof line - 1, fp);
    fclose(fp);
    line[n] = '\0';
    return !strcmp(line, NG_CSV_FLOW_HEADER);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return !*end && !errno;
}

/* "S.NNNNNNNNN" (fraction optional, up to 9 digits, may be negative) → ns. */
static bool parse_seconds(const char *s, int64_t *ns)
{
    bool neg = *s == '-';
    s += neg;
    uint64_t whole = 0, frac = 0;
    int digits = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        whole = whole * 10 + (uint64_t)(*s - '0');
        if (whole > 9000000000ull)
            return false;
    }
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
            frac = frac * 10 + (uint64_t)(*s - '0');
    if (*s)
        return false;
    for (; digits < 9; digits++)
        frac *= 10;
    int64_t v = (int64_t)(whole * 1000000000ull + frac);
    *ns = neg ? -v : v;
    return true;
}

static bool parse_addr(const char *s, ng_addr *a)
{
    memset(a, 0, sizeof *a);
    if (!*s)
        return true;
    if (inet_pton(AF_INET, s, a->bytes) == 1)
        return a->family = 4, true;
    if (inet_pton(AF_INET6, s, a->bytes) == 1)
        return a->family = 6, true;
    return false;
}

static bool parse_mac(const char *s, uint8_t mac[6], bool *has)
{
    if (!*s)
        return true;
    unsigned v[6];
    int used = 0;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &used) != 6 || s[used])
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    *has = true;
    return true;
}

static bool parse_protocol(const char *s, ng_flow *f)
{
    static const struct { const char *name; uint8_t proto; } ip[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}};
    for (size_t i = 0; i < sizeof ip / sizeof ip[0]; i++)
        if (!strcmp(s, ip[i].name))
            return f->ip_proto = ip[i].proto, true;
    uint64_t v;
    if (!strcmp(s, "arp"))
        return f->ethertype = 0x0806, true;
    if (!strcmp(s, "llc"))
        return f->ethertype = 0, true;
    if (!strncmp(s, "0x", 2)) {
        char *end;
        unsigned long e = strtoul(s + 2, &end, 16);
        return !*end && e <= 0xFFFF && s[2] ? (f->ethertype = (uint16_t)e, true) : false;
    }
    return parse_u64(s, &v) && v <= 255 ? (f->ip_proto = (uint8_t)v, true) : false;
}

static int reason_of(const char *s, const char *(*name)(int), int count)
{
    for (int i = 0; i < count; i++)
        if (!strcmp(s, name(i)))
            return i;
    return -1;
}

static const char *start_name(int i) { return ng_flow_start_name((ng_flow_start)i); }
static const char *end_name(int i) { return ng_flow_end_name((ng_flow_end)i); }

static bool parse_port(const char *s, uint16_t *port)
{
    uint64_t v;
    return parse_u64(s, &v) && v <= 65535 ? (*port = (uint16_t)v, true) : false;
}

/* Parse one row's fields; returns the failing column or -1. */
static int parse_row(char **col, ng_flow *f)
{
    memset(f, 0, sizeof *f);
    uint64_t u[6];
    int c;
    if (!parse_u64(col[C_ID], &f->id)) return C_ID;
    if ((c = ng_app_class_from_name(col[C_CLASS])) < 0) return C_CLASS;
    f->app_class = (uint8_t)c;
    if (!parse_protocol(col[C_PROTO], f)) return C_PROTO;
    if (!parse_addr(col[C_CADDR], &f->client)) return C_CADDR;
    if (!parse_port(col[C_CPORT], &f->client_port)) return C_CPORT;
    if (!parse_addr(col[C_SADDR], &f->server)) return C_SADDR;
    if (!parse_port(col[C_SPORT], &f->server_port)) return C_SPORT;
    if (!parse_mac(col[C_CMAC], f->client_mac, &f->has_mac)) return C_CMAC;
    if (!parse_mac(col[C_SMAC], f->server_mac, &f->has_mac)) return C_SMAC;
    int64_t duration;
    if (!parse_seconds(col[C_START], &f->start_ns)) return C_START;
    if (!parse_seconds(col[C_DURATION], &duration) || duration < 0) return C_DURATION;
    f->last_ns = f->start_ns + duration;
    for (int i = 0; i < 6; i++)
        if (!parse_u64(col[C_PKT0 + i], &u[i])) return C_PKT0 + i;
    f->packets[0] = u[0], f->packets[1] = u[1], f->bytes[0] = u[2], f->bytes[1] = u[3];
    f->payload_bytes[0] = u[4], f->payload_bytes[1] = u[5];
    if ((c = reason_of(col[C_SREASON], start_name, NG_FLOW_START_COUNT)) < 0) return C_SREASON;
    f->start_reason = (uint8_t)c;
    if ((c = reason_of(col[C_EREASON], end_name, NG_FLOW_END_COUNT)) < 0) return C_EREASON;
    f->end_reason = (uint8_t)c;
    f->ip_version = f->client.family;
    if (!f->ip_version)
        f->ip_proto = 0;
    else
        f->ethertype = f->ip_version == 6 ? 0x86DD : 0x0800;
    f->is_noflow = f->ip_proto != 6 && f->ip_proto != 17;
    return -1;
}

static int split(char *line, char **col)
{
    int n = 0;
    col[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            *p = '\0';
            if (n == C_COUNT)
                return n + 1;
            col[n++] = p + 1;
        }
    return n;
}

ng_status ng_flows_csv_read(const char *path,
                            ng_status (*on_flow)(void *user, const ng_flow *flow, ng_error *err),
                            void *user, ng_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t lineno = 0;
    ng_status st = NG_OK;
    static const char *const names[C_COUNT] = {
        "id", "class", "protocol", "client_addr", "client_port", "server_addr", "server_port",
        "client_mac", "server_mac", "start", "duration", "packets_c2s", "packets_s2c",
        "bytes_c2s", "bytes_s2c", "payload_c2s", "payload_s2c", "start_reason", "end_reason"};
    while (st == NG_OK && (len = getline(&line, &cap, fp)) > 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (strncmp(line, NG_CSV_FLOW_HEADER, sizeof NG_CSV_FLOW_HEADER - 2))
                st = ng_fail(err, NG_EFORMAT, "%s: line 1 is not the flows.csv header", path);
            continue;
        }
        if (!len)
            continue;
        char *col[C_COUNT + 1];
        int n = split(line, col);
        if (n != C_COUNT) {
            st = ng_fail(err, NG_EFORMAT, "%s: line %llu has %d columns, expected %d", path,
                         (unsigned long long)lineno, n, C_COUNT);
            break;
        }
        ng_flow f;
        int bad = parse_row(col, &f);
        if (bad >= 0)
            st = ng_fail(err, NG_EFORMAT, "%s: line %llu: bad %s '%s'", path,
                         (unsigned long long)lineno, names[bad], col[bad]);
        else
            st = on_flow(user, &f, err);
    }
    if (st == NG_OK && ferror(fp))
        st = ng_fail(err, NG_EIO, "%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(fp);
    return st;
}
