/* lora_frame.c — LoRaWAN PHYPayload decoding and building (see lora_frame.h). */
#include "capture/lora_frame.h"

#include <string.h>

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_le32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

const char *ng_lora_mtype_name(uint8_t mtype)
{
    static const char *names[] = {"JoinRequest",     "JoinAccept",        "UnconfirmedDataUp",
                                  "UnconfirmedDataDown", "ConfirmedDataUp", "ConfirmedDataDown",
                                  "RejoinRequest",   "Proprietary"};
    return mtype < 8 ? names[mtype] : "?";
}

size_t ng_lora_frame_min_len(uint8_t mtype)
{
    switch (mtype) {
    case NG_LORA_JOIN_REQUEST: return 23;
    case NG_LORA_JOIN_ACCEPT: return 17;
    case NG_LORA_UNCONF_UP: case NG_LORA_UNCONF_DOWN:
    case NG_LORA_CONF_UP: case NG_LORA_CONF_DOWN: return 12;
    default: return 5;
    }
}

static ng_status decode_data(const uint8_t *b, size_t len, ng_lora_frame *f, ng_error *err)
{
    f->is_data = true;
    f->dev_addr = le32(b + 1);
    f->fctrl = b[5];
    f->adr = (b[5] >> 7) & 1;
    f->ack = (b[5] >> 5) & 1;
    f->fopts_len = b[5] & 0x0f;
    f->fcnt = (uint16_t)(b[6] | b[7] << 8);
    size_t hdr = 8u + f->fopts_len;
    if (hdr + 4 > len)
        return ng_fail(err, NG_EFORMAT,
                       "PHYPayload of %zu bytes too short for FOptsLen %u (needs %zu)", len,
                       f->fopts_len, hdr + 4);
    size_t body = len - hdr - 4;
    if (body > 0) {
        f->fport = b[hdr];
        f->frm_len = (uint16_t)(body - 1);
        if (f->fport == 0 && f->fopts_len)
            return ng_fail(err, NG_EFORMAT, "FPort 0 with %u FOpts bytes", f->fopts_len);
    }
    return NG_OK;
}

ng_status ng_lora_frame_decode(const uint8_t *b, size_t len, ng_lora_frame *f, ng_error *err)
{
    memset(f, 0, sizeof *f);
    f->fport = -1;
    f->len = len;
    if (len < 1)
        return ng_fail(err, NG_EFORMAT, "empty PHYPayload");
    f->mtype = b[0] >> 5;
    f->major = b[0] & 3;
    size_t need = ng_lora_frame_min_len(f->mtype);
    if (len < need)
        return ng_fail(err, NG_EFORMAT, "%s PHYPayload of %zu bytes, shorter than its %zu-byte header",
                       ng_lora_mtype_name(f->mtype), len, need);
    f->mic = le32(b + len - 4);
    if (f->mtype >= NG_LORA_UNCONF_UP && f->mtype <= NG_LORA_CONF_DOWN)
        return decode_data(b, len, f, err);
    if (f->mtype == NG_LORA_JOIN_REQUEST && len != 23)
        return ng_fail(err, NG_EFORMAT, "JoinRequest of %zu bytes (expected 23)", len);
    if (f->mtype == NG_LORA_JOIN_ACCEPT && len != 17 && len != 33)
        return ng_fail(err, NG_EFORMAT, "JoinAccept of %zu bytes (expected 17 or 33)", len);
    f->frm_len = (uint16_t)(len - 5);
    return NG_OK;
}

static void random_bytes(ng_rng *rng, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)ng_rng_below(rng, 256);
}

static size_t clamp_len(uint8_t mtype, size_t phy_len)
{
    size_t min = ng_lora_frame_min_len(mtype);
    if (mtype == NG_LORA_JOIN_REQUEST)
        return 23;
    if (mtype == NG_LORA_JOIN_ACCEPT)
        return phy_len >= 33 ? 33 : 17;
    if (min == 12)
        min = 13; /* always an FPort: Wireshark 4.0 reads one even from a 12-byte frame */
    if (phy_len < min)
        return min;
    return phy_len > NG_LORA_MAX_PHY ? NG_LORA_MAX_PHY : phy_len;
}

size_t ng_lora_frame_build(const ng_lora_frame *f, size_t phy_len, ng_rng *rng, uint8_t *out)
{
    uint8_t mtype = f->mtype & 7;
    size_t len = clamp_len(mtype, phy_len);
    random_bytes(rng, out, len);
    out[0] = (uint8_t)(mtype << 5 | (f->major & 3));
    if (mtype < NG_LORA_UNCONF_UP || mtype > NG_LORA_CONF_DOWN)
        return len;
    put_le32(out + 1, f->dev_addr);
    out[5] = (uint8_t)(f->fctrl & 0xf0);
    out[6] = (uint8_t)f->fcnt;
    out[7] = (uint8_t)(f->fcnt >> 8);
    out[8] = (uint8_t)(f->fport >= 0 && f->fport <= 255 ? f->fport : 1);
    return len;
}
