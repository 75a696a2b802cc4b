/* lora_record.h — one LoRaWAN uplink as the gateway saw it, a growable list of them,
 * and the tally of input that could not be used.
 *
 * Every LoRa input (gateway CSV, Semtech packet-forwarder JSON lines, LoRaTap pcap)
 * becomes a list of ng_lora_record; every LoRa output is written from one. Fields that
 * an input does not carry hold their "unknown" value (listed per field). Readers never
 * stop on a bad line or frame: they skip it, count it in ng_lora_input_stats by reason
 * and keep the first message, so the caller can report "N rows skipped: ...". */
#ifndef NG_CAPTURE_LORA_RECORD_H
#define NG_CAPTURE_LORA_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct ng_lora_record {
    int64_t time_ns;    /* receive time, ns since the Unix epoch */
    uint32_t dev_addr;  /* DevAddr (host order; 0 for join frames) */
    uint8_t mtype;      /* MHDR MType 0..7 */
    uint8_t major;      /* MHDR Major */
    uint8_t fctrl;      /* FCtrl byte (ADR, ACK, FOptsLen) */
    uint8_t fopts_len;  /* FOpts bytes */
    int16_t fport;      /* FPort, -1 when absent */
    uint32_t fcnt;      /* frame counter (16 bits on air) */
    uint16_t phy_len;   /* PHYPayload bytes (MHDR .. MIC) */
    uint16_t frm_len;   /* FRMPayload bytes */
    uint8_t sf;         /* spreading factor 7..12, 0 unknown */
    uint16_t bw_khz;    /* bandwidth in kHz, 0 unknown */
    uint8_t cr;         /* coding rate denominator 5..8 for 4/5..4/8, 0 unknown */
    uint32_t freq_hz;   /* centre frequency in Hz, 0 unknown */
    int16_t chan;       /* concentrator channel, -1 unknown */
    int8_t crc;         /* 1 CRC ok, -1 CRC bad, 0 no CRC */
    float rssi;         /* dBm */
    float snr;          /* dB */
} ng_lora_record;

typedef struct ng_lora_records {
    ng_lora_record *v;
    size_t n, cap;
} ng_lora_records;

void ng_lora_records_init(ng_lora_records *r);
void ng_lora_records_free(ng_lora_records *r);
/* Append a copy; NG_ENOMEM on failure. */
ng_status ng_lora_records_push(ng_lora_records *r, const ng_lora_record *rec, ng_error *err);
/* Stable sort by time. */
void ng_lora_records_sort_time(ng_lora_records *r);

typedef enum ng_lora_bad {
    NG_LORA_BAD_BASE64 = 0, /* payload is not valid base64 */
    NG_LORA_BAD_FRAME,      /* PHYPayload shorter than its header, or inconsistent */
    NG_LORA_BAD_DATR,       /* datarate string not "SF<n>BW<k>" */
    NG_LORA_BAD_ROW,        /* CSV row with missing or unparsable columns */
    NG_LORA_BAD_JSON,       /* JSON line that is not an rxpk object */
    NG_LORA_BAD_RADIO,      /* LoRaTap header too short or lying */
    NG_LORA_BAD_KINDS
} ng_lora_bad;

typedef struct ng_lora_input_stats {
    size_t read;                     /* records produced */
    size_t bad[NG_LORA_BAD_KINDS];   /* skipped, by reason */
    char first[NG_ERROR_MSG_MAX];    /* first problem, "" if none */
} ng_lora_input_stats;

/* Count one skipped item of `kind` and keep the message if it is the first. */
void ng_lora_stats_bad(ng_lora_input_stats *st, ng_lora_bad kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t ng_lora_stats_skipped(const ng_lora_input_stats *st);
const char *ng_lora_bad_name(ng_lora_bad kind);

/* "SF7BW125" -> sf 7, bw 125 (SF 5..12, BW 7.8..500 kHz rounded); -1 if not that form. */
int ng_lora_datr_parse(const char *s, uint8_t *sf, uint16_t *bw_khz);
/* "4/5" -> 5; 0 if not that form ("OFF" is 0 too). */
uint8_t ng_lora_codr_parse(const char *s);
/* Parse "YYYY-MM-DD[ T]HH:MM:SS[.frac][Z|+hh:mm|-hh:mm]" (UTC if no zone; years
 * 1970..2200) to ns; -1 bad. */
int ng_lora_time_parse(const char *s, int64_t *ns);
/* ISO-8601 UTC with microseconds and 'Z' into buf (>= 32 bytes). */
void ng_lora_time_format(int64_t ns, char *buf, size_t cap);

#endif
