/* lora_input.c — pick the LoRa reader by content (see lora_input.h). */
#include "model/lora_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/lora_csv.h"
#include "capture/lora_tap.h"
#include "model/lora_semtech.h"

static int is_capture_magic(const unsigned char *b, size_t n)
{
    static const unsigned char magics[][4] = {{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
                                              {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
                                              {0x0a, 0x0d, 0x0d, 0x0a}};
    for (size_t i = 0; n >= 4 && i < sizeof magics / sizeof magics[0]; i++)
        if (!memcmp(b, magics[i], 4))
            return 1;
    return 0;
}

ng_status ng_lora_input_sniff(const char *path, ng_lora_input_kind *kind, ng_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: %s", path, strerror(errno));
    unsigned char b[512];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    *kind = NG_LORA_IN_CSV;
    if (is_capture_magic(b, n)) {
        *kind = NG_LORA_IN_LORATAP;
        return NG_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')
            continue;
        if (b[i] == '{')
            *kind = NG_LORA_IN_SEMTECH;
        break;
    }
    return NG_OK;
}

static uint32_t read_u32(const unsigned char *b, bool swapped)
{
    return swapped ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
                   : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* Link type of a pcap (global header) or of a pcapng's first interface; 0 if unknown. */
static uint32_t capture_linktype(const unsigned char *b, size_t n)
{
    if (n >= 24 && (b[0] == 0xd4 || b[0] == 0x4d) && b[1] == (b[0] == 0xd4 ? 0xc3 : 0x3c))
        return read_u32(b + 20, false);
    if (n >= 24 && b[0] == 0xa1 && b[1] == 0xb2)
        return read_u32(b + 20, true);
    if (n < 12 || memcmp(b, "\x0a\x0d\x0d\x0a", 4))
        return 0;
    bool swapped = b[8] == 0x1a; /* byte-order magic 0x1a2b3c4d written big-endian */
    uint32_t shb_len = read_u32(b + 4, swapped);
    if (shb_len > n || n - shb_len < 12 || read_u32(b + shb_len, swapped) != 1)
        return 0;
    const unsigned char *idb = b + shb_len + 8;
    return swapped ? (uint32_t)idb[0] << 8 | idb[1] : (uint32_t)idb[1] << 8 | idb[0];
}

bool ng_lora_input_is_lora(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    unsigned char b[1024];
    size_t n = fread(b, 1, sizeof b - 1, fp);
    fclose(fp);
    b[n] = '\0';
    if (is_capture_magic(b, n))
        return capture_linktype(b, n) == 270;
    const char *text = (const char *)b;
    if (memchr(b, '\0', n))
        return false;
    if (strstr(text, "\"rxpk\""))
        return true;
    char *eol = strchr((char *)b, '\n');
    if (eol)
        *eol = '\0'; /* the CSV header is the first line */
    bool csv_header = strstr(text, "physical_payload") || strstr(text, "spreading_factor");
    return csv_header;
}

const char *ng_lora_input_kind_name(ng_lora_input_kind kind)
{
    return kind == NG_LORA_IN_LORATAP ? "LoRaTap pcap" : kind == NG_LORA_IN_SEMTECH ? "Semtech JSON" : "gateway CSV";
}

ng_status ng_lora_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                       ng_error *err)
{
    ng_lora_input_kind kind;
    ng_status s = ng_lora_input_sniff(path, &kind, err);
    if (s != NG_OK)
        return s;
    if (kind == NG_LORA_IN_LORATAP)
        s = ng_lora_tap_read(path, out, st, err);
    else if (kind == NG_LORA_IN_SEMTECH)
        s = ng_lora_semtech_read(path, out, st, err);
    else
        s = ng_lora_csv_read(path, out, st, err);
    if (s == NG_OK)
        ng_lora_records_sort_time(out);
    return s;
}
