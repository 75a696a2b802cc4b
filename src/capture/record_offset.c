/* record_offset.c — finding the byte offset of packet N by walking a capture's structure:
 * classic pcap record headers (16 bytes, or 24 in Kuznetsov's modified format; either
 * byte order), or pcapng blocks (packet-carrying blocks: EPB 6, SPB 3, obsolete PB 2;
 * byte order from each section header's magic). Every length is checked before use. */
#include "capture/record_offset.h"

#include <stdio.h>
#include <string.h>

enum {
    PCAP_HDR = 24, PCAPNG_SHB = 0x0A0D0D0Au, PCAPNG_BOM = 0x1A2B3C4Du,
    PCAPNG_PB = 2, PCAPNG_SPB = 3, PCAPNG_EPB = 6
};

static uint32_t get32(const uint8_t *p, bool swap)
{
    uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[3] << 24;
    uint32_t be = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
                  (uint32_t)p[0] << 24;
    return swap ? be : le;
}

static bool walk_pcap(FILE *fp, const uint8_t *hdr, uint64_t number, int64_t *offset)
{
    uint32_t magic = get32(hdr, false);
    bool swap = magic == 0xD4C3B2A1u || magic == 0x4D3CB2A1u || magic == 0x34CDB2A1u;
    size_t rec_hdr = (magic == 0xA1B2CD34u || magic == 0x34CDB2A1u) ? 24 : 16;
    int64_t off = PCAP_HDR;
    for (uint64_t n = 1; n < number; n++) {
        uint8_t rec[24];
        if (fseeko(fp, off, SEEK_SET) != 0 || fread(rec, 1, rec_hdr, fp) != rec_hdr)
            return false;
        off += (int64_t)rec_hdr + get32(rec + 8, swap);
    }
    *offset = off;
    return true;
}

static bool walk_pcapng(FILE *fp, uint64_t number, int64_t *offset)
{
    int64_t off = 0;
    bool swap = false;
    uint64_t n = 0;
    for (;;) {
        uint8_t blk[12];
        if (fseeko(fp, off, SEEK_SET) != 0 || fread(blk, 1, sizeof blk, fp) < 8) {
            *offset = off; /* the packet's block would have started here */
            return n + 1 == number;
        }
        if (get32(blk, false) == PCAPNG_SHB)
            swap = get32(blk + 8, false) != PCAPNG_BOM;
        uint32_t type = get32(blk, swap);
        uint32_t len = get32(blk + 4, swap);
        if (type == PCAPNG_EPB || type == PCAPNG_SPB || type == PCAPNG_PB) {
            if (++n == number) {
                *offset = off;
                return true;
            }
        }
        if (len < 12)
            return false;
        off += len;
    }
}

bool ng_record_offset(const char *path, uint64_t number, int64_t *offset)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    uint8_t hdr[4];
    bool ok = false;
    if (fread(hdr, 1, sizeof hdr, fp) == sizeof hdr) {
        if (get32(hdr, false) == PCAPNG_SHB)
            ok = walk_pcapng(fp, number, offset);
        else
            ok = walk_pcap(fp, hdr, number, offset);
    }
    fclose(fp);
    return ok;
}
