/* lora_tap.h — LoRaTap (link type 270): the radio header in front of a LoRa frame, and
 * reading/writing pcaps of LoRaWAN uplinks in it.
 *
 * LoRaTap version 0 header, 15 bytes, multi-byte fields big-endian (as Wireshark's
 * loratap dissector reads them):
 *   0 version (0) | 1 padding | 2..3 header length (15) | 4..7 frequency Hz |
 *   8 bandwidth in 125 kHz steps | 9 SF | 10 packet RSSI (dBm + 139) | 11 max RSSI |
 *   12 current RSSI | 13 SNR (signed, quarter dB; read back to 0.1 dB as packet
 *   forwarders report it) | 14 sync word (0x34: public LoRaWAN,
 *   which Wireshark dissects further as LoRaWAN).
 * The reader uses its own libpcap loop (capture/reader.h takes only IP link types), so a
 * pcap of another link type is refused with NG_EUNSUPPORTED; a frame with a short or
 * lying header or a bad PHYPayload is skipped and counted. The writer goes through
 * capture/writer.h (atomic output). */
#ifndef NG_CAPTURE_LORA_TAP_H
#define NG_CAPTURE_LORA_TAP_H

#include <stddef.h>
#include <stdint.h>

#include "capture/lora_record.h"
#include "capture/writer.h"

#define NG_LINKTYPE_LORATAP 270u
#define NG_LORATAP_HDR_LEN 15u
#define NG_LORATAP_SYNC_PUBLIC 0x34u

/* Write the 15-byte header for rec's radio fields into out. */
void ng_loratap_header_encode(const ng_lora_record *rec, uint8_t *out);
/* Read the radio fields of a header into rec; returns the header length or -1. */
long ng_loratap_header_decode(const uint8_t *b, size_t len, ng_lora_record *rec);

ng_status ng_lora_tap_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                           ng_error *err);

/* Open a LoRaTap pcap (nanosecond timestamps) for writing. */
ng_status ng_lora_tap_open(ng_writer **w, const char *path, ng_error *err);
/* Append one frame: header from rec, then phy_len bytes of PHYPayload. */
ng_status ng_lora_tap_write(ng_writer *w, const ng_lora_record *rec, const uint8_t *phy,
                            size_t phy_len, ng_error *err);

#endif
