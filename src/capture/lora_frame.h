/* lora_frame.h — the LoRaWAN PHYPayload: decoding its header fields and building
 * frames with the same header and a chosen length.
 *
 * PHYPayload = MHDR(1) | MACPayload or join message | MIC(4). MHDR: MType (bits 7..5),
 * RFU, Major (bits 1..0). Data frames (MType 2..5): DevAddr (4, little-endian on air) |
 * FCtrl (1: ADR bit 7, ACK bit 5, FOptsLen bits 3..0) | FCnt (2, little-endian) |
 * FOpts | [FPort (1) | FRMPayload] | MIC, so at least 12 bytes. Join request (MType 0):
 * AppEUI(8) DevEUI(8) DevNonce(2): 23 bytes. Join accept (1): encrypted, 17 or 33 bytes.
 * Rejoin (6) and proprietary (7) are taken as opaque MHDR | body | MIC. Lengths are in
 * bytes. Decoding never reads past len and fails (NG_EFORMAT, message naming the
 * field) on a frame shorter than its header says. */
#ifndef NG_CAPTURE_LORA_FRAME_H
#define NG_CAPTURE_LORA_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"

enum {
    NG_LORA_JOIN_REQUEST = 0,
    NG_LORA_JOIN_ACCEPT = 1,
    NG_LORA_UNCONF_UP = 2,
    NG_LORA_UNCONF_DOWN = 3,
    NG_LORA_CONF_UP = 4,
    NG_LORA_CONF_DOWN = 5,
    NG_LORA_REJOIN = 6,
    NG_LORA_PROPRIETARY = 7
};

#define NG_LORA_MAX_PHY 255

typedef struct ng_lora_frame {
    size_t len;        /* PHYPayload bytes */
    uint8_t mtype, major;
    bool is_data;      /* MType 2..5: the FHDR fields below are set */
    uint32_t dev_addr;
    uint8_t fctrl;
    bool adr, ack;
    uint8_t fopts_len;
    uint16_t fcnt;
    int fport;         /* -1 when absent */
    uint16_t frm_len;  /* FRMPayload bytes (join/opaque: the body between MHDR and MIC) */
    uint32_t mic;      /* as on air, little-endian */
} ng_lora_frame;

ng_status ng_lora_frame_decode(const uint8_t *b, size_t len, ng_lora_frame *f, ng_error *err);

/* "JoinRequest", "UnconfirmedDataUp", ... */
const char *ng_lora_mtype_name(uint8_t mtype);

/* Build a PHYPayload of phy_len bytes into out (NG_LORA_MAX_PHY): MType/Major from f;
 * data frames get DevAddr, FCtrl with FOptsLen 0 (any FOpts bytes become FRMPayload, so
 * the length is kept and no random MAC command is invented), FCnt, an FPort
 * (f->fport, or 1 if it is -1) and random FRMPayload and MIC bytes; data frames are at
 * least 13 bytes, since Wireshark 4.0 reports a 12-byte one (no FPort) as malformed.
 * Join requests get random EUIs and nonce. The smallest valid length for the MType is
 * used if phy_len is below it. Returns the length written. */
size_t ng_lora_frame_build(const ng_lora_frame *f, size_t phy_len, ng_rng *rng, uint8_t *out);
/* Smallest valid PHYPayload for this MType (12 data, 23 join request, 17 join accept, 5 other). */
size_t ng_lora_frame_min_len(uint8_t mtype);

#endif
