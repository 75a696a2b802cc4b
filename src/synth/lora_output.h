/* lora_output.h — writing LoRaWAN uplink records as a LoRaTap pcap, Semtech
 * packet-forwarder JSON lines or the gateway-log CSV.
 *
 * Each record becomes a PHYPayload built by capture/lora_frame.h: its MType, Major,
 * DevAddr, FCtrl (ADR/ACK, FOptsLen 0), the low 16 bits of its FCnt, FPort, and random
 * FRMPayload and MIC bytes so that phy_len is kept. The random bytes come from a
 * generator seeded with `seed`, so the same records and seed give the same file.
 * Formats: NG_LORA_OUT_PCAP (LoRaTap, link type 270, ns timestamps; Wireshark shows
 * LoRaTap + LoRaWAN), NG_LORA_OUT_JSONL ({"rxpk":[{...}]} per line), NG_LORA_OUT_CSV
 * (time, device_address, physical_payload, gateway, crc_status, frequency,
 * spreading_factor, bandwidth, code_rate, rssi, snr, size, mtype, fcnt, fport — the
 * reference's columns, with size the PHYPayload bytes and mtype its bit string).
 * Records without a channel get the rank of their frequency among those present.
 * Output is atomic (core/outfile.h); "-" is standard output. */
#ifndef NG_SYNTH_LORA_OUTPUT_H
#define NG_SYNTH_LORA_OUTPUT_H

#include <stdint.h>

#include "capture/lora_record.h"

typedef enum ng_lora_out_format { NG_LORA_OUT_PCAP, NG_LORA_OUT_JSONL, NG_LORA_OUT_CSV } ng_lora_out_format;

/* From the path's extension: .pcap/.pcapng -> pcap, .jsonl/.json -> JSON lines,
 * .csv -> CSV; NG_EINVAL otherwise. */
ng_status ng_lora_out_format_from_path(const char *path, ng_lora_out_format *f, ng_error *err);

ng_status ng_lora_write(const char *path, ng_lora_out_format format, const ng_lora_records *recs,
                        uint64_t seed, ng_error *err);

#endif
